package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"

	"pipeline/internal/atomicfile"
)

// headerAlignment is the byte alignment of the data buffer. Writers pad the
// header with spaces to a multiple of 8 bytes so that tensors of elements
// up to 8 bytes wide can be used in place from a memory-mapped file.
const headerAlignment = 8

// WriteFile writes tensors and metadata to path in safetensors format, with
// F32 data and keys in sorted order. It writes a temporary file in the same
// folder, syncs it and renames it over path, so path never holds a partial
// file. Metadata may be nil.
func WriteFile(path string, tensors map[string]Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fileError("write", path, err)
	}

	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer f.Close()
	buffered := bufio.NewWriterSize(f, 1<<16)
	err = writeBody(buffered, header, tensors)
	if err == nil {
		err = buffered.Flush()
	}
	if err == nil {
		err = f.Commit()
	}
	if err != nil {
		return fileError("write", path, err)
	}
	return nil
}

// Write writes tensors and metadata to w in safetensors format, as
// WriteFile does but without the atomic rename.
func Write(w io.Writer, tensors map[string]Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("checkpoint: write safetensors: %w", err)
	}
	buffered := bufio.NewWriterSize(w, 1<<16)
	if err := writeBody(buffered, header, tensors); err != nil {
		return fmt.Errorf("checkpoint: write safetensors: %w", err)
	}
	return buffered.Flush()
}

// encodeHeader validates the tensors and returns the 8-byte length, the
// JSON header and its padding.
func encodeHeader(tensors map[string]Tensor, metadata map[string]string) ([]byte, error) {
	var header bytes.Buffer
	header.WriteString("{")
	if len(metadata) > 0 {
		encoded, err := json.Marshal(metadata)
		if err != nil {
			return nil, fmt.Errorf("encode metadata: %w", err)
		}
		fmt.Fprintf(&header, "%q:%s", metadataKey, encoded)
	}

	var offset int64
	for i, name := range sortedNames(tensors) {
		entry, err := newHeaderEntry(name, tensors[name], offset)
		if err != nil {
			return nil, err
		}
		offset = entry.DataOffsets[1]
		if i > 0 || len(metadata) > 0 {
			header.WriteString(",")
		}
		key, _ := json.Marshal(name)
		value, _ := json.Marshal(entry)
		header.Write(key)
		header.WriteString(":")
		header.Write(value)
	}
	header.WriteString("}")

	for (8+header.Len())%headerAlignment != 0 {
		header.WriteString(" ")
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(header.Len()))
	return append(out, header.Bytes()...), nil
}

func newHeaderEntry(name string, t Tensor, offset int64) (headerEntry, error) {
	if name == "" || name == metadataKey {
		return headerEntry{}, fmt.Errorf("invalid tensor name %q", name)
	}
	n, ok := numElements(t.Shape)
	if !ok {
		return headerEntry{}, fmt.Errorf("tensor %q: invalid shape %v", name, t.Shape)
	}
	if n != len(t.Data) {
		return headerEntry{}, fmt.Errorf("tensor %q: shape %v needs %d values, Data has %d",
			name, t.Shape, n, len(t.Data))
	}
	shape := t.Shape
	if shape == nil {
		shape = []int{}
	}
	end := offset + 4*int64(n)
	return headerEntry{Dtype: "F32", Shape: shape, DataOffsets: [2]int64{offset, end}}, nil
}

func writeBody(w *bufio.Writer, header []byte, tensors map[string]Tensor) error {
	if _, err := w.Write(header); err != nil {
		return err
	}
	var word [4]byte
	for _, name := range sortedNames(tensors) {
		for _, v := range tensors[name].Data {
			binary.LittleEndian.PutUint32(word[:], math.Float32bits(v))
			if _, err := w.Write(word[:]); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedNames(tensors map[string]Tensor) []string {
	names := make([]string, 0, len(tensors))
	for name := range tensors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
