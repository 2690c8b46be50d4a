package models

import (
	"fmt"

	"pipeline/internal/kernels"
)

// Linear is a fully connected layer, y = x·Wᵀ + b, as PyTorch's nn.Linear.
// Shapes: x [N, I] → y [N, O]; W [O, I]; b [O].
type Linear struct {
	name         string
	in, out      int
	weight, bias *Param
	x, y, dx     *Tensor
}

// NewLinear returns a fully connected layer with zero parameters.
func NewLinear(name string, in, out int) *Linear {
	return &Linear{
		name: name, in: in, out: out,
		weight: newParam(name+".weight", out, in),
		bias:   newParam(name+".bias", out),
	}
}

func (l *Linear) Name() string     { return l.name }
func (l *Linear) Params() []*Param { return []*Param{l.weight, l.bias} }
func (l *Linear) fanIn() int       { return l.in }

func (l *Linear) OutputShape(in []int) ([]int, error) {
	if len(in) != 1 || in[0] != l.in {
		return nil, fmt.Errorf("%s: input shape %v, expected [%d]", l.name, in, l.in)
	}
	return []int{l.out}, nil
}

func (l *Linear) Forward(x *Tensor, train bool) *Tensor {
	n := x.Shape[0]
	l.x = x
	l.y = ensure(l.y, n, l.out)
	for i := range n {
		copy(l.y.Data[i*l.out:(i+1)*l.out], l.bias.Value.Data)
	}
	kernels.Sgemm(false, true, n, l.out, l.in, x.Data, l.in, l.weight.Value.Data, l.in,
		1, l.y.Data, l.out)
	return l.y
}

func (l *Linear) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	n := dy.Shape[0]
	if mode.ParamGrads {
		// dW [O, I] += dyᵀ [O, N] · x [N, I]; db += column sums of dy.
		kernels.Sgemm(true, false, l.out, l.in, n, dy.Data, l.out, l.x.Data, l.in,
			1, l.weight.Grad.Data, l.in)
		db := l.bias.Grad.Data
		for i := range n {
			for o, v := range dy.Data[i*l.out : (i+1)*l.out] {
				db[o] += v
			}
		}
	}
	if !mode.InputGrad {
		return nil
	}
	// dx [N, I] = dy [N, O] · W [O, I].
	l.dx = ensure(l.dx, n, l.in)
	kernels.Sgemm(false, false, n, l.in, l.out, dy.Data, l.out, l.weight.Value.Data, l.in,
		0, l.dx.Data, l.in)
	return l.dx
}
