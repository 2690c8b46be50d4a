package tflite

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"slices"
	"testing"

	"pipeline/third_party/mediapipe"
)

// litertOutput is one output of a model as tools/tflite-oracle records it
// from LiteRT.js 2.5.3: every stride-th element plus sums.
type litertOutput struct {
	Shape  []int     `json:"shape"`
	Sum    float64   `json:"sum"`
	SumAbs float64   `json:"sumAbs"`
	Stride int       `json:"stride"`
	Sample []float64 `json:"sample"`
}

// oracleInput fills t with the oracle's fixed input: ((i·37) mod 1009)/1008.
func oracleInput(t *Tensor) {
	for i := range t.Data {
		t.Data[i] = float32((i*37)%1009) / 1008
	}
}

// TestMatchesLiteRT runs every MediaPipe model on the oracle's input and
// compares each output with LiteRT's. The tolerance is relative to the
// output's mean magnitude plus the element's own: both run float32, but
// XNNPACK sums in another order and the errors grow through a few hundred
// layers.
func TestMatchesLiteRT(t *testing.T) {
	data, err := os.ReadFile("testdata/litert-outputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string][]litertOutput
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	const tol = 2e-3
	for _, name := range mediapipe.Names() {
		t.Run(name, func(t *testing.T) {
			model, err := mediapipe.Load(name)
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
			oracleInput(ip.Input(0))
			ip.Invoke()
			want := golden[name]
			if len(want) != ip.NumOutputs() {
				t.Fatalf("%d outputs, LiteRT has %d", ip.NumOutputs(), len(want))
			}
			for i, w := range want {
				compareOutput(t, i, ip.Output(i), w, tol)
			}
		})
	}
}

func compareOutput(t *testing.T, index int, got *Tensor, want litertOutput, tol float64) {
	t.Helper()
	if !slices.Equal(got.Shape, want.Shape) {
		t.Errorf("output %d: shape %v, LiteRT %v", index, got.Shape, want.Shape)
		return
	}
	scale := want.SumAbs / float64(got.Len())
	for k, w := range want.Sample {
		at := k * want.Stride
		if diff := math.Abs(float64(got.Data[at]) - w); diff > tol*(scale+math.Abs(w)) {
			t.Errorf("output %d: element %d is %g, LiteRT %g (mean |v| %.3g)",
				index, at, got.Data[at], w, scale)
			return
		}
	}
	sum := 0.0
	for _, v := range got.Data {
		sum += float64(v)
	}
	if math.Abs(sum-want.Sum) > tol*want.SumAbs {
		t.Errorf("output %d: sum %g, LiteRT %g", index, sum, want.Sum)
	}
}
