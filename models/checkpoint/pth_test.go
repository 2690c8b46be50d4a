package checkpoint

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The .pth files and their expected values were written by
// tools/oracle/pth_golden.py with PyTorch 1.13; the expected values went
// through torch's own float32 conversion, so they must match exactly.
func TestReadPTHGolden(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"lenet5.pth", "lenet5.safetensors"},
		{"lenet5_module_prefix.pth", "lenet5.safetensors"},
		{"lenet5_state_dict_wrapper.pth", "lenet5.safetensors"},
		{"lenet5_model_wrapper.pth", "lenet5_model_wrapper.safetensors"},
		{"layouts.pth", "layouts.safetensors"},
		{"layouts_protocol4.pth", "layouts.safetensors"},
		{"dtypes.pth", "dtypes.safetensors"},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			want, _, err := ReadFile(filepath.Join("testdata", test.want))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadPTH(filepath.Join("testdata", test.file))
			if err != nil {
				t.Fatal(err)
			}
			compareTensors(t, got, want, 0)
		})
	}
}

// compareTensors checks names, shapes and values within tol; NaNs must
// match NaNs.
func compareTensors(t *testing.T, got, want map[string]Tensor, tol float64) {
	t.Helper()
	if !reflect.DeepEqual(sortedNames(got), sortedNames(want)) {
		t.Fatalf("names = %v, want %v", sortedNames(got), sortedNames(want))
	}
	for name, w := range want {
		g := got[name]
		if !reflect.DeepEqual(g.Shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", name, g.Shape, w.Shape)
			continue
		}
		for i := range w.Data {
			gv, wv := float64(g.Data[i]), float64(w.Data[i])
			if math.Abs(gv-wv) > tol || math.IsNaN(gv) != math.IsNaN(wv) {
				t.Errorf("%s[%d] = %v, want %v (tol %g)", name, i, gv, wv, tol)
				break
			}
		}
	}
}

func TestReadPTHLeNetShapes(t *testing.T) {
	got, err := ReadPTH("testdata/lenet5.pth")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"conv1.weight": {6, 1, 5, 5}, "conv1.bias": {6},
		"conv2.weight": {16, 6, 5, 5}, "conv2.bias": {16},
		"fc1.weight": {120, 256}, "fc1.bias": {120},
		"fc2.weight": {84, 120}, "fc2.bias": {84},
		"fc3.weight": {10, 84}, "fc3.bias": {10},
	}
	if len(got) != len(want) {
		t.Errorf("%d tensors, want %d", len(got), len(want))
	}
	for name, shape := range want {
		if !reflect.DeepEqual(got[name].Shape, shape) {
			t.Errorf("%s shape = %v, want %v", name, got[name].Shape, shape)
		}
	}
}

func TestReadPTHLayouts(t *testing.T) {
	// Expected from base = torch.arange(24.).reshape(4, 6) in the generator.
	got, err := ReadPTH("testdata/layouts.pth")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		shape []int
		data  []float32
	}{
		{"transposed", []int{6, 4},
			[]float32{0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22,
				5, 11, 17, 23}},
		{"slice", []int{2, 3}, []float32{8, 9, 10, 14, 15, 16}},
		{"step", []int{2, 2}, []float32{0, 3, 12, 15}},
		{"scalar", []int{}, []float32{2.5}},
		{"empty", []int{0, 3}, []float32{}},
	}
	for _, test := range tests {
		tensor := got[test.name]
		if !reflect.DeepEqual(tensor, Tensor{Shape: test.shape, Data: test.data}) {
			t.Errorf("%s = %v, want shape %v data %v", test.name, tensor, test.shape, test.data)
		}
	}
}

func TestReadPTHSkipsIntegerTensors(t *testing.T) {
	got, err := ReadPTH("testdata/dtypes.pth")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"bn.num_batches_tracked", "mask"} {
		if _, ok := got[name]; ok {
			t.Errorf("integer or bool tensor %q was imported", name)
		}
	}
}

func TestReadPTHRejectsOtherFiles(t *testing.T) {
	tests := []struct {
		file     string
		want     string
		sentinel error
	}{
		{"lenet5_legacy.pth", "legacy (pre-1.6, non-zip) torch.save format not supported; " +
			"re-save with torch.save(..., _use_new_zipfile_serialization=True)", ErrLegacyPTH},
		{"lenet5_whole_model.pth", "file holds a whole pickled model (__main__.LeNet5), " +
			"not a state_dict; save model.state_dict() instead", ErrWholeModel},
		{"tiny_torchscript.pt", "TorchScript archive", ErrTorchScript},
		{"lenet5.safetensors", "not a zip archive", ErrFormat},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			path := filepath.Join("testdata", test.file)
			_, err := ReadPTH(path)
			if err == nil {
				t.Fatal("ReadPTH accepted the file")
			}
			wantPrefix := "checkpoint: read " + path + ": "
			if !strings.HasPrefix(err.Error(), wantPrefix) {
				t.Errorf("error %q does not start with %q", err, wantPrefix)
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !errors.Is(err, test.sentinel) {
				t.Errorf("error %q does not match %v", err, test.sentinel)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", err)
			}
		})
	}
}

