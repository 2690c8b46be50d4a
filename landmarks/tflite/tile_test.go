package tflite

import (
	"math/rand/v2"
	"testing"
)

// TestConv2DTilesMatchOneProduct runs a convolution whose im2col rows
// split into several tiles, the last one partial, and requires the same
// bits as one matrix multiply over all output pixels. Random data, seed 1.
func TestConv2DTilesMatchOneProduct(t *testing.T) {
	const size, inC, outC = 40, 32, 24 // K = 3·3·32 = 288
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = rng.Float32()*2 - 1
		}
		return out
	}
	in := activationTensor(1, size, size, inC)
	copy(in.Data, random(in.Len()))
	filter := constTensor(random(outC*3*3*inC), outC, 3, 3, inC)
	bias := constTensor(random(outC), outC)
	opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: 1, 2: 1})

	run := func(tiled bool) []float32 {
		out := activationTensor(1, size, size, outC)
		k, err := (&Interpreter{}).newConv2D([]*Tensor{in, filter, bias},
			[]*Tensor{out}, opts)
		if err != nil {
			t.Fatal(err)
		}
		conv := k.(*conv2D)
		if !tiled {
			conv.tileRows = size * size
			(*conv.scratch)[0] = make([]float32, size*size*3*3*inC)
		}
		if tiled && conv.tileRows >= size*size {
			t.Fatalf("tile of %d rows covers all %d pixels", conv.tileRows, size*size)
		}
		k.run()
		return out.Data
	}
	compareBits(t, 0, run(true), run(false))
}
