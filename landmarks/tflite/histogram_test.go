package tflite

import (
	"errors"
	"testing"

	"pipeline/third_party/mediapipe"
)

// TestOpHistograms logs each model's operator counts (run with -v) and
// checks that the load-time operators are counted too.
func TestOpHistograms(t *testing.T) {
	for _, name := range mediapipe.Names() {
		model, err := mediapipe.Load(name)
		if errors.Is(err, mediapipe.ErrNotEmbedded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ip, err := New(model)
		if err != nil {
			t.Fatal(err)
		}
		hist := ip.OpHistogram()
		t.Logf("%s: %v, %.3f GFLOP per inference", name, hist, float64(ip.FLOPs())/1e9)
		if hist["DEQUANTIZE"] == 0 {
			t.Errorf("%s: no DEQUANTIZE counted; every model stores float16 weights", name)
		}
	}
}
