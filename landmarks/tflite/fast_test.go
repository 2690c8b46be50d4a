package tflite

import (
	"math/rand/v2"
	"testing"
)

// TestDepthwiseFastMatchesGo checks the AVX2 kernel against the Go loop
// that other machines run, on random data (seed 1) whose 43 channels use
// the kernel's 32-, 8- and 1-channel paths. Tolerance 1e-5: FMA rounds
// once where the Go loop rounds twice.
func TestDepthwiseFastMatchesGo(t *testing.T) {
	if !hasFastDepthwise {
		t.Skip("no AVX2 kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = rng.Float32()*2 - 1
		}
		return out
	}
	for _, tc := range []struct {
		name           string
		kernel, stride int
	}{{"3x3 stride 1", 3, 1}, {"5x5 stride 2", 5, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			const size, channels = 9, 43
			outSize := (size + tc.stride - 1) / tc.stride
			in := activationTensor(1, size, size, channels)
			copy(in.Data, random(in.Len()))
			filter := constTensor(random(tc.kernel*tc.kernel*channels),
				1, tc.kernel, tc.kernel, channels)
			bias := constTensor(random(channels), channels)
			out := activationTensor(1, outSize, outSize, channels)
			opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: int32(tc.stride),
				2: int32(tc.stride), 3: 1})
			k, err := newDepthwiseConv2D([]*Tensor{in, filter, bias}, []*Tensor{out}, opts)
			if err != nil {
				t.Fatal(err)
			}
			k.run()
			dw := k.(*depthwiseConv2D)
			want := make([]float32, out.Len())
			for oy := 0; oy < outSize; oy++ {
				for ox := 0; ox < outSize; ox++ {
					at := (oy*outSize + ox) * channels
					dw.pixel(want[at:at+channels], in.Data, oy, ox)
				}
			}
			checkValues(t, out.Data, want, 1e-5)
		})
	}
}

func TestClampAndPReluFastMatchGo(t *testing.T) {
	if !hasFastDepthwise {
		t.Skip("no AVX2 kernel on this machine")
	}
	values := []float32{-7, -1.5, -0.5, 0, 0.5, 3, 6, 9, -2, 7, 0.25}
	got := append([]float32(nil), values...)
	clampFast(got, 0, 6)
	checkValues(t, got, []float32{0, 0, 0, 0, 0.5, 3, 6, 6, 0, 6, 0.25}, 0)

	alpha := []float32{0.5, 0.25, 2, 1, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7}
	in := append(append([]float32(nil), values...), values...)
	out := make([]float32, len(in))
	preluFast(out, in, alpha)
	for i, v := range in {
		want := v
		if v < 0 {
			want = v * alpha[i%len(alpha)]
		}
		if diff := out[i] - want; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("PRELU element %d: got %g, expected %g", i, out[i], want)
		}
	}
}

// TestMaxPoolAndAddFastMatchGo checks the AVX2 MAX_POOL_2D and ADD kernels
// against the Go loops on random data (seed 2) whose 43 channels use the
// 8-channel and the 1-channel paths. Both compute exactly, so the bits
// must match.
func TestMaxPoolAndAddFastMatchGo(t *testing.T) {
	if !hasFastDepthwise {
		t.Skip("no AVX2 kernel on this machine")
	}
	rng := rand.New(rand.NewPCG(2, 2))
	const size, channels = 9, 43
	in := activationTensor(1, size, size, channels)
	for i := range in.Data {
		in.Data[i] = rng.Float32()*2 - 1
	}
	out := activationTensor(1, 5, 5, channels)
	opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: 2, 2: 2, 3: 3, 4: 3})
	k, err := newMaxPool2D([]*Tensor{in}, []*Tensor{out}, opts)
	if err != nil {
		t.Fatal(err)
	}
	k.run()
	pool := k.(*maxPool2D)
	want := make([]float32, out.Len())
	for oy := range 5 {
		for ox := range 5 {
			pool.pixel(want[(oy*5+ox)*channels:][:channels], in.Data, oy, ox)
		}
	}
	checkValues(t, out.Data, want, 0)

	b := make([]float32, in.Len())
	for i := range b {
		b[i] = rng.Float32()*8 - 4
	}
	sum := make([]float32, in.Len())
	addFast(sum, in.Data, b, true, 0, 6)
	clamped := make([]float32, in.Len())
	for i := range clamped {
		clamped[i] = min(max(in.Data[i]+b[i], 0), 6)
	}
	checkValues(t, sum, clamped, 0)
}
