package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"pipeline/internal/kernels"
)

// Activation is an element-wise function: ReLU, Tanh or Sigmoid.
type Activation struct {
	name, kind string
	y, dx      *Tensor
}

// Activation kinds accepted by NewActivation.
var activationKinds = []string{"relu", "tanh", "sigmoid"}

// NewActivation returns an element-wise activation layer of the given kind.
func NewActivation(name, kind string) (*Activation, error) {
	if !slices.Contains(activationKinds, kind) {
		return nil, fmt.Errorf("unknown activation %q (expected relu, tanh or sigmoid)", kind)
	}
	return &Activation{name: name, kind: kind}, nil
}

func (l *Activation) Name() string                        { return l.name }
func (l *Activation) Params() []*Param                    { return nil }
func (l *Activation) OutputShape(in []int) ([]int, error) { return slices.Clone(in), nil }

func (l *Activation) Forward(x *Tensor, train bool) *Tensor {
	l.y = ensure(l.y, x.Shape...)
	size := x.SampleLen()
	l.parallel(x.Batch(), size, func(_, _, lo, hi int) {
		activate(l.kind, l.y.Data[lo*size:hi*size], x.Data[lo*size:hi*size])
	})
	return l.y
}

// parallel runs fn over the chunks of a batch of n items of size values.
// ReLU is so cheap that small batches stay on one goroutine.
func (l *Activation) parallel(n, size int, fn func(worker, chunk, lo, hi int)) {
	if l.kind == "relu" {
		forChunksOf(n, size, fn)
		return
	}
	forChunks(n, fn)
}

func activate(kind string, y, x []float32) {
	y = y[:len(x)]
	switch kind {
	case "relu":
		kernels.ReLU(y, x)
	case "tanh":
		for i, v := range x {
			y[i] = float32(math.Tanh(float64(v)))
		}
	case "sigmoid":
		for i, v := range x {
			y[i] = float32(1 / (1 + math.Exp(-float64(v))))
		}
	}
}

// Backward uses the saved output: relu' = [y > 0] (0 for a NaN output), tanh' = 1 − y²,
// sigmoid' = y(1 − y).
func (l *Activation) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	if !mode.InputGrad {
		return nil
	}
	l.dx = ensure(l.dx, dy.Shape...)
	size := dy.SampleLen()
	l.parallel(dy.Batch(), size, func(_, _, lo, hi int) {
		r := lo * size
		activationGrad(l.kind, l.dx.Data[r:hi*size], dy.Data[r:hi*size], l.y.Data[r:hi*size])
	})
	return l.dx
}

func activationGrad(kind string, dx, dy, y []float32) {
	dx, y = dx[:len(dy)], y[:len(dy)]
	switch kind {
	case "relu":
		kernels.ReLUGrad(dx, dy, y)
	case "tanh":
		for i, g := range dy {
			dx[i] = g * (1 - y[i]*y[i])
		}
	case "sigmoid":
		for i, g := range dy {
			dx[i] = g * y[i] * (1 - y[i])
		}
	}
}

// Flatten reshapes [N, C, H, W] to [N, C·H·W] without copying.
type Flatten struct {
	name    string
	inShape []int
}

// NewFlatten returns a flatten layer.
func NewFlatten(name string) *Flatten { return &Flatten{name: name} }

func (l *Flatten) Name() string     { return l.name }
func (l *Flatten) Params() []*Param { return nil }

func (l *Flatten) OutputShape(in []int) ([]int, error) { return []int{numel(in)}, nil }

func (l *Flatten) Forward(x *Tensor, train bool) *Tensor {
	l.inShape = x.Shape
	return &Tensor{Shape: []int{x.Shape[0], x.SampleLen()}, Data: x.Data}
}

func (l *Flatten) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	if !mode.InputGrad {
		return nil
	}
	return &Tensor{Shape: l.inShape, Data: dy.Data}
}

// Dropout zeroes each value with probability p during training and scales
// the rest by 1/(1−p), as PyTorch's nn.Dropout; in evaluation it passes
// values through. Its random numbers come from a seeded generator.
type Dropout struct {
	name  string
	p     float64
	rng   *rand.Rand
	mask  []float32
	train bool
	y, dx *Tensor
}

// NewDropout returns a dropout layer drawing from rng.
func NewDropout(name string, p float64, rng *rand.Rand) *Dropout {
	return &Dropout{name: name, p: p, rng: rng}
}

func (l *Dropout) Name() string                        { return l.name }
func (l *Dropout) Params() []*Param                    { return nil }
func (l *Dropout) OutputShape(in []int) ([]int, error) { return slices.Clone(in), nil }

func (l *Dropout) Forward(x *Tensor, train bool) *Tensor {
	l.train = train && l.p > 0
	if !l.train {
		return x
	}
	if len(l.mask) != x.Len() {
		l.mask = make([]float32, x.Len())
	}
	keep := float32(1 / (1 - l.p))
	for i := range l.mask {
		if l.rng.Float64() < l.p {
			l.mask[i] = 0
		} else {
			l.mask[i] = keep
		}
	}
	l.y = ensure(l.y, x.Shape...)
	for i, v := range x.Data {
		l.y.Data[i] = v * l.mask[i]
	}
	return l.y
}

func (l *Dropout) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	if !mode.InputGrad || !l.train {
		if mode.InputGrad {
			return dy
		}
		return nil
	}
	l.dx = ensure(l.dx, dy.Shape...)
	for i, g := range dy.Data {
		l.dx.Data[i] = g * l.mask[i]
	}
	return l.dx
}