func TestReadPTHWholeModelClass(t *testing.T) {
	_, err := ReadPTH("testdata/lenet5_whole_model.pth")
	var wholeModel *WholeModelError
	if !errors.As(err, &wholeModel) {
		t.Fatalf("error %v is not a *WholeModelError", err)
	}
	if wholeModel.Class != "__main__.LeNet5" {
		t.Errorf("Class = %q, want __main__.LeNet5", wholeModel.Class)
	}
}

// rewriteZip copies the zip archive in data, letting edit change or drop
// (by returning nil) each record's contents.
func rewriteZip(t *testing.T, data []byte, edit func(name string, body []byte) []byte) []byte {
	t.Helper()
	return rewriteZipNames(t, data, func(name string, body []byte) (string, []byte) {
		return name, edit(name, body)
	}, nil)
}

// rewriteZipNames copies the zip archive in data, letting edit rename,
// change or drop each record, and appends the records in extra.
func rewriteZipNames(t *testing.T, data []byte,
	edit func(name string, body []byte) (string, []byte), extra map[string][]byte) []byte {
	t.Helper()
	reader, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if extra == nil {
		extra = make(map[string][]byte)
	}
	var out bytes.Buffer
	writer := zip.NewWriter(&out)
	for _, f := range reader.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		name, body := edit(f.Name, body)
		if body == nil {
			continue
		}
		extra[name] = body
	}
	for _, name := range sortedKeys(extra) {
		w, err := writer.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(extra[name])
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadPTHRejectsDamagedArchives(t *testing.T) {
	original, err := os.ReadFile("testdata/layouts.pth")
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(original)
	// A byte inside the data of storage 0, so the CRC-32 check fails.
	at := bytes.Index(original, []byte("layouts/data/0")) + 100
	flipped[at] ^= 0x40

	keep := func(name string, body []byte) (string, []byte) { return name, body }
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"truncated start", original[:100], "invalid zip archive (truncated file?)"},
		{"truncated end", original[:len(original)-30], "invalid zip archive (truncated file?)"},
		{"bit flip in storage", flipped, "zip: checksum error"},
		{"missing storage", rewriteZip(t, original, func(name string, body []byte) []byte {
			if name == "layouts/data/0" {
				return nil
			}
			return body
		}), "storage record layouts/data/0 missing"},
		{"short storage", rewriteZip(t, original, func(name string, body []byte) []byte {
			if name == "layouts/data/0" {
				return body[:8]
			}
			return body
		}), "storage record layouts/data/0 has 8 bytes, expected 96 (24 elements of F32)"},
		{"truncated pickle", rewriteZip(t, original, func(name string, body []byte) []byte {
			if name == "layouts/data.pkl" {
				return body[:len(body)/2]
			}
			return body
		}), "layouts/data.pkl: invalid pickle at byte"},
		{"no data.pkl", rewriteZip(t, original, func(name string, body []byte) []byte {
			if name == "layouts/data.pkl" {
				return nil
			}
			return body
		}), "zip archive has no <folder>/data.pkl record"},
		{"bare pickle", []byte("\x80\x02}q\x00."), "file is a bare pickle"},
		{"unknown byte order", rewriteZipNames(t, original, keep,
			map[string][]byte{"layouts/byteorder": []byte("middle")}),
			`byteorder record is "middle", expected "little" or "big"`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, err := ReadPTHFrom(bytes.NewReader(test.data), int64(len(test.data)), "bad.pth")
			if err == nil {
				t.Fatal("ReadPTHFrom accepted a damaged file")
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !strings.HasPrefix(err.Error(), "checkpoint: read bad.pth: ") {
				t.Errorf("error %q does not name the file", err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", err)
			}
		})
	}
}

func TestReadPTHRenamedFolder(t *testing.T) {
	original, err := os.ReadFile("testdata/layouts.pth")
	if err != nil {
		t.Fatal(err)
	}
	renamed := rewriteZipNames(t, original, func(name string, body []byte) (string, []byte) {
		return "archive/" + strings.TrimPrefix(name, "layouts/"), body
	}, nil)
	got, err := ReadPTHFrom(bytes.NewReader(renamed), int64(len(renamed)), "renamed.pth")
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := ReadFile("testdata/layouts.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	compareTensors(t, got, want, 0)
}

func sortedKeys(records map[string][]byte) []string {
	names := make([]string, 0, len(records))
	for name := range records {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func TestReadPTHBigEndian(t *testing.T) {
	original, err := os.ReadFile("testdata/layouts.pth")
	if err != nil {
		t.Fatal(err)
	}
	// Every storage in layouts.pth is float32: swap each 4-byte word.
	swapped := rewriteZipNames(t, original, func(name string, body []byte) (string, []byte) {
		if !strings.HasPrefix(name, "layouts/data/") {
			return name, body
		}
		out := bytes.Clone(body)
		for i := 0; i+4 <= len(out); i += 4 {
			out[i], out[i+1], out[i+2], out[i+3] = out[i+3], out[i+2], out[i+1], out[i]
		}
		return name, out
	}, map[string][]byte{"layouts/byteorder": []byte("big")})

	got, err := ReadPTHFrom(bytes.NewReader(swapped), int64(len(swapped)), "big.pth")
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := ReadFile("testdata/layouts.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	compareTensors(t, got, want, 0)
}
