package tflite

import (
	"errors"
	"fmt"
)

// Field numbers of the TFLite schema (tensorflow/lite/schema/schema.fbs,
// schema version 3) that this package reads.
const (
	modelOperatorCodes = 1
	modelSubgraphs     = 2
	modelBuffers       = 4

	opcodeDeprecatedBuiltin = 0
	opcodeCustom            = 1
	opcodeBuiltin           = 3

	subgraphTensors   = 0
	subgraphInputs    = 1
	subgraphOutputs   = 2
	subgraphOperators = 3

	tensorShape        = 0
	tensorType         = 1
	tensorBuffer       = 2
	tensorName         = 3
	tensorQuantization = 4
	tensorSparsity     = 6

	bufferData   = 0
	bufferOffset = 1
	bufferSize   = 2

	operatorOpcodeIndex = 0
	operatorInputs      = 1
	operatorOutputs     = 2
	operatorOptions     = 4 // field 3 is the union's type
)

// dataType is the schema's TensorType.
type dataType uint8

const (
	typeFloat32 dataType = 0
	typeFloat16 dataType = 1
	typeInt32   dataType = 2
	typeUint8   dataType = 3
	typeInt64   dataType = 4
	typeInt8    dataType = 9
)

func (d dataType) String() string {
	switch d {
	case typeFloat32:
		return "float32"
	case typeFloat16:
		return "float16"
	case typeInt32:
		return "int32"
	case typeUint8:
		return "uint8"
	case typeInt64:
		return "int64"
	case typeInt8:
		return "int8"
	}
	return fmt.Sprintf("type%d", uint8(d))
}

// size returns the bytes per element, or 0 for types this package does not
// read.
func (d dataType) size() int {
	switch d {
	case typeFloat32, typeInt32:
		return 4
	case typeFloat16:
		return 2
	case typeUint8, typeInt8:
		return 1
	case typeInt64:
		return 8
	}
	return 0
}

// flatModel is the part of a TFLite model that the interpreter uses: the
// first subgraph with its tensors and operators, and the buffers.
type flatModel struct {
	opcodes   []opcode
	tensors   []tensorDef
	operators []operatorDef
	inputs    []int32
	outputs   []int32
	buffers   [][]byte
}

type opcode struct {
	builtin builtinOp
	custom  string
}

type tensorDef struct {
	name     string
	shape    []int
	dtype    dataType
	buffer   int
	scale    []float32 // per-tensor or per-channel dequantisation scale
	zero     []int64
	sparsity table // valid when sparse
	sparse   bool
}

type operatorDef struct {
	opcode  int
	inputs  []int32
	outputs []int32
	options table // valid when hasOpts
	hasOpts bool
}

var errNoSubgraph = errors.New("model has no subgraph")

// parseModel reads a TFLite flatbuffer. It returns an error instead of
// panicking when the bytes are not a valid model.
func parseModel(data []byte) (m *flatModel, err error) {
	defer func() {
		if r := recover(); r != nil {
			bad, ok := r.(malformedError)
			if !ok {
				panic(r)
			}
			m, err = nil, fmt.Errorf("malformed flatbuffer: %w", bad)
		}
	}()

	buf := flatbuffer(data)
	if len(data) < 8 || string(data[4:8]) != "TFL3" {
		return nil, errors.New("file identifier is not TFL3")
	}
	root := buf.root()
	subgraphs := root.tables(modelSubgraphs)
	if len(subgraphs) == 0 {
		return nil, errNoSubgraph
	}
	// NOTE: only the first subgraph runs; control flow ops (IF, WHILE) that
	// call others are not supported, and MediaPipe's models use none.
	sg := subgraphs[0]
	m = &flatModel{
		inputs:  sg.int32s(subgraphInputs),
		outputs: sg.int32s(subgraphOutputs),
	}
	for _, t := range root.tables(modelOperatorCodes) {
		m.opcodes = append(m.opcodes, parseOpcode(t))
	}
	for _, t := range root.tables(modelBuffers) {
		m.buffers = append(m.buffers, parseBuffer(buf, t))
	}
	for _, t := range sg.tables(subgraphTensors) {
		m.tensors = append(m.tensors, parseTensor(t))
	}
	for _, t := range sg.tables(subgraphOperators) {
		m.operators = append(m.operators, parseOperator(t))
	}
	return m, nil
}

// parseOpcode reads an OperatorCode. Schema 3a moved the builtin code from
// the byte deprecated_builtin_code to the int32 builtin_code; writers fill
// both, old ones only the first, so the larger value is the real one.
func parseOpcode(t table) opcode {
	deprecated := builtinOp(t.uint8(opcodeDeprecatedBuiltin, 0))
	code := builtinOp(t.int32(opcodeBuiltin, 0))
	return opcode{builtin: max(code, deprecated), custom: t.string(opcodeCustom)}
}

// parseBuffer returns a buffer's bytes, stored inline or, in models over
// 2 GB, at an offset from the start of the file.
func parseBuffer(buf flatbuffer, t table) []byte {
	if offset := t.uint64(bufferOffset); offset > 1 {
		size := t.uint64(bufferSize)
		buf.check(int(offset), int(size))
		return buf[offset : offset+size : offset+size]
	}
	return t.bytes(bufferData)
}

func parseTensor(t table) tensorDef {
	def := tensorDef{
		name:   t.string(tensorName),
		dtype:  dataType(t.uint8(tensorType, 0)),
		buffer: int(t.int32(tensorBuffer, 0)),
	}
	for _, d := range t.int32s(tensorShape) {
		def.shape = append(def.shape, int(d))
	}
	if q, ok := t.child(tensorQuantization); ok {
		def.scale = q.float32s(quantScale)
		def.zero = q.int64s(quantZeroPoint)
	}
	def.sparsity, def.sparse = t.child(tensorSparsity)
	return def
}

// Fields of QuantizationParameters.
const (
	quantScale     = 2
	quantZeroPoint = 3
)

func parseOperator(t table) operatorDef {
	def := operatorDef{
		opcode:  int(t.int32(operatorOpcodeIndex, 0)),
		inputs:  t.int32s(operatorInputs),
		outputs: t.int32s(operatorOutputs),
	}
	def.options, def.hasOpts = t.child(operatorOptions)
	return def
}
