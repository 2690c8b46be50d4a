package models

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their gradients.
type Optimizer interface {
	Step()
	// State returns the optimizer's buffers by name, for checkpoints.
	State() (buffers map[string]*Tensor, step int)
	// SetState restores buffers saved by State.
	SetState(buffers map[string]*Tensor, step int) error
}

// NewOptimizer returns "adam" or "sgd" (with momentum) over params.
func NewOptimizer(kind string, params []*Param, lr, momentum float64) (Optimizer, error) {
	switch kind {
	case "adam":
		return NewAdam(params, lr), nil
	case "sgd":
		return NewSGD(params, lr, momentum), nil
	}
	return nil, fmt.Errorf("unknown optimizer %q (expected adam or sgd)", kind)
}

// SGD is stochastic gradient descent with momentum as PyTorch's optim.SGD
// (dampening 0, no Nesterov, no weight decay):
//
//	v ← μ·v + g   (v = g on the first step)
//	p ← p − lr·v
type SGD struct {
	LR, Momentum float64
	params       []*Param
	velocity     []*Tensor
	step         int
}

// NewSGD returns SGD over params.
func NewSGD(params []*Param, lr, momentum float64) *SGD {
	velocity := make([]*Tensor, len(params))
	for i, p := range params {
		velocity[i] = NewTensor(p.Value.Shape...)
	}
	return &SGD{LR: lr, Momentum: momentum, params: params, velocity: velocity}
}

func (o *SGD) Step() {
	lr, mu := float32(o.LR), float32(o.Momentum)
	for i, p := range o.params {
		v := o.velocity[i].Data
		for j, g := range p.Grad.Data {
			if mu != 0 {
				if o.step == 0 {
					v[j] = g
				} else {
					v[j] = mu*v[j] + g
				}
				g = v[j]
			}
			p.Value.Data[j] -= lr * g
		}
	}
	o.step++
}

func (o *SGD) State() (map[string]*Tensor, int) {
	buffers := map[string]*Tensor{}
	for i, p := range o.params {
		buffers[p.Name+".momentum"] = o.velocity[i]
	}
	return buffers, o.step
}

func (o *SGD) SetState(buffers map[string]*Tensor, step int) error {
	for i, p := range o.params {
		if err := restoreBuffer(o.velocity[i], buffers, p.Name+".momentum"); err != nil {
			return err
		}
	}
	o.step = step
	return nil
}

// Adam is PyTorch 1.13's optim.Adam (β = 0.9, 0.999, ε = 1e-8, no weight
// decay, no AMSGrad):
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	p ← p − lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	params                []*Param
	m, v                  []*Tensor
	step                  int
}

// NewAdam returns Adam over params with PyTorch's default betas and eps.
func NewAdam(params []*Param, lr float64) *Adam {
	o := &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, params: params}
	for _, p := range params {
		o.m = append(o.m, NewTensor(p.Value.Shape...))
		o.v = append(o.v, NewTensor(p.Value.Shape...))
	}
	return o
}

func (o *Adam) Step() {
	o.step++
	t := float64(o.step)
	stepSize := float32(o.LR / (1 - math.Pow(o.Beta1, t)))
	sqrtBias2 := float32(math.Sqrt(1 - math.Pow(o.Beta2, t)))
	b1, b2, eps := float32(o.Beta1), float32(o.Beta2), float32(o.Eps)
	update := func(i, lo, hi int) {
		p := o.params[i]
		m, v, value := o.m[i].Data[lo:hi], o.v[i].Data[lo:hi], p.Value.Data[lo:hi]
		for j, g := range p.Grad.Data[lo:hi] {
			m[j] = b1*m[j] + (1-b1)*g
			v[j] = b2*v[j] + (1-b2)*g*g
			denom := float32(math.Sqrt(float64(v[j])))/sqrtBias2 + eps
			value[j] -= stepSize * m[j] / denom
		}
	}
	// Each value is updated on its own, so spreading blocks of values over
	// the workers leaves the results unchanged.
	blocks := optimizerBlocks(o.params)
	forTasks(len(blocks), func(_, task int) {
		b := blocks[task]
		update(b.param, b.lo, b.hi)
	})
}

// optimizerBlock is a range of one parameter's values.
type optimizerBlock struct{ param, lo, hi int }

// optimizerBlockSize is the number of values one worker updates at a time.
const optimizerBlockSize = 1 << 14

func optimizerBlocks(params []*Param) []optimizerBlock {
	var blocks []optimizerBlock
	for i, p := range params {
		for lo := 0; lo < p.Value.Len(); lo += optimizerBlockSize {
			blocks = append(blocks, optimizerBlock{i, lo, min(lo+optimizerBlockSize, p.Value.Len())})
		}
	}
	return blocks
}

func (o *Adam) State() (map[string]*Tensor, int) {
	buffers := map[string]*Tensor{}
	for i, p := range o.params {
		buffers[p.Name+".exp_avg"] = o.m[i]
		buffers[p.Name+".exp_avg_sq"] = o.v[i]
	}
	return buffers, o.step
}

func (o *Adam) SetState(buffers map[string]*Tensor, step int) error {
	for i, p := range o.params {
		if err := restoreBuffer(o.m[i], buffers, p.Name+".exp_avg"); err != nil {
			return err
		}
		if err := restoreBuffer(o.v[i], buffers, p.Name+".exp_avg_sq"); err != nil {
			return err
		}
	}
	o.step = step
	return nil
}

func restoreBuffer(dst *Tensor, buffers map[string]*Tensor, name string) error {
	src, ok := buffers[name]
	if !ok {
		return fmt.Errorf("optimizer state: missing %s", name)
	}
	if src.Len() != dst.Len() {
		return fmt.Errorf("optimizer state: %s has %d values, expected %d",
			name, src.Len(), dst.Len())
	}
	copy(dst.Data, src.Data)
	return nil
}
