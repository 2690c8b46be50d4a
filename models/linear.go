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

// Work on a batch is split into fixed blocks, whatever the number of
// workers, so the results do not depend on it: blocks of linearRows batch
// rows for y and dx, and of linearOutputs output rows for dW and db.
const (
	linearRows    = 32
	linearOutputs = 64
)

// Forward: x [N, I] → y [N, O].
func (l *Linear) Forward(x *Tensor, train bool) *Tensor {
	n := x.Shape[0]
	l.x = x
	l.y = ensure(l.y, n, l.out)
	l.forTasks(n, blockCount(n, linearRows), func(_, block int) {
		lo, hi := block*linearRows, min((block+1)*linearRows, n)
		y := l.y.Data[lo*l.out : hi*l.out]
		for i := range hi - lo {
			copy(y[i*l.out:(i+1)*l.out], l.bias.Value.Data)
		}
		kernels.Sgemm(false, true, hi-lo, l.out, l.in, x.Data[lo*l.in:], l.in,
			l.weight.Value.Data, l.in, 1, y, l.out)
	})
	return l.y
}

// Backward: dy [N, O] → dx [N, I]. The blocks of dW and of dx are tasks of
// one parallel pass.
func (l *Linear) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	n := dy.Shape[0]
	gradTasks := 0
	if mode.ParamGrads {
		gradTasks = blockCount(l.out, linearOutputs)
	}
	inputTasks := 0
	if mode.InputGrad {
		l.dx = ensure(l.dx, n, l.in)
		inputTasks = blockCount(n, linearRows)
	}
	l.forTasks(n, gradTasks+inputTasks, func(_, task int) {
		if task < gradTasks {
			l.paramGrads(dy, task*linearOutputs, min((task+1)*linearOutputs, l.out))
			return
		}
		block := task - gradTasks
		l.inputGrad(dy, block*linearRows, min((block+1)*linearRows, n))
	})
	if !mode.InputGrad {
		return nil
	}
	return l.dx
}

// paramGrads adds the gradients of output rows lo..hi:
// dW [lo:hi, I] += dyᵀ [lo:hi, N] · x [N, I], db[lo:hi] += column sums of dy.
func (l *Linear) paramGrads(dy *Tensor, lo, hi int) {
	n := dy.Shape[0]
	kernels.Sgemm(true, false, hi-lo, l.in, n, dy.Data[lo:], l.out, l.x.Data, l.in,
		1, l.weight.Grad.Data[lo*l.in:], l.in)
	db := l.bias.Grad.Data[lo:hi]
	for i := range n {
		for o, v := range dy.Data[i*l.out+lo : i*l.out+hi] {
			db[o] += v
		}
	}
}

// inputGrad computes batch rows lo..hi of dx [N, I] = dy [N, O] · W [O, I].
func (l *Linear) inputGrad(dy *Tensor, lo, hi int) {
	kernels.Sgemm(false, false, hi-lo, l.in, l.out, dy.Data[lo*l.out:], l.out,
		l.weight.Value.Data, l.in, 0, l.dx.Data[lo*l.in:], l.in)
}

// minParallelMACs is the number of multiply-adds of one matrix product
// below which a layer keeps its blocks on one goroutine. By estimate, a
// hand-off to another goroutine costs as much as 10⁵ to 10⁶ of them.
const minParallelMACs = 1 << 20

// forTasks runs the blocks of a batch of n items in parallel when one
// product of the layer is large enough to pay for the hand-off.
func (l *Linear) forTasks(n, tasks int, fn func(worker, task int)) {
	if n*l.in*l.out >= minParallelMACs {
		forTasks(tasks, fn)
		return
	}
	for task := range tasks {
		fn(0, task)
	}
}

// blockCount returns the number of blocks of size items that cover n.
func blockCount(n, size int) int { return (n + size - 1) / size }
