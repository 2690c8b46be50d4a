package checkpoint

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// pickleProgram assembles protocol 2 pickles opcode by opcode for tests,
// following the opcode table in CPython's Lib/pickletools.py.
type pickleProgram struct {
	bytes.Buffer
}

func newPickle() *pickleProgram {
	p := &pickleProgram{}
	p.WriteString("\x80\x02") // PROTO 2
	return p
}

func (p *pickleProgram) op(code string) *pickleProgram { p.WriteString(code); return p }

func (p *pickleProgram) global(module, name string) *pickleProgram {
	return p.op("c" + module + "\n" + name + "\n")
}

func (p *pickleProgram) str(s string) *pickleProgram {
	p.WriteByte('X')
	binary.Write(p, binary.LittleEndian, uint32(len(s)))
	return p.op(s)
}

func (p *pickleProgram) int(n int) *pickleProgram {
	p.WriteByte('J')
	binary.Write(p, binary.LittleEndian, int32(n))
	return p
}

func (p *pickleProgram) ints(values ...int) *pickleProgram {
	p.op("(")
	for _, v := range values {
		p.int(v)
	}
	return p.op("t")
}

// tensor pushes _rebuild_tensor_v2(storage, offset, size, stride, False,
// OrderedDict()) for a storage of class storageClass.
func (p *pickleProgram) tensor(storageClass, key string, numel, offset int,
	size, stride []int) *pickleProgram {
	p.global("torch._utils", "_rebuild_tensor_v2").op("(")
	p.op("(").str("storage").global("torch", storageClass).str(key).str("cpu").int(numel)
	p.op("tQ") // TUPLE, BINPERSID
	p.int(offset).ints(size...).ints(stride...)
	p.op("\x89").global("collections", "OrderedDict").op(")R") // False, OrderedDict()
	return p.op("tR")
}

func (p *pickleProgram) stop() []byte { return append(p.Bytes(), '.') }

// packPTH builds a torch.save archive in folder "archive" from a pickle
// and storage records keyed by name.
func packPTH(t *testing.T, pickle []byte, storages map[string][]byte) []byte {
	t.Helper()
	var out bytes.Buffer
	writer := zip.NewWriter(&out)
	records := map[string][]byte{"archive/data.pkl": pickle}
	for key, body := range storages {
		records["archive/data/"+key] = body
	}
	for _, name := range sortedKeys(records) {
		w, err := writer.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(records[name])
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func float32Bytes(values ...float32) []byte {
	var out []byte
	for _, v := range values {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out
}

func TestReadPTHHandBuiltPickles(t *testing.T) {
	storage := map[string][]byte{"0": float32Bytes(1, 2, 3, 4, 5, 6)}
	matrix := func(p *pickleProgram) *pickleProgram {
		return p.tensor("FloatStorage", "0", 6, 0, []int{2, 3}, []int{3, 1})
	}
	want := map[string]Tensor{"w": {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}}}

	tests := []struct {
		name   string
		pickle []byte
	}{
		{"dict", matrix(newPickle().op("}(").str("w")).op("u").stop()},
		{"dict opcode", matrix(newPickle().op("(").str("w")).op("d").stop()},
		{"memo reuse", matrix(newPickle().op("}(").str("w")).op("q\x05").op("00").
			str("w").op("h\x05u").stop()},
		{"model wrapper", matrix(newPickle().op("}(").str("epoch").int(3).str("model").
			op("}(").str("module.w")).op("uu").stop()},
		{"parameter", matrix(newPickle().op("}(").str("w").
			global("torch._utils", "_rebuild_parameter").op("(")).
			op("\x88").global("collections", "OrderedDict").op(")R").op("tR").op("u").stop()},
		{"ordered dict of pairs", matrix(newPickle().global("collections", "OrderedDict").
			op("]").str("w")).op("\x86").op("a\x85R").stop()},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			data := packPTH(t, test.pickle, storage)
			got, err := ReadPTHFrom(bytes.NewReader(data), int64(len(data)), "hand.pth")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("tensors = %v, want %v", got, want)
			}
		})
	}
}

