package tflite

import "fmt"

// builtinOp is the schema's BuiltinOperator.
type builtinOp int32

// The operators this package runs, with their BuiltinOperator codes.
const (
	opAdd            builtinOp = 0
	opConcatenation  builtinOp = 2
	opConv2D         builtinOp = 3
	opDepthwiseConv  builtinOp = 4
	opDepthToSpace   builtinOp = 5
	opDequantize     builtinOp = 6
	opFullyConnected builtinOp = 9
	opLogistic       builtinOp = 14
	opMaxPool2D      builtinOp = 17
	opReshape        builtinOp = 22
	opResizeBilinear builtinOp = 23
	opPad            builtinOp = 34
	opMean           builtinOp = 40
	opPRelu          builtinOp = 54
	opDensify        builtinOp = 124
)

var opNames = map[builtinOp]string{
	opAdd:            "ADD",
	opConcatenation:  "CONCATENATION",
	opConv2D:         "CONV_2D",
	opDepthwiseConv:  "DEPTHWISE_CONV_2D",
	opDepthToSpace:   "DEPTH_TO_SPACE",
	opDequantize:     "DEQUANTIZE",
	opFullyConnected: "FULLY_CONNECTED",
	opLogistic:       "LOGISTIC",
	opMaxPool2D:      "MAX_POOL_2D",
	opReshape:        "RESHAPE",
	opResizeBilinear: "RESIZE_BILINEAR",
	opPad:            "PAD",
	opMean:           "MEAN",
	opPRelu:          "PRELU",
	opDensify:        "DENSIFY",
}

func (op builtinOp) String() string {
	if name, ok := opNames[op]; ok {
		return name
	}
	return fmt.Sprintf("BUILTIN_%d", int32(op))
}
