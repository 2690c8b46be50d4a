package kernels

import (
	"math/rand/v2"
	"testing"
)

// The layer benchmarks run one LeNet-5 image (28×28 input, 6@5×5 and
// 16@5×5 convolutions) per iteration.

func BenchmarkConvSingleChannel(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	x, weight, bias := randomSlice(rng, 28*28), randomSlice(rng, 6*25), randomSlice(rng, 6)
	y := make([]float32, 6*24*24)
	b.ReportAllocs()
	for b.Loop() {
		ConvSingleChannel(y, x, weight, bias, 6, 28, 28, 5)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkConvSingleChannelGrad(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, dy := randomSlice(rng, 28*28), randomSlice(rng, 6*24*24)
	dw, db := make([]float32, 6*25), make([]float32, 6)
	b.ReportAllocs()
	for b.Loop() {
		ConvSingleChannelGrad(dw, db, dy, x, 6, 28, 28, 5)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkIm2colConv2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 3))
	img := randomSlice(rng, 6*12*12)
	cols := make([]float32, 150*8*64)
	b.ReportAllocs()
	for b.Loop() {
		Im2col(cols, 8*64, img, 6, 12, 12, 5, 0)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkCol2imConv2(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 4))
	cols := randomSlice(rng, 150*8*64)
	img := make([]float32, 6*12*12)
	b.ReportAllocs()
	for b.Loop() {
		Col2im(img, cols, 8*64, 6, 12, 12, 5, 0)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}
