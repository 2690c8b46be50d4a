package audio

import (
	"encoding/binary"
	"math"
)

// wavSpec describes a WAV file that buildWAV writes for a test.
type wavSpec struct {
	tag        uint16 // format tag; with extensible, the tag inside the GUID
	extensible bool
	channels   int
	sampleRate int
	bits       int
	data       []byte
	before     [][]byte // whole chunks placed between fmt and data
}

// buildWAV writes spec as a RIFF/WAVE file, with a pad byte after an
// odd-sized data chunk.
func buildWAV(spec wavSpec) []byte {
	le := binary.LittleEndian
	blockAlign := spec.channels * ((spec.bits + 7) / 8)

	format := le.AppendUint16(nil, spec.tag)
	if spec.extensible {
		format = le.AppendUint16(nil, tagExtensible)
	}
	format = le.AppendUint16(format, uint16(spec.channels))
	format = le.AppendUint32(format, uint32(spec.sampleRate))
	format = le.AppendUint32(format, uint32(spec.sampleRate*blockAlign))
	format = le.AppendUint16(format, uint16(blockAlign))
	format = le.AppendUint16(format, uint16(spec.bits))
	if spec.extensible {
		format = le.AppendUint16(format, 22)
		format = le.AppendUint16(format, uint16(spec.bits))
		format = le.AppendUint32(format, 0)
		format = le.AppendUint16(format, spec.tag)
		format = append(format, subFormatSuffix...)
	}

	body := []byte("WAVE")
	body = append(body, riffChunk("fmt ", format)...)
	for _, c := range spec.before {
		body = append(body, c...)
	}
	body = append(body, riffChunk("data", spec.data)...)
	file := append([]byte("RIFF"), le.AppendUint32(nil, uint32(len(body)))...)
	return append(file, body...)
}

// riffChunk returns a chunk with its header and, for odd sizes, a pad byte.
func riffChunk(id string, body []byte) []byte {
	c := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	c = append(c, body...)
	if len(body)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

func int16Bytes(values ...int16) []byte {
	var b []byte
	for _, v := range values {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

func int24Bytes(values ...int32) []byte {
	var b []byte
	for _, v := range values {
		b = append(b, byte(v), byte(v>>8), byte(v>>16))
	}
	return b
}

func int32Bytes(values ...int32) []byte {
	var b []byte
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return b
}

func float32Bytes(values ...float32) []byte {
	var b []byte
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}
