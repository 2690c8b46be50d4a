package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
)

// maxHeaderBytes bounds the JSON header with the limit that the Hugging Face
// Rust implementation uses (MAX_HEADER_SIZE).
const maxHeaderBytes = 100_000_000

// metadataKey is the reserved header entry that holds string metadata.
const metadataKey = "__metadata__"

// headerEntry is one tensor's description in a safetensors header.
type headerEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// ReadFile reads the safetensors file at path and returns its float
// tensors by name and its metadata (nil when the file has none).
func ReadFile(path string) (map[string]Tensor, map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	return decodeSafetensors(data, path)
}

// Read reads safetensors data from r until EOF. The name identifies the
// data in errors, usually a file name.
func Read(r io.Reader, name string) (map[string]Tensor, map[string]string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fileError("read", name, err)
	}
	return decodeSafetensors(data, name)
}

func decodeSafetensors(data []byte, name string) (map[string]Tensor, map[string]string, error) {
	tensors, metadata, err := parseSafetensors(data)
	if err != nil {
		return nil, nil, fileError("read safetensors", name, err)
	}
	return tensors, metadata, nil
}

func parseSafetensors(data []byte) (map[string]Tensor, map[string]string, error) {
	header, buffer, err := splitHeader(data)
	if err != nil {
		return nil, nil, err
	}

	entries, metadata, err := parseHeader(header)
	if err != nil {
		return nil, nil, err
	}
	if err := checkOffsets(entries, int64(len(buffer))); err != nil {
		return nil, nil, err
	}

	tensors := make(map[string]Tensor, len(entries))
	for tensorName, entry := range entries {
		dt := safetensorsDtypes[entry.Dtype]
		if !dt.float {
			continue
		}
		n, _ := numElements(entry.Shape)
		t := Tensor{Shape: append([]int{}, entry.Shape...), Data: make([]float32, n)}
		raw := buffer[entry.DataOffsets[0]:entry.DataOffsets[1]]
		decodeFloats(t.Data, raw, dt, binary.LittleEndian)
		tensors[tensorName] = t
	}
	return tensors, metadata, nil
}

// splitHeader separates the JSON header from the byte buffer that follows.
func splitHeader(data []byte) (header, buffer []byte, err error) {
	if len(data) < 8 {
		return nil, nil, formatErrorf("file has %d bytes, shorter than the 8-byte "+
			"header length", len(data))
	}
	headerLen := binary.LittleEndian.Uint64(data)
	available := uint64(len(data) - 8)
	if headerLen > available {
		return nil, nil, formatErrorf("header length %d exceeds the %d bytes after it "+
			"(truncated file, or not safetensors)", headerLen, available)
	}
	if headerLen > maxHeaderBytes {
		return nil, nil, formatErrorf("header length %d exceeds the limit of %d bytes",
			headerLen, maxHeaderBytes)
	}
	end := 8 + int(headerLen)
	return data[8:end], data[end:], nil
}

// parseHeader decodes the JSON header. Trailing spaces, which writers add
// to align the byte buffer, are allowed.
func parseHeader(header []byte) (map[string]headerEntry, map[string]string, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, formatErrorf("header does not start with '{' (not safetensors)")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimRight(header, " "), &raw); err != nil {
		return nil, nil, formatErrorf("invalid JSON header: %w", err)
	}

	var metadata map[string]string
	entries := make(map[string]headerEntry, len(raw))
	for key, value := range raw {
		if key == metadataKey {
			if err := json.Unmarshal(value, &metadata); err != nil {
				return nil, nil, formatErrorf("%s is not a map of strings: %w",
					metadataKey, err)
			}
			continue
		}
		entry, err := parseEntry(value)
		if err != nil {
			return nil, nil, formatErrorf("tensor %q: %w", key, err)
		}
		entries[key] = entry
	}
	return entries, metadata, nil
}

func parseEntry(value json.RawMessage) (headerEntry, error) {
	var entry headerEntry
	decoder := json.NewDecoder(bytes.NewReader(value))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&entry); err != nil {
		return entry, fmt.Errorf("invalid entry: %w", err)
	}
	if entry.Shape == nil {
		return entry, fmt.Errorf("missing shape")
	}

	dt, ok := safetensorsDtypes[entry.Dtype]
	if !ok {
		return entry, fmt.Errorf("unknown dtype %q", entry.Dtype)
	}
	n, ok := numElements(entry.Shape)
	if !ok {
		return entry, fmt.Errorf("invalid shape %v", entry.Shape)
	}

	begin, end := entry.DataOffsets[0], entry.DataOffsets[1]
	if begin < 0 || end < begin {
		return entry, fmt.Errorf("invalid data_offsets [%d, %d]", begin, end)
	}
	if int64(n) > (end-begin)/int64(dt.size) || int64(n)*int64(dt.size) != end-begin {
		return entry, fmt.Errorf("shape %v of %s needs %d bytes but data_offsets "+
			"[%d, %d] span %d", entry.Shape, entry.Dtype, int64(n)*int64(dt.size),
			begin, end, end-begin)
	}
	return entry, nil
}

// checkOffsets requires the tensors to tile the byte buffer exactly: no
// overlap, no gap and nothing past the end, as the format demands.
func checkOffsets(entries map[string]headerEntry, bufferLen int64) error {
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool {
		a, b := entries[names[i]].DataOffsets, entries[names[j]].DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[1] != b[1] {
			return a[1] < b[1]
		}
		return names[i] < names[j]
	})

	var next int64
	previous := ""
	for _, name := range names {
		offsets := entries[name].DataOffsets
		switch {
		case offsets[1] > bufferLen:
			return formatErrorf("tensor %q: data_offsets [%d, %d] outside the %d-byte "+
				"data buffer (truncated file?)", name, offsets[0], offsets[1], bufferLen)
		case offsets[0] < next:
			return formatErrorf("tensor %q: data_offsets [%d, %d] overlap tensor %q",
				name, offsets[0], offsets[1], previous)
		case offsets[0] > next:
			return formatErrorf("tensor %q: data_offsets [%d, %d] leave a gap at byte %d",
				name, offsets[0], offsets[1], next)
		}
		next = offsets[1]
		previous = name
	}
	if next != bufferLen {
		return formatErrorf("%d bytes after the last tensor are not described by "+
			"the header", bufferLen-next)
	}
	return nil
}
