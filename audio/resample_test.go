package audio

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// resampleGolden holds torchaudio 0.13.1's functional.resample of a real
// FSDD clip and the samples python3-soundfile 0.12.1 (libsndfile 1.2.0)
// read from it, written by tools/oracle/spectro_golden.py.
type resampleGolden struct {
	Clip    string
	Rate    int
	Samples []float32
	Up      []float64
	Down    []float64
}

// resampleTol is the largest difference allowed from torchaudio, which
// builds its kernel and sums in float32; the samples lie in [-1, 1].
const resampleTol = 1e-6

func readResampleGolden(t *testing.T) resampleGolden {
	t.Helper()
	data, err := os.ReadFile("testdata/resample_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden resampleGolden
	if err := json.Unmarshal(data, &golden); err != nil {
		t.Fatal(err)
	}
	return golden
}

func TestDecodeMatchesSoundfile(t *testing.T) {
	golden := readResampleGolden(t)
	clip, err := ReadFile("testdata/" + golden.Clip)
	if err != nil {
		t.Fatal(err)
	}
	if clip.SampleRate != golden.Rate {
		t.Errorf("SampleRate = %d, soundfile reads %d", clip.SampleRate, golden.Rate)
	}
	if !slices.Equal(clip.Samples, golden.Samples) {
		t.Errorf("samples differ from soundfile's")
	}
}

func TestResampleTorchaudio(t *testing.T) {
	golden := readResampleGolden(t)
	up := Resample(golden.Samples, golden.Rate, 2*golden.Rate)
	upInput := make([]float32, len(golden.Up))
	for i, v := range golden.Up {
		upInput[i] = float32(v)
	}
	down := Resample(upInput, 2*golden.Rate, golden.Rate)

	tests := []struct {
		name string
		got  []float32
		want []float64
	}{
		{"8 kHz to 16 kHz", up, golden.Up},
		{"16 kHz to 8 kHz", down, golden.Down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != len(tt.want) {
				t.Fatalf("%d samples, torchaudio has %d", len(tt.got), len(tt.want))
			}
			var largest float64
			for i, w := range tt.want {
				diff := math.Abs(float64(tt.got[i]) - w)
				largest = max(largest, diff)
				if diff > resampleTol {
					t.Fatalf("sample %d = %g, torchaudio %g (tol %g)", i, tt.got[i], w, resampleTol)
				}
			}
			t.Logf("max |diff| %.2g", largest)
		})
	}
}

func TestResampleLengths(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		from, to int
		want     int
	}{
		{"same rate", 5, 8000, 8000, 5},
		{"double", 5, 8000, 16000, 10},
		{"half rounds up", 5, 16000, 8000, 3},
		{"44.1 to 16 kHz", 441, 44100, 16000, 160},
		{"empty", 0, 8000, 16000, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resample(make([]float32, tt.n), tt.from, tt.to)
			if len(got) != tt.want {
				t.Errorf("len = %d, want ⌈%d·%d/%d⌉ = %d", len(got), tt.n, tt.to, tt.from, tt.want)
			}
		})
	}
}

// The table of taps and the direct evaluation used for large rate ratios
// must give the same samples.
func TestResampleWithoutTable(t *testing.T) {
	x := []float32{0, 0.5, -0.25, 1, -1, 0.125, 0.75}
	table := newResampler(3, 7)
	direct := newResampler(3, 7)
	direct.taps = nil
	if got, want := direct.apply(x), table.apply(x); !slices.Equal(got, want) {
		t.Errorf("direct = %v, table = %v", got, want)
	}
}

// Resampling a stereo clip resamples each channel on its own.
func TestClipResampleStereo(t *testing.T) {
	left := []float32{0, 0.5, 1, 0.5, 0, -0.5, -1, -0.5}
	right := []float32{0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}
	stereo := &Clip{Channels: 2, SampleRate: 8000, Format: "pcm16"}
	for i := range left {
		stereo.Samples = append(stereo.Samples, left[i], right[i])
	}

	got := stereo.Resample(16000)
	wantLeft := Resample(left, 8000, 16000)
	wantRight := Resample(right, 8000, 16000)
	if got.Frames() != len(wantLeft) {
		t.Fatalf("Frames() = %d, want %d", got.Frames(), len(wantLeft))
	}
	for i := range wantLeft {
		if got.Samples[2*i] != wantLeft[i] || got.Samples[2*i+1] != wantRight[i] {
			t.Fatalf("frame %d = %v, %v, want %v, %v", i,
				got.Samples[2*i], got.Samples[2*i+1], wantLeft[i], wantRight[i])
		}
	}
	if want := []string{"resampled from 8000 Hz to 16000 Hz"}; !slices.Equal(got.Notes, want) {
		t.Errorf("Notes = %q, want %q", got.Notes, want)
	}
	if got.SampleRate != 16000 {
		t.Errorf("SampleRate = %d, want 16000", got.SampleRate)
	}
}
