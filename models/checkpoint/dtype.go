package checkpoint

import (
	"encoding/binary"
	"math"
)

// dtype is an element type of stored tensor data, named as safetensors
// names it.
type dtype struct {
	name  string
	size  int  // bytes per element
	float bool // converted to float32; other dtypes are skipped
}

var safetensorsDtypes = map[string]dtype{
	"F64":  {"F64", 8, true},
	"F32":  {"F32", 4, true},
	"F16":  {"F16", 2, true},
	"BF16": {"BF16", 2, true},
	"I64":  {"I64", 8, false},
	"I32":  {"I32", 4, false},
	"I16":  {"I16", 2, false},
	"I8":   {"I8", 1, false},
	"U64":  {"U64", 8, false},
	"U32":  {"U32", 4, false},
	"U16":  {"U16", 2, false},
	"U8":   {"U8", 1, false},
	"BOOL": {"BOOL", 1, false},

	"F8_E4M3": {"F8_E4M3", 1, false},
	"F8_E5M2": {"F8_E5M2", 1, false},
}

// decodeFloats converts len(dst) elements of type dt from src, which holds
// at least len(dst)*dt.size bytes in the given byte order.
func decodeFloats(dst []float32, src []byte, dt dtype, order binary.ByteOrder) {
	switch dt.name {
	case "F32":
		for i := range dst {
			dst[i] = math.Float32frombits(order.Uint32(src[4*i:]))
		}
	case "F64":
		for i := range dst {
			dst[i] = float32(math.Float64frombits(order.Uint64(src[8*i:])))
		}
	case "F16":
		for i := range dst {
			dst[i] = float16ToFloat32(order.Uint16(src[2*i:]))
		}
	case "BF16":
		for i := range dst {
			dst[i] = math.Float32frombits(uint32(order.Uint16(src[2*i:])) << 16)
		}
	default:
		panic("checkpoint: decodeFloats called with non-float dtype " + dt.name)
	}
}

// float16ToFloat32 converts an IEEE 754 binary16 value exactly, including
// subnormals, infinities and NaNs.
func float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exponent := uint32(h>>10) & 0x1f
	mantissa := uint32(h) & 0x3ff

	switch {
	case exponent == 0x1f:
		// Infinity or NaN: keep the mantissa bits so NaN payloads survive.
		return math.Float32frombits(sign | 0x7f800000 | mantissa<<13)
	case exponent != 0:
		return math.Float32frombits(sign | (exponent+127-15)<<23 | mantissa<<13)
	case mantissa == 0:
		return math.Float32frombits(sign)
	}

	// Subnormal: mantissa·2^-24, exact in float32.
	value := float32(mantissa) * (1.0 / (1 << 24))
	if sign != 0 {
		value = -value
	}
	return value
}
