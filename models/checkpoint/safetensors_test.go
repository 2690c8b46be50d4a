package checkpoint

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// rawSafetensors assembles a file from a JSON header and a data buffer.
func rawSafetensors(header string, buffer []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	out = append(out, header...)
	return append(out, buffer...)
}

func TestWriteReadRoundTrip(t *testing.T) {
	tensors := map[string]Tensor{
		"conv1.weight": {Shape: []int{2, 1, 2, 2}, Data: []float32{1, -2, 3.5, 4, 0, -0, 1e-30, 7}},
		"conv1.bias":   {Shape: []int{2}, Data: []float32{0.25, float32(math.Inf(-1))}},
		"scalar":       {Shape: []int{}, Data: []float32{42}},
		"empty":        {Shape: []int{0, 3}, Data: []float32{}},
	}
	metadata := map[string]string{"format": "pt", "model": "lenet5"}
	path := filepath.Join(t.TempDir(), "model.safetensors")

	if err := WriteFile(path, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	got, gotMetadata, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, tensors) {
		t.Errorf("tensors = %v, want %v", got, tensors)
	}
	if !reflect.DeepEqual(gotMetadata, metadata) {
		t.Errorf("metadata = %v, want %v", gotMetadata, metadata)
	}

	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder contains %d files after WriteFile, want 1 (temporary file left?)",
			len(entries))
	}
}

func TestWriteHeaderLayout(t *testing.T) {
	tensors := map[string]Tensor{
		"b": {Shape: []int{1}, Data: []float32{2}},
		"a": {Shape: []int{1}, Data: []float32{1}},
	}
	var out bytes.Buffer
	if err := Write(&out, tensors, nil); err != nil {
		t.Fatal(err)
	}
	data := out.Bytes()
	headerLen := binary.LittleEndian.Uint64(data)
	if (8+headerLen)%8 != 0 {
		t.Errorf("data buffer starts at byte %d, not 8-byte aligned", 8+headerLen)
	}
	header := strings.TrimRight(string(data[8:8+headerLen]), " ")
	want := `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},` +
		`"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`
	if header != want {
		t.Errorf("header = %s\nwant       %s", header, want)
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(data[8+headerLen:])); got != 1 {
		t.Errorf("first value = %v, want 1 (tensor a first)", got)
	}
}

func TestWriteRejectsBadTensors(t *testing.T) {
	tests := []struct {
		name    string
		tensors map[string]Tensor
		want    string
	}{
		{"short data", map[string]Tensor{"w": {Shape: []int{2, 2}, Data: []float32{1}}},
			`tensor "w": shape [2 2] needs 4 values, Data has 1`},
		{"negative dim", map[string]Tensor{"w": {Shape: []int{-1}}}, "invalid shape [-1]"},
		{"reserved name", map[string]Tensor{metadataKey: {Data: []float32{1}}},
			`invalid tensor name "__metadata__"`},
		{"empty name", map[string]Tensor{"": {Data: []float32{1}}}, `invalid tensor name ""`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			err := WriteFile(path, test.tensors, nil)
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Fatalf("WriteFile error = %v, want it to contain %q", err, test.want)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
				t.Errorf("WriteFile left %s behind after an error", path)
			}
		})
	}
}

func TestWriteFileKeepsOldFileOnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	old := map[string]Tensor{"w": {Shape: []int{1}, Data: []float32{1}}}
	if err := WriteFile(path, old, nil); err != nil {
		t.Fatal(err)
	}
	bad := map[string]Tensor{"w": {Shape: []int{3}, Data: []float32{1}}}
	if err := WriteFile(path, bad, nil); err == nil {
		t.Fatal("WriteFile accepted a tensor whose Data is shorter than its shape")
	}
	got, _, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, old) {
		t.Errorf("file after failed write = %v, want the old %v", got, old)
	}
}

