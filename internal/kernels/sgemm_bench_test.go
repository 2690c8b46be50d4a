package kernels

import (
	"math/rand/v2"
	"testing"
)

// sgemmShape is one product the LeNet-5 engine runs per training step at
// batch 64, with im2col lowering for the convolutions.
type sgemmShape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var benchShapes = []sgemmShape{
	{"conv1Fwd/batch", false, false, 6, 36864, 25},
	{"conv1Fwd/image", false, false, 6, 576, 25},
	{"conv1dW/image", false, true, 6, 25, 576},
	{"conv1dCols/image", true, false, 25, 576, 6},
	{"conv2Fwd/batch", false, false, 16, 4096, 150},
	{"conv2Fwd/image", false, false, 16, 64, 150},
	{"conv2dW/batch", false, true, 16, 150, 4096},
	{"conv2dW/image", false, true, 16, 150, 64},
	{"conv2dCols/batch", true, false, 150, 4096, 16},
	{"conv2dCols/image", true, false, 150, 64, 16},
	{"fc1Fwd", false, true, 64, 120, 256},
	{"fc1dW", true, false, 120, 256, 64},
	{"fc1dX", false, false, 64, 256, 120},
	{"fc2Fwd", false, true, 64, 84, 120},
	{"fc2dW", true, false, 84, 120, 64},
	{"fc2dX", false, false, 64, 120, 84},
	{"fc3Fwd", false, true, 64, 10, 84},
	{"fc3dW", true, false, 10, 84, 64},
	{"fc3dX", false, false, 64, 84, 10},
	{"square256", false, false, 256, 256, 256},
	{"square256/NT", false, true, 256, 256, 256},
	{"square256/TT", true, true, 256, 256, 256},
}

// BenchmarkSgemm reports GFLOP/s, counting 2·m·n·k floating-point
// operations per call.
func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			benchmarkShape(b, s, Sgemm)
		})
	}
}

// BenchmarkSgemmGeneric runs the same shapes through the pure-Go fallback.
func BenchmarkSgemmGeneric(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) {
			benchmarkShape(b, s, sgemmGeneric)
		})
	}
}

type sgemmFunc func(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int)

func benchmarkShape(b *testing.B, s sgemmShape, gemm sgemmFunc) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randomMatrix(rng, s.m*s.k)
	bm := randomMatrix(rng, s.k*s.n)
	c := make([]float32, s.m*s.n)
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}

	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		gemm(s.transA, s.transB, s.m, s.n, s.k, a, lda, bm, ldb, 0, c, s.n)
	}
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func randomMatrix(rng *rand.Rand, size int) []float32 {
	x := make([]float32, size)
	for i := range x {
		x[i] = rng.Float32()*2 - 1
	}
	return x
}
