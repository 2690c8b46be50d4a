package models

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLayersSameForAnyThreads runs layers on batches large enough for their
// parallel paths (fc1 needs 2^20 multiply-adds, ReLU and pooling more than
// 2^16 values) with 1 and 2 workers and expects the same bits.
func TestLayersSameForAnyThreads(t *testing.T) {
	relu, err := NewActivation("act", "relu")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		layer Layer
		shape []int
	}{
		{"fc1 batch 100", NewLinear("fc", 256, 120), []int{100, 256}},
		{"conv1 batch 20", NewConv2d("conv", 1, 6, 5, 0), []int{20, 1, 28, 28}},
		{"conv2 batch 20", NewConv2d("conv", 6, 16, 5, 0), []int{20, 6, 12, 12}},
		{"relu batch 20", relu, []int{20, 6, 24, 24}},
		{"avgpool batch 20", NewAvgPool2d("pool", 2), []int{20, 6, 24, 24}},
	}
	defer SetThreads(2)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			for _, p := range c.layer.Params() {
				fillNormal(rng, p.Value.Data)
			}
			x := NewTensor(c.shape...)
			fillNormal(rng, x.Data)
			var results [2][][]float32
			for threads := 1; threads <= 2; threads++ {
				SetThreads(threads)
				results[threads-1] = runLayer(c.layer, x)
			}
			for i := range results[0] {
				if !slices.Equal(results[0][i], results[1][i]) {
					t.Errorf("result %d differs between 1 and 2 threads", i)
				}
			}
		})
	}
}

// runLayer returns copies of y, dx and the parameter gradients of one
// forward and backward pass, with an output gradient drawn from a
// generator seeded the same way for every call.
func runLayer(l Layer, x *Tensor) [][]float32 {
	for _, p := range l.Params() {
		clear(p.Grad.Data)
	}
	y := l.Forward(x, true)
	dy := NewTensor(y.Shape...)
	fillNormal(rand.New(rand.NewPCG(7, 8)), dy.Data)
	dx := l.Backward(dy, BackwardMode{ParamGrads: true, InputGrad: true})
	out := [][]float32{slices.Clone(y.Data), slices.Clone(dx.Data)}
	for _, p := range l.Params() {
		out = append(out, slices.Clone(p.Grad.Data))
	}
	return out
}
