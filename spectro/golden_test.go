package spectro

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"pipeline/audio"
)

// goldenFile holds features computed by torchaudio 0.13.1 (python3-torchaudio
// on Debian) with tools/oracle/spectro_golden.py, rounded to 4 decimals.
type goldenFile struct {
	Cases []struct {
		Clip       string
		Config     string
		SampleRate int `json:"sample_rate"`
		Frames     int
		LogMel     [][]float64 `json:"log_mel"`
		MFCC       [][]float64
		Deltas     [][]float64
	}
}

// goldenConfigs are the Go configs of the configs in spectro_golden.py.
var goldenConfigs = map[string]func(rate int) Config{
	"torchaudio_fsdd": func(rate int) Config {
		return withFSDDSizes(Torchaudio(rate))
	},
	"librosa_fsdd": func(rate int) Config {
		return withFSDDSizes(Librosa(rate))
	},
	"torchaudio_default": Torchaudio,
	"librosa_default":    Librosa,
	"hamming_magnitude": func(rate int) Config {
		c := Torchaudio(rate)
		c.NFFT, c.WinLength, c.HopLength, c.Window = 256, 200, 100, Hamming
		c.NMels, c.FMin, c.FMax, c.Power, c.Center = 32, 100, 3500, 1, false
		c.NMFCC = 13
		return c
	},
}

// withFSDDSizes sets the sizes of the FSDD reference benchmark: n_fft 256,
// hop 80, 40 mel bands and 13 MFCCs.
func withFSDDSizes(c Config) Config {
	c.NFFT, c.HopLength, c.NMels, c.NMFCC = 256, 80, 40, 13
	return c
}

// Tolerances against torchaudio, which computes in float32.
const (
	logMelTol = 0.01 // dB
	mfccTol   = 0.01
)

func TestGoldenTorchaudio(t *testing.T) {
	golden := readGolden(t)
	worst := map[string][3]float64{}
	for _, tc := range golden.Cases {
		t.Run(tc.Config+"/"+filepath.Base(tc.Clip), func(t *testing.T) {
			clip, err := audio.ReadFile(filepath.Join("testdata", tc.Clip))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := NewPlan(goldenConfigs[tc.Config](clip.SampleRate))
			if err != nil {
				t.Fatal(err)
			}
			logMel, mfcc := plan.Features(nil, nil, clip.Mono())
			deltas := Deltas(nil, mfcc, 5)
			if logMel.Cols != tc.Frames {
				t.Fatalf("%d frames, torchaudio has %d", logMel.Cols, tc.Frames)
			}

			diffs := worst[tc.Config]
			diffs[0] = max(diffs[0], compareMatrix(t, "log-mel", logMel, tc.LogMel, logMelTol))
			diffs[1] = max(diffs[1], compareMatrix(t, "MFCC", mfcc, tc.MFCC, mfccTol))
			diffs[2] = max(diffs[2], compareMatrix(t, "deltas", deltas, tc.Deltas, mfccTol))
			worst[tc.Config] = diffs
		})
	}
	for config, diffs := range worst {
		t.Logf("%s: max |diff| log-mel %.5f dB, MFCC %.5f, deltas %.5f",
			config, diffs[0], diffs[1], diffs[2])
	}
}

func readGolden(t *testing.T) goldenFile {
	t.Helper()
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden goldenFile
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	return golden
}

// compareMatrix reports the first value of got that differs from want by
// more than tol, and returns the largest difference.
func compareMatrix(t *testing.T, label string, got *Matrix, want [][]float64,
	tol float64) float64 {
	t.Helper()
	if got.Rows != len(want) {
		t.Errorf("%s has %d rows, torchaudio has %d", label, got.Rows, len(want))
		return math.Inf(1)
	}
	var largest float64
	reported := false
	for r, row := range want {
		for c, w := range row {
			diff := math.Abs(float64(got.At(r, c)) - w)
			largest = max(largest, diff)
			if diff > tol && !reported {
				t.Errorf("%s[%d][%d] = %.4f, torchaudio %.4f (tol %g)",
					label, r, c, got.At(r, c), w, tol)
				reported = true
			}
		}
	}
	return largest
}