func TestReadPTHHandBuiltErrors(t *testing.T) {
	storage := map[string][]byte{"0": float32Bytes(1, 2, 3, 4)}
	entry := func(key string, value func(p *pickleProgram) *pickleProgram) []byte {
		return value(newPickle().op("}(").str(key)).op("u").stop()
	}
	tensorOf := func(class string, numel, offset int, size, stride []int) func(
		p *pickleProgram) *pickleProgram {
		return func(p *pickleProgram) *pickleProgram {
			return p.tensor(class, "0", numel, offset, size, stride)
		}
	}

	tests := []struct {
		name   string
		pickle []byte
		want   string
	}{
		{"object in model wrapper", entry("model", func(p *pickleProgram) *pickleProgram {
			return p.global("__main__", "Net").op(")\x81}b")
		}), "file holds a whole pickled model (__main__.Net), not a state_dict"},
		{"list", newPickle().op("]").stop(),
			"file contains a list of 0, expected a state_dict"},
		{"no tensors", entry("epoch", func(p *pickleProgram) *pickleProgram { return p.int(3) }),
			"no float tensors found in the state_dict (1 entries skipped)"},
		{"unknown opcode", newPickle().op("}\xff").stop(), "unsupported pickle opcode 0xff"},
		{"protocol 6", []byte("\x80\x06}."), "unsupported pickle protocol 6"},
		{"no stop", newPickle().op("}").Bytes(), "program ends without STOP"},
		{"underflow", newPickle().op("s").stop(), "stack underflow"},
		{"unset memo", newPickle().op("h\x07").stop(), "memo index 7 not set"},
		{"long string", newPickle().op("X\xff\xff\xff\x7f").stop(),
			"needs 2147483647 bytes but 1 remain"},
		{"complex storage",
			entry("w", tensorOf("ComplexFloatStorage", 2, 0, []int{2}, []int{1})),
			"storage class torch.ComplexFloatStorage not supported"},
		{"missing record", entry("w", func(p *pickleProgram) *pickleProgram {
			return p.tensor("FloatStorage", "7", 4, 0, []int{4}, []int{1})
		}), "storage record archive/data/7 missing"},
		{"record size", entry("w", tensorOf("FloatStorage", 5, 0, []int{5}, []int{1})),
			"storage record archive/data/0 has 16 bytes, expected 20 (5 elements of F32)"},
		{"view past storage", entry("w", tensorOf("FloatStorage", 4, 1, []int{2, 2},
			[]int{2, 1})), "reach past the 4 elements of storage"},
		{"broadcast view", entry("w", tensorOf("FloatStorage", 4, 0, []int{1000, 4},
			[]int{0, 1})), "has 4000 elements but its storage \"0\" has only 4"},
		{"huge stride", entry("w", tensorOf("FloatStorage", 4, 0, []int{2, 2},
			[]int{1 << 30, 1})), "reach past the 4 elements"},
		{"stride rank", entry("w", tensorOf("FloatStorage", 4, 0, []int{4}, []int{1, 1})),
			"size has 1 dimensions but stride has 2"},
		{"negative size", entry("w", tensorOf("FloatStorage", 4, 0, []int{-4}, []int{1})),
			"size[0] is an int, expected a non-negative int"},
		{"prefix collision", newPickle().op("}(").str("w").
			tensor("FloatStorage", "0", 4, 0, []int{4}, []int{1}).str("module.w").
			tensor("FloatStorage", "0", 4, 0, []int{4}, []int{1}).op("u").stop(),
			`tensor "w" appears both with and without the "module." prefix`},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			data := packPTH(t, test.pickle, storage)
			_, err := ReadPTHFrom(bytes.NewReader(data), int64(len(data)), "hand.pth")
			if err == nil {
				t.Fatal("ReadPTHFrom accepted the pickle")
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", err)
			}
		})
	}
}

func TestDecodeLong(t *testing.T) {
	tests := []struct {
		bytes []byte
		want  any
	}{
		{nil, int64(0)},
		{[]byte{0xff}, int64(-1)},
		{[]byte{0x00, 0x80}, int64(-32768)},
		{[]byte{0x2a}, int64(42)},
		{[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, int64(math.MaxInt64)},
		{make([]byte, 9), pickleBigInt(make([]byte, 9))},
	}
	for _, test := range tests {
		if got := decodeLong(test.bytes); !reflect.DeepEqual(got, test.want) {
			t.Errorf("decodeLong(% x) = %v, want %v", test.bytes, got, test.want)
		}
	}
}
