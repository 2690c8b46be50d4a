package spectro

import (
	"math"
	"math/rand"
	"testing"
)

// randomConfig returns a valid config with sizes drawn from rng, including
// odd and non-power-of-two FFT sizes and clips shorter than a frame.
func randomConfig(rng *rand.Rand) Config {
	c := Torchaudio(1000 + rng.Intn(47000))
	if rng.Intn(2) == 0 {
		c = Librosa(c.SampleRate)
	}
	c.NFFT = 2 + rng.Intn(600)
	c.WinLength = 1 + rng.Intn(c.NFFT)
	c.HopLength = 1 + rng.Intn(c.NFFT)
	c.Window = Window(rng.Intn(3))
	c.Center = rng.Intn(4) != 0
	c.PadMode = PadMode(rng.Intn(2))
	c.Power = []float64{1, 2, 0.5}[rng.Intn(3)]
	c.NMels = 1 + rng.Intn(64)
	c.NMFCC = rng.Intn(c.NMels + 1)
	c.Lifter = rng.Intn(3) * 11
	if rng.Intn(3) == 0 {
		c.LogScale, c.LogOffset = NaturalLog, 1e-6
	}
	return c
}

// Random configs and clips must give the advertised shape and finite
// values, and never panic.
func TestRandomConfigsFinite(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for trial := range 300 {
		c := randomConfig(rng)
		plan, err := NewPlan(c)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		x := make([]float32, rng.Intn(3000))
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 0.1)
		}

		logMel, mfcc := plan.Features(nil, nil, x)
		frames := plan.Frames(len(x))
		if logMel.Rows != c.NMels || logMel.Cols != frames {
			t.Fatalf("trial %d (%+v, %d samples): log-mel is %d×%d, want %d×%d",
				trial, c, len(x), logMel.Rows, logMel.Cols, c.NMels, frames)
		}
		if mfcc.Rows != c.NMFCC || mfcc.Cols != frames {
			t.Fatalf("trial %d: MFCC is %d×%d, want %d×%d",
				trial, mfcc.Rows, mfcc.Cols, c.NMFCC, frames)
		}
		for _, m := range []*Matrix{logMel, mfcc, Deltas(nil, mfcc, 5)} {
			for i, v := range m.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("trial %d (%+v, %d samples): value %d is %v",
						trial, c, len(x), i, v)
				}
			}
		}
	}
}
