package tflite

import (
	"errors"
	"math"
	"testing"

	"pipeline/third_party/mediapipe"
)

// TestPlannedMatchesUnplanned runs every MediaPipe model with its
// activations in the planned arena and in buffers of their own, and
// requires bit-identical outputs. The planned interpreter runs twice, so
// the second run starts from an arena full of the first run's values and
// catches a kernel that relies on a zeroed output. It logs the activation
// bytes of both.
func TestPlannedMatchesUnplanned(t *testing.T) {
	for _, name := range mediapipe.Names() {
		t.Run(name, func(t *testing.T) {
			model, err := mediapipe.Load(name)
			if errors.Is(err, mediapipe.ErrNotEmbedded) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			unplanned, err := newInterpreter(model, false)
			if err != nil {
				t.Fatal(err)
			}
			planned, err := newInterpreter(model, true)
			if err != nil {
				t.Fatal(err)
			}
			oracleInput(unplanned.Input(0))
			unplanned.Invoke()
			oracleInput(planned.Input(0))
			planned.Invoke()
			planned.Invoke()
			for i := range unplanned.NumOutputs() {
				compareBits(t, i, planned.Output(i).Data, unplanned.Output(i).Data)
			}
			before, after := unplanned.activationBytes(), planned.activationBytes()
			if after > before {
				t.Errorf("planned activations take %d bytes, unplanned %d", after, before)
			}
			t.Logf("activation bytes: %d unplanned, %d planned (%.1f%%)",
				before, after, 100*float64(after)/float64(before))
		})
	}
}

func compareBits(t *testing.T, index int, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("output %d: %d elements, want %d", index, len(got), len(want))
	}
	for j := range want {
		if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
			t.Errorf("output %d: element %d is %g planned, %g unplanned",
				index, j, got[j], want[j])
			return
		}
	}
}

// TestPlaceLifetimes checks the arena offsets on a small case worked by
// hand: a and c never coexist, so c reuses a's place, while b coexists
// with both and so gets its own.
func TestPlaceLifetimes(t *testing.T) {
	a := &lifetime{first: 0, last: 1, size: 32}
	b := &lifetime{first: 1, last: 2, size: 16}
	c := &lifetime{first: 2, last: 3, size: 32}
	length := placeLifetimes([]*lifetime{a, b, c})
	tests := []struct {
		name      string
		got, want int
	}{
		{"offset a", a.offset, 0},
		{"offset b", b.offset, 32},
		{"offset c", c.offset, 0},
		{"arena length", length, 48},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

// TestWeightsShared loads every model twice and checks that both
// interpreters read the same float32 weight arrays, decoded and
// transposed once. It logs the bytes of the shared arrays.
func TestWeightsShared(t *testing.T) {
	for _, name := range mediapipe.Names() {
		t.Run(name, func(t *testing.T) {
			model, err := mediapipe.Load(name)
			if errors.Is(err, mediapipe.ErrNotEmbedded) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			first, err := New(model)
			if err != nil {
				t.Fatal(err)
			}
			second, err := New(model)
			if err != nil {
				t.Fatal(err)
			}
			if first.weights != second.weights {
				t.Fatal("interpreters of one model hold different weight sets")
			}
			for i, a := range first.tensors {
				b := second.tensors[i]
				if a.constant && len(a.Data) > 0 && &a.Data[0] != &b.Data[0] {
					t.Errorf("tensor %d %q: weights decoded twice", i, a.Name)
				}
			}
			for i, k := range first.kernels {
				if c, ok := k.(*conv2D); ok && &c.weights[0] != &second.kernels[i].(*conv2D).weights[0] {
					t.Errorf("kernel %d: filter transposed twice", i)
				}
			}
			bytes := 0
			for _, a := range first.weights.arrays {
				bytes += 4 * len(a)
			}
			t.Logf("shared weight bytes: %d", bytes)
		})
	}
}
