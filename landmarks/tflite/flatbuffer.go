package tflite

import (
	"encoding/binary"
	"fmt"
	"math"
)

// A flatbuffer is the raw bytes of a FlatBuffers message. Its readers panic
// with a malformedError when an offset points outside the bytes; parseModel
// recovers that panic and returns it as an error, so a bad file never
// crashes the program.
type flatbuffer []byte

// malformedError is the panic value of flatbuffer reads out of range.
type malformedError struct{ msg string }

func (e malformedError) Error() string { return e.msg }

func (b flatbuffer) check(pos, size int) {
	if pos < 0 || size < 0 || pos > len(b)-size {
		panic(malformedError{fmt.Sprintf(
			"offset %d+%d outside the %d-byte file", pos, size, len(b))})
	}
}

func (b flatbuffer) u8(pos int) uint8 {
	b.check(pos, 1)
	return b[pos]
}

func (b flatbuffer) u16(pos int) uint16 {
	b.check(pos, 2)
	return binary.LittleEndian.Uint16(b[pos:])
}

func (b flatbuffer) u32(pos int) uint32 {
	b.check(pos, 4)
	return binary.LittleEndian.Uint32(b[pos:])
}

func (b flatbuffer) u64(pos int) uint64 {
	b.check(pos, 8)
	return binary.LittleEndian.Uint64(b[pos:])
}

// root returns the message's root table.
func (b flatbuffer) root() table {
	return table{buf: b, pos: int(b.u32(0))}
}

// A table is one FlatBuffers table: its position and, through the vtable
// just before it, the offsets of its fields. Field numbers are the
// declaration order in the schema, counting a union as two fields (its
// type, then its value).
type table struct {
	buf flatbuffer
	pos int
}

// field returns the position of field i, or 0 when the field is absent.
func (t table) field(i int) int {
	vtable := t.pos - int(int32(t.buf.u32(t.pos)))
	vtableSize := int(t.buf.u16(vtable))
	slot := 4 + 2*i
	if slot+2 > vtableSize {
		return 0
	}
	offset := int(t.buf.u16(vtable + slot))
	if offset == 0 {
		return 0
	}
	return t.pos + offset
}

func (t table) has(i int) bool { return t.field(i) != 0 }

func (t table) uint8(i int, def uint8) uint8 {
	if p := t.field(i); p != 0 {
		return t.buf.u8(p)
	}
	return def
}

func (t table) bool(i int) bool { return t.uint8(i, 0) != 0 }

func (t table) int32(i int, def int32) int32 {
	if p := t.field(i); p != 0 {
		return int32(t.buf.u32(p))
	}
	return def
}

func (t table) uint64(i int) uint64 {
	if p := t.field(i); p != 0 {
		return t.buf.u64(p)
	}
	return 0
}

func (t table) float32(i int, def float32) float32 {
	if p := t.field(i); p != 0 {
		return math.Float32frombits(t.buf.u32(p))
	}
	return def
}

// deref follows the offset stored at position p.
func (t table) deref(p int) int { return p + int(t.buf.u32(p)) }

// child returns the table in field i; ok is false when the field is absent.
func (t table) child(i int) (table, bool) {
	p := t.field(i)
	if p == 0 {
		return table{}, false
	}
	return table{buf: t.buf, pos: t.deref(p)}, true
}

// vector returns the position of the first element of the vector in field
// i and its length, after checking that elemSize·length bytes exist.
func (t table) vector(i, elemSize int) (start, length int) {
	p := t.field(i)
	if p == 0 {
		return 0, 0
	}
	v := t.deref(p)
	length = int(t.buf.u32(v))
	t.buf.check(v+4, length*elemSize)
	return v + 4, length
}

func (t table) string(i int) string {
	start, n := t.vector(i, 1)
	return string(t.buf[start : start+n])
}

func (t table) bytes(i int) []byte {
	start, n := t.vector(i, 1)
	return t.buf[start : start+n : start+n]
}

func (t table) int32s(i int) []int32 {
	start, n := t.vector(i, 4)
	out := make([]int32, n)
	for k := range out {
		out[k] = int32(t.buf.u32(start + 4*k))
	}
	return out
}

func (t table) uint16s(i int) []int32 {
	start, n := t.vector(i, 2)
	out := make([]int32, n)
	for k := range out {
		out[k] = int32(t.buf.u16(start + 2*k))
	}
	return out
}

func (t table) uint8s(i int) []int32 {
	start, n := t.vector(i, 1)
	out := make([]int32, n)
	for k := range out {
		out[k] = int32(t.buf.u8(start + k))
	}
	return out
}

func (t table) float32s(i int) []float32 {
	start, n := t.vector(i, 4)
	out := make([]float32, n)
	for k := range out {
		out[k] = math.Float32frombits(t.buf.u32(start + 4*k))
	}
	return out
}

func (t table) int64s(i int) []int64 {
	start, n := t.vector(i, 8)
	out := make([]int64, n)
	for k := range out {
		out[k] = int64(t.buf.u64(start + 8*k))
	}
	return out
}

// tables returns the tables in the vector of tables in field i.
func (t table) tables(i int) []table {
	start, n := t.vector(i, 4)
	out := make([]table, n)
	for k := range out {
		out[k] = table{buf: t.buf, pos: t.deref(start + 4*k)}
	}
	return out
}
