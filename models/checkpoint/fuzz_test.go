package checkpoint

import (
	"archive/zip"
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedCopies returns truncations and single-bit flips of data, spread
// over its length, for seed corpora.
func damagedCopies(data []byte) [][]byte {
	var out [][]byte
	for _, fraction := range []int{1, 2, 4, 8, 16, 64} {
		out = append(out, data[:len(data)*fraction/(fraction+1)])
	}
	for i := 1; i <= 8; i++ {
		flipped := bytes.Clone(data)
		at := len(data) * i / 9
		if at < len(flipped) {
			flipped[at] ^= 1 << (i % 8)
			out = append(out, flipped)
		}
	}
	return out
}

func goldenFiles(tb testing.TB, patterns ...string) map[string][]byte {
	tb.Helper()
	files := make(map[string][]byte)
	for _, pattern := range patterns {
		paths, err := filepath.Glob(filepath.Join("testdata", pattern))
		if err != nil {
			tb.Fatal(err)
		}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			if err != nil {
				tb.Fatal(err)
			}
			files[filepath.Base(path)] = data
		}
	}
	return files
}

// checkTensors fails when a returned tensor's data does not match its shape.
func checkTensors(t *testing.T, tensors map[string]Tensor) {
	for name, tensor := range tensors {
		if n := tensor.NumElements(); n != len(tensor.Data) {
			t.Fatalf("tensor %q: shape %v has %d elements, Data %d",
				name, tensor.Shape, n, len(tensor.Data))
		}
	}
}

func FuzzReadSafetensors(f *testing.F) {
	for _, data := range goldenFiles(f, "*.safetensors") {
		f.Add(data)
		for _, damaged := range damagedCopies(data) {
			f.Add(damaged)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, metadata, err := Read(bytes.NewReader(data), "fuzz.safetensors")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "checkpoint: read safetensors fuzz.safetensors: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkTensors(t, tensors)

		// What was read must survive a write and a second read.
		var out bytes.Buffer
		if err := Write(&out, tensors, metadata); err != nil {
			t.Fatalf("Write after a successful Read: %v", err)
		}
		again, _, err := Read(&out, "rewritten")
		if err != nil {
			t.Fatalf("Read of rewritten data: %v", err)
		}
		if !sameTensors(tensors, again) {
			t.Fatal("tensors changed in a write and read round trip")
		}
	})
}

// sameTensors compares shapes and value bits, so NaNs compare equal.
func sameTensors(a, b map[string]Tensor) bool {
	if len(a) != len(b) {
		return false
	}
	for name, ta := range a {
		tb, ok := b[name]
		if !ok || len(ta.Shape) != len(tb.Shape) || len(ta.Data) != len(tb.Data) {
			return false
		}
		for i := range ta.Shape {
			if ta.Shape[i] != tb.Shape[i] {
				return false
			}
		}
		for i := range ta.Data {
			if math.Float32bits(ta.Data[i]) != math.Float32bits(tb.Data[i]) {
				return false
			}
		}
	}
	return true
}

func FuzzReadPTH(f *testing.F) {
	for _, data := range goldenFiles(f, "*.pth", "*.pt") {
		f.Add(data)
		for _, damaged := range damagedCopies(data) {
			f.Add(damaged)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, err := ReadPTHFrom(bytes.NewReader(data), int64(len(data)), "fuzz.pth")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "checkpoint: read fuzz.pth: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		checkTensors(t, tensors)
	})
}

// pickleArchive is a golden .pth split into its pickle and the other
// records, so that a fuzzed pickle can be packed with real storages.
type pickleArchive struct {
	folder  string
	pickle  []byte
	records map[string][]byte
}

func splitArchive(tb testing.TB, data []byte) pickleArchive {
	tb.Helper()
	reader, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	archive := pickleArchive{records: make(map[string][]byte)}
	for _, f := range reader.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if filepath.Base(f.Name) == "data.pkl" {
			archive.folder = filepath.Dir(f.Name)
			archive.pickle = body
			continue
		}
		archive.records[f.Name] = body
	}
	return archive
}

func (a pickleArchive) pack(tb testing.TB, pickle []byte) []byte {
	var out bytes.Buffer
	writer := zip.NewWriter(&out)
	write := func(name string, body []byte) {
		w, err := writer.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(body)
	}
	write(a.folder+"/data.pkl", pickle)
	for name, body := range a.records {
		write(name, body)
	}
	if err := writer.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

// FuzzReadPTHPickle fuzzes the pickle inside an archive: data.pkl's CRC-32
// would reject almost every mutation that FuzzReadPTH makes to it.
func FuzzReadPTHPickle(f *testing.F) {
	names := []string{"layouts.pth", "layouts_protocol4.pth", "dtypes.pth", "lenet5.pth",
		"lenet5_model_wrapper.pth", "lenet5_whole_model.pth"}
	archives := make([]pickleArchive, len(names))
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		archives[i] = splitArchive(f, data)
		f.Add(archives[i].pickle, uint8(i))
		for _, damaged := range damagedCopies(archives[i].pickle) {
			f.Add(damaged, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, pickle []byte, which uint8) {
		data := archives[int(which)%len(archives)].pack(t, pickle)
		tensors, err := ReadPTHFrom(bytes.NewReader(data), int64(len(data)), "fuzz.pth")
		if err == nil {
			checkTensors(t, tensors)
		}
	})
}
