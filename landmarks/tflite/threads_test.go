package tflite

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"pipeline/third_party/mediapipe"
)

// TestThreadsMatchOneThread runs every MediaPipe model on 1, 2, 3 and 5
// threads and requires the same bits in every output. Each interpreter
// runs twice, so a part that relies on another part's leftovers shows.
func TestThreadsMatchOneThread(t *testing.T) {
	for _, name := range mediapipe.Names() {
		t.Run(name, func(t *testing.T) {
			model, err := mediapipe.Load(name)
			if errors.Is(err, mediapipe.ErrNotEmbedded) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := invokeOn(t, model, 1)
			for _, threads := range []int{2, 3, 5} {
				got := invokeOn(t, model, threads)
				for i := range want {
					sameBits(t, threads, i, got[i], want[i])
				}
			}
		})
	}
}

// invokeOn runs model twice on the oracle input with the given number of
// threads and returns copies of its outputs.
func invokeOn(t *testing.T, model []byte, threads int) [][]float32 {
	t.Helper()
	ip, err := New(model)
	if err != nil {
		t.Fatal(err)
	}
	defer ip.Close()
	ip.SetThreads(threads)
	if ip.Threads() != threads {
		t.Fatalf("Threads() = %d after SetThreads(%d)", ip.Threads(), threads)
	}
	split := 0
	for _, k := range ip.kernels {
		if s, ok := k.(splitKernel); ok && s.worthSplitting() {
			split++
		}
	}
	if split == 0 {
		t.Fatalf("no operator of the model is split between threads")
	}
	oracleInput(ip.Input(0))
	ip.Invoke()
	ip.Invoke()
	var outputs [][]float32
	for i := range ip.NumOutputs() {
		outputs = append(outputs, append([]float32(nil), ip.Output(i).Data...))
	}
	return outputs
}

func sameBits(t *testing.T, threads, index int, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("output %d: %d elements on %d threads, %d on one", index, len(got),
			threads, len(want))
	}
	for j := range want {
		if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
			t.Errorf("output %d: element %d is %g on %d threads, %g on one",
				index, j, got[j], threads, want[j])
			return
		}
	}
}

// TestCloseStopsThreads checks that Close returns an interpreter to one
// thread, that a second Close is harmless and that Invoke still works.
func TestCloseStopsThreads(t *testing.T) {
	model, err := mediapipe.Load("hand_landmark_lite.tflite")
	if errors.Is(err, mediapipe.ErrNotEmbedded) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ip, err := New(model)
	if err != nil {
		t.Fatal(err)
	}
	ip.SetThreads(2)
	if err := ip.Close(); err != nil {
		t.Fatal(err)
	}
	if err := ip.Close(); err != nil {
		t.Fatal(err)
	}
	if ip.Threads() != 1 {
		t.Errorf("Threads() = %d after Close, expected 1", ip.Threads())
	}
	oracleInput(ip.Input(0))
	ip.Invoke()
}

func TestPartRangeCoversAll(t *testing.T) {
	for _, tc := range []struct {
		name            string
		n, parts, align int
	}{
		{"even", 100, 2, 1},
		{"aligned", 100, 3, 16},
		{"more parts than units", 20, 5, 16},
		{"empty", 0, 3, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := 0
			for part := range tc.parts {
				begin, end := partRange(tc.n, part, tc.parts, tc.align)
				if begin != next || end < begin {
					t.Fatalf("part %d is [%d, %d), expected to start at %d", part, begin, end, next)
				}
				if end < tc.n && end%tc.align != 0 {
					t.Errorf("part %d ends at %d, not a multiple of %d", part, end, tc.align)
				}
				next = end
			}
			if next != tc.n {
				t.Errorf("parts end at %d, expected %d", next, tc.n)
			}
		})
	}
}

// TestConv2DPathsMatchDirectSum runs convolutions that take each product
// path (gemmBlocksFast with one block of each width and with several,
// dotConvFast, or Sgemm without AVX2) on random data, seed 1, whole and
// in 3 parts, against a direct float64 sum. Tolerance 1e-4: float32 sums of up to 216 terms of
// magnitude below 1. The parts must give the bits of the whole run.
func TestConv2DPathsMatchDirectSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	random := func(n int) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = rng.Float32()*2 - 1
		}
		return out
	}
	for _, tc := range []struct {
		name                      string
		inC, outC, kernel, stride int
	}{
		{"3x3 to 32", 8, 32, 3, 1},
		{"1x1 to 39", 16, 39, 1, 1},
		{"3x3 stride 2 to 24", 3, 24, 3, 2},
		{"1x1 to 16", 24, 16, 1, 1},
		{"1x1 to 7", 8, 7, 1, 1},
		{"dot 3x3 to 1", 8, 1, 3, 1},
		{"dot 5x5 stride 2 to 2", 16, 2, 5, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const size = 13
			outSize := (size + tc.stride - 1) / tc.stride
			in := activationTensor(1, size, size, tc.inC)
			copy(in.Data, random(in.Len()))
			filter := constTensor(random(tc.outC*tc.kernel*tc.kernel*tc.inC),
				tc.outC, tc.kernel, tc.kernel, tc.inC)
			bias := constTensor(random(tc.outC), tc.outC)
			out := activationTensor(1, outSize, outSize, tc.outC)
			opts := optionsTable(map[int]int32{0: int32(paddingSame), 1: int32(tc.stride),
				2: int32(tc.stride)})
			k, err := (&Interpreter{}).newConv2D([]*Tensor{in, filter, bias},
				[]*Tensor{out}, opts)
			if err != nil {
				t.Fatal(err)
			}
			conv := k.(*conv2D)
			if conv.scratch != nil {
				one := len((*conv.scratch)[0])
				*conv.scratch = append(*conv.scratch, make([]float32, one), make([]float32, one))
			}
			k.run()
			whole := append([]float32(nil), out.Data...)
			checkValues(t, whole, directConv(in, filter.Data, bias.Data, conv.geom), 1e-4)

			clear(out.Data)
			for part := range 3 {
				conv.runPart(part, 3, part)
			}
			sameBits(t, 3, 0, out.Data, whole)
		})
	}
}

// directConv computes a convolution in float64 from its definition, with
// zeros outside the input.
func directConv(in *Tensor, filter, bias []float32, w window) []float32 {
	out := make([]float32, w.outH*w.outW*w.outC)
	for oy := range w.outH {
		for ox := range w.outW {
			for oc := range w.outC {
				sum := float64(bias[oc])
				for ky := range w.kH {
					for kx := range w.kW {
						iy := oy*w.strideH - w.padTop + ky
						ix := ox*w.strideW - w.padLeft + kx
						if iy < 0 || iy >= w.inH || ix < 0 || ix >= w.inW {
							continue
						}
						for c := range w.inC {
							sum += float64(in.Data[(iy*w.inW+ix)*w.inC+c]) *
								float64(filter[((oc*w.kH+ky)*w.kW+kx)*w.inC+c])
						}
					}
				}
				out[(oy*w.outW+ox)*w.outC+oc] = float32(sum)
			}
		}
	}
	return out
}
