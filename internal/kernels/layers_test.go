package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The layer loops are checked against the pure-Go versions in layers.go.
// Apart from the convolutions, both do the same float32 operations in the
// same order, so any difference in the bits is a bug in one of them.

// convShape is an image and kernel geometry: C channels, H×W, K×K, pad.
type convShape struct{ c, h, w, k, pad int }

var convShapes = []convShape{
	{1, 28, 28, 5, 0}, {6, 12, 12, 5, 0}, {3, 7, 6, 3, 1}, {1, 5, 5, 5, 2},
	{2, 9, 17, 3, 0}, {4, 3, 3, 3, 2}, {2, 4, 11, 1, 0},
}

func randomSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

func withGeneric(f func()) {
	saved := hasFastLayers
	hasFastLayers = false
	defer func() { hasFastLayers = saved }()
	f()
}

func assertEqual(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func TestIm2colMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, s := range convShapes {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			oh, ow := s.h+2*s.pad-s.k+1, s.w+2*s.pad-s.k+1
			ld := 3*oh*ow + 5
			img := randomSlice(rng, s.c*s.h*s.w)
			got := randomSlice(rng, s.c*s.k*s.k*ld)
			want := slices.Clone(got)
			Im2col(got[oh*ow:], ld, img, s.c, s.h, s.w, s.k, s.pad)
			withGeneric(func() { Im2col(want[oh*ow:], ld, img, s.c, s.h, s.w, s.k, s.pad) })
			assertEqual(t, "cols", got, want)
		})
	}
}

func TestCol2imMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range convShapes {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			oh, ow := s.h+2*s.pad-s.k+1, s.w+2*s.pad-s.k+1
			ld := 2*oh*ow + 3
			cols := randomSlice(rng, s.c*s.k*s.k*ld)
			got := randomSlice(rng, s.c*s.h*s.w)
			want := randomSlice(rng, s.c*s.h*s.w)
			Col2im(got, cols, ld, s.c, s.h, s.w, s.k, s.pad)
			withGeneric(func() { Col2im(want, cols, ld, s.c, s.h, s.w, s.k, s.pad) })
			assertEqual(t, "img", got, want)
		})
	}
}

// TestCol2imIsAdjoint checks ⟨Im2col(x), u⟩ = ⟨x, Col2im(u)⟩ in float64.
func TestCol2imIsAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	for _, s := range convShapes {
		oh, ow := s.h+2*s.pad-s.k+1, s.w+2*s.pad-s.k+1
		rows, ld := s.c*s.k*s.k, oh*ow
		x := randomSlice(rng, s.c*s.h*s.w)
		u := randomSlice(rng, rows*ld)
		cols := make([]float32, rows*ld)
		folded := make([]float32, len(x))
		Im2col(cols, ld, x, s.c, s.h, s.w, s.k, s.pad)
		Col2im(folded, u, ld, s.c, s.h, s.w, s.k, s.pad)
		left, right := dot64(cols, u), dot64(x, folded)
		if math.Abs(left-right) > 1e-4*(1+math.Abs(left)) {
			t.Errorf("%v: <im2col x, u> = %g, <x, col2im u> = %g", s, left, right)
		}
	}
}

func dot64(x, y []float32) float64 {
	var sum float64
	for i := range x {
		sum += float64(x[i]) * float64(y[i])
	}
	return sum
}

func TestChunkLayouts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 4))
	for _, dims := range [][3]int{{8, 6, 576}, {3, 16, 64}, {1, 5, 7}, {5, 2, 13}} {
		b, f, p := dims[0], dims[1], dims[2]
		x := randomSlice(rng, b*f*p)
		bias := randomSlice(rng, f)
		chunked := make([]float32, len(x))
		Chunk(chunked, x, b, f, p)
		if got := chunked[(1%f*b+b-1)*p+p-1]; got != x[((b-1)*f+1%f)*p+p-1] {
			t.Fatalf("%v: Chunk put %g in the last value of filter %d", dims, got, 1%f)
		}
		got := make([]float32, len(x))
		UnchunkBias(got, chunked, bias, b, f, p)
		want := make([]float32, len(x))
		for i, v := range x {
			want[i] = v + bias[i/p%f]
		}
		assertEqual(t, fmt.Sprint(dims), got, want)
		generic := make([]float32, len(x))
		withGeneric(func() { UnchunkBias(generic, chunked, bias, b, f, p) })
		assertEqual(t, fmt.Sprint(dims)+" generic", generic, want)
	}
}

func TestReLUMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 5))
	x := randomSlice(rng, 301)
	x[3], x[9], x[17] = float32(math.NaN()), float32(math.Copysign(0, -1)), 0
	got, want := make([]float32, len(x)), make([]float32, len(x))
	ReLU(got, x)
	withGeneric(func() { ReLU(want, x) })
	assertEqual(t, "y", got, want)
	if !math.IsNaN(float64(got[3])) || math.Signbit(float64(got[9])) {
		t.Errorf("relu(NaN) = %g, relu(−0) = %g; want NaN and +0", got[3], got[9])
	}

	dy := randomSlice(rng, len(x))
	gotGrad, wantGrad := make([]float32, len(x)), make([]float32, len(x))
	ReLUGrad(gotGrad, dy, got)
	withGeneric(func() { ReLUGrad(wantGrad, dy, got) })
	assertEqual(t, "dx", gotGrad, wantGrad)
	if gotGrad[3] != 0 || gotGrad[9] != 0 {
		t.Errorf("gradient through NaN and 0 outputs = %g, %g; want 0", gotGrad[3], gotGrad[9])
	}
}

func TestAvgPool2MatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 6))
	for _, dims := range [][3]int{{6, 24, 24}, {16, 8, 8}, {2, 7, 6}, {3, 5, 37}, {1, 2, 2}, {2, 3, 26}} {
		planes, h, w := dims[0], dims[1], dims[2]
		x := randomSlice(rng, planes*h*w)
		outLen := planes * (h / 2) * (w / 2)
		got, want := make([]float32, outLen), make([]float32, outLen)
		AvgPool2(got, x, planes, h, w)
		withGeneric(func() { AvgPool2(want, x, planes, h, w) })
		assertEqual(t, fmt.Sprint(dims, " y"), got, want)

		dy := randomSlice(rng, outLen)
		gotGrad, wantGrad := randomSlice(rng, len(x)), randomSlice(rng, len(x))
		AvgPool2Grad(gotGrad, dy, planes, h, w)
		withGeneric(func() { AvgPool2Grad(wantGrad, dy, planes, h, w) })
		assertEqual(t, fmt.Sprint(dims, " dx"), gotGrad, wantGrad)
	}
}

// assertNear checks got against want within tol relative to 1+|want|,
// because the AVX2 convolutions sum in another order than the Go loops.
func assertNear(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	for i := range want {
		diff := math.Abs(float64(got[i]) - float64(want[i]))
		if !(diff <= tol*(1+math.Abs(float64(want[i])))) {
			t.Fatalf("%s[%d] = %g, want %g (tol %g)", what, i, got[i], want[i], tol)
		}
	}
}

func TestConvSingleChannelMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 7))
	// f, h, w, k: LeNet-5's conv1, rows wider than four vectors, a 1×1
	// output, more than eight taps in a row.
	for _, dims := range [][4]int{{6, 28, 28, 5}, {2, 9, 40, 3}, {3, 5, 5, 5}, {1, 12, 20, 9}} {
		f, h, w, k := dims[0], dims[1], dims[2], dims[3]
		oh, ow := h-k+1, w-k+1
		x, weight, bias := randomSlice(rng, h*w), randomSlice(rng, f*k*k), randomSlice(rng, f)
		got, want := make([]float32, f*oh*ow), make([]float32, f*oh*ow)
		ConvSingleChannel(got, x, weight, bias, f, h, w, k)
		withGeneric(func() { ConvSingleChannel(want, x, weight, bias, f, h, w, k) })
		// 1e-5 allows for float32 sums of up to 81 unit-scale products.
		assertNear(t, fmt.Sprint(dims, " y"), got, want, 1e-5)

		dy := randomSlice(rng, f*oh*ow)
		gotW, gotB := randomSlice(rng, f*k*k), randomSlice(rng, f)
		wantW, wantB := slices.Clone(gotW), slices.Clone(gotB)
		ConvSingleChannelGrad(gotW, gotB, dy, x, f, h, w, k)
		withGeneric(func() { ConvSingleChannelGrad(wantW, wantB, dy, x, f, h, w, k) })
		// Sums of up to 576 unit-scale products reach about 24, where
		// reordered float32 sums differ by about 1e-5 (an estimate).
		assertNear(t, fmt.Sprint(dims, " dw"), gotW, wantW, 1e-4)
		assertNear(t, fmt.Sprint(dims, " db"), gotB, wantB, 1e-4)
	}
}

func TestRowSumsMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 8))
	for _, dims := range [][2]int{{16, 512}, {6, 4608}, {3, 13}, {2, 1}} {
		rows, cols := dims[0], dims[1]
		src := randomSlice(rng, rows*cols)
		got, want := make([]float32, rows), make([]float32, rows)
		RowSums(got, src, rows, cols)
		withGeneric(func() { RowSums(want, src, rows, cols) })
		// Sums of up to 4608 unit-normal values reach about 70; reordered
		// float32 sums differ by about 1e-5 of that (an estimate).
		assertNear(t, fmt.Sprint(dims), got, want, 1e-4)
	}
}

func TestAvgPool2GradNoOutputs(t *testing.T) {
	dx := []float32{1, 2, 3}
	AvgPool2Grad(dx, nil, 1, 1, 3)
	assertEqual(t, "dx", dx, []float32{0, 0, 0})
}