func TestReadConvertsFloatDtypes(t *testing.T) {
	// F16 0x3c00 = 1, 0xc000 = -2, 0x0001 = 2^-24 (smallest subnormal),
	// 0x7c00 = +Inf; BF16 0x3fc0 = 1.5; F64 0.1 rounds to float32(0.1).
	var buffer []byte
	for _, h := range []uint16{0x3c00, 0xc000, 0x0001, 0x7c00} {
		buffer = binary.LittleEndian.AppendUint16(buffer, h)
	}
	buffer = binary.LittleEndian.AppendUint16(buffer, 0x3fc0)
	buffer = binary.LittleEndian.AppendUint64(buffer, math.Float64bits(0.1))
	buffer = binary.LittleEndian.AppendUint64(buffer, 7) // I64, skipped
	header := `{"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},` +
		`"b":{"dtype":"BF16","shape":[1],"data_offsets":[8,10]},` +
		`"d":{"dtype":"F64","shape":[],"data_offsets":[10,18]},` +
		`"n":{"dtype":"I64","shape":[1],"data_offsets":[18,26]}}`

	got, metadata, err := Read(bytes.NewReader(rawSafetensors(header, buffer)), "mixed")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Tensor{
		"h": {Shape: []int{2, 2}, Data: []float32{1, -2, 1.0 / (1 << 24), float32(math.Inf(1))}},
		"b": {Shape: []int{1}, Data: []float32{1.5}},
		"d": {Shape: []int{}, Data: []float32{0.1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("tensors = %v, want %v", got, want)
	}
	if metadata != nil {
		t.Errorf("metadata = %v, want nil", metadata)
	}
}

func TestFloat16Conversion(t *testing.T) {
	tests := []struct {
		bits uint16
		want float32
	}{
		{0x0000, 0},
		{0x3555, 0.333251953125},  // nearest half to 1/3
		{0x7bff, 65504},           // largest finite half
		{0x0400, 1.0 / (1 << 14)}, // smallest normal
		{0x03ff, 1023.0 / (1 << 24)},
		{0xfc00, float32(math.Inf(-1))},
	}
	for _, test := range tests {
		if got := float16ToFloat32(test.bits); got != test.want {
			t.Errorf("float16ToFloat32(%#04x) = %v, want %v", test.bits, got, test.want)
		}
	}
	if got := float16ToFloat32(0x7e00); !math.IsNaN(float64(got)) {
		t.Errorf("float16ToFloat32(0x7e00) = %v, want NaN", got)
	}
	if got := math.Float32bits(float16ToFloat32(0x8000)); got != 0x80000000 {
		t.Errorf("float16ToFloat32(0x8000) bits = %#x, want negative zero", got)
	}
}

func TestReadRejectsMalformed(t *testing.T) {
	four := make([]byte, 4)
	entry := func(offsets string) string {
		return `{"w":{"dtype":"F32","shape":[1],"data_offsets":` + offsets + `}}`
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty file", nil, "file has 0 bytes, shorter than the 8-byte header length"},
		{"header beyond file",
			binary.LittleEndian.AppendUint64(nil, 1000),
			"header length 1000 exceeds the 0 bytes after it"},
		{"not json", rawSafetensors(`{"w":`, nil), "invalid JSON header"},
		{"no brace", rawSafetensors(`[1,2]`, nil), "header does not start with '{'"},
		{"unknown dtype",
			rawSafetensors(`{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}`,
				make([]byte, 16)),
			`tensor "w": unknown dtype "F128"`},
		{"size mismatch",
			rawSafetensors(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, four),
			`tensor "w": shape [2] of F32 needs 8 bytes but data_offsets [0, 4] span 4`},
		{"negative dim",
			rawSafetensors(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, four),
			`tensor "w": invalid shape [-1]`},
		{"huge shape",
			rawSafetensors(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],`+
				`"data_offsets":[0,4]}}`, four),
			`tensor "w": invalid shape`},
		{"offsets reversed", rawSafetensors(entry("[4,0]"), four),
			"invalid data_offsets [4, 0]"},
		{"outside buffer", rawSafetensors(entry("[4,8]"), four),
			"outside the 4-byte data buffer"},
		{"gap", rawSafetensors(entry("[4,8]"), make([]byte, 8)), "leave a gap at byte 0"},
		{"trailing bytes", rawSafetensors(entry("[0,4]"), make([]byte, 8)),
			"4 bytes after the last tensor"},
		{"overlap",
			rawSafetensors(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},`+
				`"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)),
			`tensor "b": data_offsets [4, 8] overlap tensor "a"`},
		{"unknown field",
			rawSafetensors(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`,
				four),
			`unknown field "x"`},
		{"metadata not strings",
			rawSafetensors(`{"__metadata__":{"epoch":3}}`, nil),
			"__metadata__ is not a map of strings"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, _, err := Read(bytes.NewReader(test.data), "bad.safetensors")
			if err == nil {
				t.Fatalf("Read accepted malformed data")
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !strings.Contains(err.Error(), "bad.safetensors") {
				t.Errorf("error %q does not name the file", err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", err)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	_, _, err := ReadFile(filepath.Join(t.TempDir(), "absent.safetensors"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want os.ErrNotExist", err)
	}
	if errors.Is(err, ErrFormat) {
		t.Errorf("I/O error %v matches ErrFormat", err)
	}
}

// lenet5.safetensors was written by tools/oracle/pth_golden.py with Python's
// struct and json, independently of this package.
func TestWriteMatchesPythonWriter(t *testing.T) {
	path := "testdata/lenet5.safetensors"
	tensors, metadata, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantMetadata := map[string]string{"seed": "1", "source": "tools/oracle/pth_golden.py"}
	if !reflect.DeepEqual(metadata, wantMetadata) {
		t.Errorf("metadata = %v, want %v", metadata, wantMetadata)
	}

	var out bytes.Buffer
	if err := Write(&out, tensors, metadata); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("Write output (%d bytes) differs from %s (%d bytes)",
			out.Len(), path, len(want))
	}
}
