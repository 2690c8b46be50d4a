package models

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Net is a network built from a Spec: a sequence of layers, run in order.
type Net struct {
	Spec   Spec
	Layers []Layer

	keep    map[string]bool    // layers whose output gradient Backward keeps
	outGrad map[string]*Tensor // kept gradients, by layer name
	outputs map[string]*Tensor // outputs of the last Forward, by layer name
}

// Build returns the network described by spec with zero parameters and a
// dropout generator seeded with seed.
func Build(spec Spec, seed uint64) (*Net, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	layers, err := spec.layers(rand.New(rand.NewPCG(seed, 0x64726f70)))
	if err != nil {
		return nil, err
	}
	return &Net{Spec: spec, Layers: layers}, nil
}

// Params lists every trainable parameter in PyTorch's state_dict order.
func (n *Net) Params() []*Param {
	var params []*Param
	for _, l := range n.Layers {
		params = append(params, l.Params()...)
	}
	return params
}

// Param returns the parameter with the given state_dict key, or nil.
func (n *Net) Param(name string) *Param {
	for _, p := range n.Params() {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// ParamCount returns the number of trainable values.
func (n *Net) ParamCount() int {
	total := 0
	for _, p := range n.Params() {
		total += p.Value.Len()
	}
	return total
}

// InitParams draws every weight and bias as PyTorch 1.13 does by default
// for Conv2d and Linear: uniform in ±1/√fan_in (kaiming_uniform_ with
// a = √5 gives exactly that bound), from a generator seeded with seed.
func (n *Net) InitParams(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x696e6974))
	for _, l := range n.Layers {
		var fanIn int
		switch layer := l.(type) {
		case *Conv2d:
			fanIn = layer.fanIn()
		case *Conv1d:
			fanIn = layer.fanIn()
		case *Linear:
			fanIn = layer.fanIn()
		default:
			continue
		}
		bound := 1 / math.Sqrt(float64(fanIn))
		for _, p := range l.Params() {
			for i := range p.Value.Data {
				p.Value.Data[i] = float32((rng.Float64()*2 - 1) * bound)
			}
		}
	}
}

// LayerNames lists the layers by name, in order.
func (n *Net) LayerNames() []string {
	names := make([]string, len(n.Layers))
	for i, l := range n.Layers {
		names[i] = l.Name()
	}
	return names
}

// Shapes returns each layer's per-sample output shape.
func (n *Net) Shapes() [][]int {
	shapes := make([][]int, len(n.Layers))
	shape := n.Spec.Input
	for i, l := range n.Layers {
		out, err := l.OutputShape(shape)
		if err != nil {
			panic(err) // Build checked every shape.
		}
		shapes[i], shape = out, out
	}
	return shapes
}

// KeepOutputs makes Forward remember the outputs of the named layers and
// Backward the gradients with respect to them, for explanations and
// feature extraction. It returns an error naming an unknown layer.
func (n *Net) KeepOutputs(names ...string) error {
	n.keep = map[string]bool{}
	for _, name := range names {
		if !slices.Contains(n.LayerNames(), name) {
			return fmt.Errorf("model %s has no layer %q (layers: %v)",
				n.Spec.Name, name, n.LayerNames())
		}
		n.keep[name] = true
	}
	return nil
}

// Forward runs x [N, C, H, W] through every layer and returns the logits
// [N, Classes]. The result is owned by the net and reused by the next call.
func (n *Net) Forward(x *Tensor, train bool) *Tensor {
	n.outputs = map[string]*Tensor{}
	for _, l := range n.Layers {
		x = l.Forward(x, train)
		if n.keep[l.Name()] {
			n.outputs[l.Name()] = x
		}
	}
	return x
}

// Backward propagates dLogits [N, Classes] back through every layer and
// returns the gradient with respect to the input when mode.InputGrad is set.
func (n *Net) Backward(dLogits *Tensor, mode BackwardMode) *Tensor {
	n.outGrad = map[string]*Tensor{}
	dy := dLogits
	for i := len(n.Layers) - 1; i >= 0; i-- {
		l := n.Layers[i]
		if n.keep[l.Name()] {
			n.outGrad[l.Name()] = dy
		}
		layerMode := mode
		layerMode.InputGrad = i > 0 || mode.InputGrad
		dy = l.Backward(dy, layerMode)
	}
	return dy
}

// Output returns the kept output of a layer from the last Forward.
func (n *Net) Output(name string) *Tensor { return n.outputs[name] }

// OutputGrad returns the kept gradient with respect to a layer's output
// from the last Backward.
func (n *Net) OutputGrad(name string) *Tensor { return n.outGrad[name] }

// ZeroGrad sets every parameter gradient to zero.
func (n *Net) ZeroGrad() {
	for _, p := range n.Params() {
		clear(p.Grad.Data)
	}
}

// reseedDropout gives every dropout layer a generator derived from seed and
// epoch.
func (n *Net) reseedDropout(seed, epoch uint64) {
	for i, l := range n.Layers {
		if d, ok := l.(*Dropout); ok {
			d.rng = rand.New(rand.NewPCG(seed^epoch<<32, uint64(i)))
		}
	}
}
