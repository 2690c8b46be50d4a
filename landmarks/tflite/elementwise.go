package tflite

import (
	"fmt"
	"math"
	"slices"
)

// broadcast maps each element of a broadcast output to the element of one
// operand, following NumPy's rules as TFLite does: shapes align at the
// right, and a dimension of 1 repeats.
type broadcast struct {
	kind  broadcastKind
	index []int32 // operand element of each output element, for broadcastGather
}

type broadcastKind uint8

const (
	broadcastSame   broadcastKind = iota // same number of elements, one to one
	broadcastRepeat                      // the operand repeats every len(operand)
	broadcastGather                      // anything else, through index
)

// newBroadcast returns how an operand of shape in reaches the output shape
// out, or an error when the shapes are not compatible.
func newBroadcast(in, out []int) (broadcast, error) {
	if len(in) > len(out) {
		return broadcast{}, fmt.Errorf("shape %v does not broadcast to %v", in, out)
	}
	padded := make([]int, len(out))
	for i := range padded {
		padded[i] = 1
	}
	copy(padded[len(out)-len(in):], in)
	for i, d := range padded {
		if d != 1 && d != out[i] {
			return broadcast{}, fmt.Errorf("shape %v does not broadcast to %v", in, out)
		}
	}
	if slices.Equal(padded, out) {
		return broadcast{kind: broadcastSame}, nil
	}
	if repeatsAtRight(padded, out) {
		return broadcast{kind: broadcastRepeat}, nil
	}
	return broadcast{kind: broadcastGather, index: gatherIndex(padded, out)}, nil
}

// repeatsAtRight reports whether padded is all ones up to some axis and
// equal to out after it, so that the operand simply repeats.
func repeatsAtRight(padded, out []int) bool {
	i := 0
	for i < len(padded) && padded[i] == 1 {
		i++
	}
	return slices.Equal(padded[i:], out[i:])
}

func gatherIndex(padded, out []int) []int32 {
	strides := make([]int, len(padded))
	stride := 1
	for i := len(padded) - 1; i >= 0; i-- {
		if padded[i] != 1 {
			strides[i] = stride
		}
		stride *= padded[i]
	}
	index := make([]int32, shapeSize(out))
	coord := make([]int, len(out))
	for o := range index {
		src := 0
		for i, c := range coord {
			src += c * strides[i]
		}
		index[o] = int32(src)
		for i := len(coord) - 1; i >= 0; i-- {
			coord[i]++
			if coord[i] < out[i] {
				break
			}
			coord[i] = 0
		}
	}
	return index
}

// at returns the operand value for output element o.
func (b broadcast) at(operand []float32, o int) float32 {
	switch b.kind {
	case broadcastSame:
		return operand[o]
	case broadcastRepeat:
		return operand[o%len(operand)]
	}
	return operand[b.index[o]]
}

// add is ADD with broadcasting and a fused activation.
type add struct {
	a, b, out    *Tensor
	castA, castB broadcast
	act          activation
}

func newAdd(ins, outs []*Tensor, opts table) (kernel, error) {
	k := &add{a: ins[0], b: ins[1], out: outs[0], act: activation(opts.uint8(0, 0))}
	if err := k.act.valid(); err != nil {
		return nil, err
	}
	var err error
	if k.castA, err = newBroadcast(k.a.Shape, k.out.Shape); err != nil {
		return nil, err
	}
	if k.castB, err = newBroadcast(k.b.Shape, k.out.Shape); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *add) flops() int64 { return int64(k.out.Len()) }

func (k *add) worthSplitting() bool { return k.out.Len() >= minSplitValues }

func (k *add) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output elements.
func (k *add) runPart(part, parts, thread int) {
	begin, end := partRange(len(k.out.Data), part, parts, 16)
	out := k.out.Data[begin:end]
	same := k.castA.kind == broadcastSame && k.castB.kind == broadcastSame
	if lo, hi, clamp := k.act.bounds(); same && hasFastDepthwise && (clamp || k.act == actNone) {
		addFast(out, k.a.Data[begin:end], k.b.Data[begin:end], clamp, lo, hi)
		return
	}
	if same {
		a, b := k.a.Data[begin:end], k.b.Data[begin:end]
		for i := range out {
			out[i] = a[i] + b[i]
		}
	} else {
		for i := range out {
			out[i] = k.castA.at(k.a.Data, begin+i) + k.castB.at(k.b.Data, begin+i)
		}
	}
	k.act.apply(out)
}

// pRelu is PRELU: out = x when x ≥ 0, alpha·x otherwise, with alpha
// broadcast to the input.
type pRelu struct {
	in, alpha, out *Tensor
	castAlpha      broadcast
}

func newPRelu(ins, outs []*Tensor) (kernel, error) {
	if !slices.Equal(ins[0].Shape, outs[0].Shape) {
		return nil, fmt.Errorf("input %v and output %v differ", ins[0].Shape, outs[0].Shape)
	}
	cast, err := newBroadcast(ins[1].Shape, outs[0].Shape)
	if err != nil {
		return nil, err
	}
	return &pRelu{in: ins[0], alpha: ins[1], out: outs[0], castAlpha: cast}, nil
}

func (k *pRelu) flops() int64 { return int64(k.out.Len()) }

func (k *pRelu) worthSplitting() bool { return k.out.Len() >= minSplitValues }

func (k *pRelu) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output elements. With a repeating alpha the
// range starts at a multiple of len(alpha), so that alpha[0] comes first.
func (k *pRelu) runPart(part, parts, thread int) {
	align := 16
	if k.castAlpha.kind == broadcastRepeat {
		align = len(k.alpha.Data)
	}
	begin, end := partRange(len(k.out.Data), part, parts, align)
	in, out := k.in.Data[begin:end], k.out.Data[begin:end]
	if k.castAlpha.kind == broadcastRepeat && hasFastDepthwise {
		preluFast(out, in, k.alpha.Data)
		return
	}
	if k.castAlpha.kind == broadcastRepeat {
		alpha := k.alpha.Data
		c := 0
		for i, v := range in {
			out[i] = max(v, 0) + min(v, 0)*alpha[c]
			c++
			if c == len(alpha) {
				c = 0
			}
		}
		return
	}
	for i, v := range in {
		if v < 0 {
			v *= k.castAlpha.at(k.alpha.Data, begin+i)
		}
		out[i] = v
	}
}

// logistic is LOGISTIC: out = 1 / (1 + e^-x).
type logistic struct{ in, out *Tensor }

func newLogistic(ins, outs []*Tensor) (kernel, error) {
	if ins[0].Len() != outs[0].Len() {
		return nil, fmt.Errorf("input %v and output %v differ", ins[0].Shape, outs[0].Shape)
	}
	return &logistic{in: ins[0], out: outs[0]}, nil
}

func (k *logistic) flops() int64 { return int64(k.out.Len()) }

func (k *logistic) run() {
	for i, v := range k.in.Data[:len(k.out.Data)] {
		k.out.Data[i] = sigmoid(v)
	}
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}
