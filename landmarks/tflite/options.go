package tflite

import (
	"fmt"
	"math"
)

// padding is the schema's Padding.
type padding uint8

const (
	paddingSame  padding = 0
	paddingValid padding = 1
)

// activation is the schema's ActivationFunctionType, fused into the
// operators that carry one.
type activation uint8

const (
	actNone      activation = 0
	actRelu      activation = 1
	actReluN1To1 activation = 2
	actRelu6     activation = 3
	actTanh      activation = 4
)

func (a activation) valid() error {
	if a > actTanh {
		return fmt.Errorf("fused activation %d not supported", a)
	}
	return nil
}

// apply applies the activation to x in place.
func (a activation) apply(x []float32) {
	if lo, hi, ok := a.bounds(); ok && hasFastDepthwise {
		clampFast(x, lo, hi)
		return
	}
	switch a {
	case actRelu:
		for i, v := range x {
			x[i] = max(v, 0)
		}
	case actReluN1To1:
		for i, v := range x {
			x[i] = min(max(v, -1), 1)
		}
	case actRelu6:
		for i, v := range x {
			x[i] = min(max(v, 0), 6)
		}
	case actTanh:
		for i, v := range x {
			x[i] = float32(math.Tanh(float64(v)))
		}
	}
}

// bounds returns the interval that a clamping activation keeps values in;
// ok is false for NONE and TANH.
func (a activation) bounds() (lo, hi float32, ok bool) {
	switch a {
	case actRelu:
		return 0, math.MaxFloat32, true
	case actReluN1To1:
		return -1, 1, true
	case actRelu6:
		return 0, 6, true
	}
	return 0, 0, false
}

// windowOptions holds the fields that Conv2DOptions,
// DepthwiseConv2DOptions and Pool2DOptions share.
type windowOptions struct {
	padding              padding
	strideH, strideW     int
	dilationH, dilationW int
	filterH, filterW     int // pools only
	depthMultiplier      int // depthwise only
	act                  activation
}

// Field numbers of Conv2DOptions, DepthwiseConv2DOptions and Pool2DOptions.
func convOptions(t table) windowOptions {
	return windowOptions{
		padding:   padding(t.uint8(0, 0)),
		strideW:   int(t.int32(1, 0)),
		strideH:   int(t.int32(2, 0)),
		act:       activation(t.uint8(3, 0)),
		dilationW: int(t.int32(4, 1)),
		dilationH: int(t.int32(5, 1)),
	}
}

func depthwiseOptions(t table) windowOptions {
	return windowOptions{
		padding:         padding(t.uint8(0, 0)),
		strideW:         int(t.int32(1, 0)),
		strideH:         int(t.int32(2, 0)),
		depthMultiplier: int(t.int32(3, 0)),
		act:             activation(t.uint8(4, 0)),
		dilationW:       int(t.int32(5, 1)),
		dilationH:       int(t.int32(6, 1)),
	}
}

func poolOptions(t table) windowOptions {
	return windowOptions{
		padding:   padding(t.uint8(0, 0)),
		strideW:   int(t.int32(1, 0)),
		strideH:   int(t.int32(2, 0)),
		filterW:   int(t.int32(3, 0)),
		filterH:   int(t.int32(4, 0)),
		act:       activation(t.uint8(5, 0)),
		dilationW: 1,
		dilationH: 1,
	}
}

func (o windowOptions) check() error {
	if o.strideH < 1 || o.strideW < 1 || o.dilationH < 1 || o.dilationW < 1 {
		return fmt.Errorf("invalid strides %d×%d or dilation %d×%d",
			o.strideH, o.strideW, o.dilationH, o.dilationW)
	}
	if o.padding != paddingSame && o.padding != paddingValid {
		return fmt.Errorf("padding %d not supported", o.padding)
	}
	return o.act.valid()
}

// outputSize returns the output length of a window along one axis and the
// padding before its first element, as TFLite computes them
// (ComputeOutSize and ComputePaddingWithOffset in kernels/padding.h):
// SAME gives ceil(in/stride) outputs and puts the odd padding element at
// the end.
func outputSize(p padding, in, filter, stride, dilation int) (out, padBefore int) {
	effective := (filter-1)*dilation + 1
	if p == paddingSame {
		out = (in + stride - 1) / stride
	} else {
		out = (in + stride - effective) / stride
	}
	total := max((out-1)*stride+effective-in, 0)
	return out, total / 2
}
