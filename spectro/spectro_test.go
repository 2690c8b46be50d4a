package spectro

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// naiveDFT is the defining sum, the reference for realFFT.
func naiveDFT(x []float64) []complex128 {
	n := len(x)
	out := make([]complex128, n/2+1)
	for k := range out {
		var sum complex128
		for t, v := range x {
			sum += complex(v, 0) * cmplx.Rect(1, -2*math.Pi*float64(k*t%n)/float64(n))
		}
		out[k] = sum
	}
	return out
}

func TestRealFFTMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{2, 3, 4, 5, 8, 16, 100, 256, 400, 512, 2048} {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.Float64()*2 - 1
		}
		want := naiveDFT(x)
		tol := 1e-10 * float64(n)

		fft := newRealFFT(n)
		got := make([]complex128, n/2+1)
		fft.coefficients(got, x)
		powers := make([]float64, n/2+1)
		ones := makeWindow(Rectangular, n, n)
		fft.powers(powers, x, ones, make([]complex128, n/2+1))
		for k := range want {
			if cmplx.Abs(got[k]-want[k]) > tol {
				t.Errorf("n=%d: X[%d] = %v, DFT %v", n, k, got[k], want[k])
				break
			}
			power := real(want[k])*real(want[k]) + imag(want[k])*imag(want[k])
			if math.Abs(powers[k]-power) > tol*(1+power) {
				t.Errorf("n=%d: |X[%d]|² = %v, DFT %v", n, k, powers[k], power)
				break
			}
		}
	}
}

func TestFrameCount(t *testing.T) {
	tests := []struct {
		name    string
		nfft    int
		center  bool
		samples int
		want    int
	}{
		{"centred", 256, true, 4000, 1 + 4000/80},
		// torch.stft pads ⌊n_fft/2⌋ per side, one sample less than n_fft
		// in all when n_fft is odd.
		{"centred odd n_fft", 255, true, 4000, 1 + 3999/80},
		{"centred odd n_fft short", 255, true, 0, 1},
		{"centred empty", 256, true, 0, 1},
		{"not centred", 256, false, 4000, 1 + (4000-256)/80},
		{"not centred exact", 256, false, 256, 1},
		{"not centred short", 256, false, 100, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fsddConfig()
			c.NFFT, c.Center = tt.nfft, tt.center
			plan := mustPlan(t, c)
			if got := plan.Frames(tt.samples); got != tt.want {
				t.Errorf("Frames(%d) = %d, want %d", tt.samples, got, tt.want)
			}
			logMel := plan.LogMel(nil, make([]float32, tt.samples))
			if logMel.Cols != tt.want {
				t.Errorf("LogMel has %d frames, want %d", logMel.Cols, tt.want)
			}
		})
	}
}

func mustPlan(t *testing.T, c Config) *Plan {
	t.Helper()
	plan, err := NewPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	return plan
}

// A silent clip has power 0 everywhere, so every band is the floor
// 10·log10(AMin) = −100 dB and the MFCCs are the DCT of a constant.
func TestSilentClipFinite(t *testing.T) {
	for _, preset := range []string{"torchaudio", "librosa"} {
		c, err := Preset(preset, 8000)
		if err != nil {
			t.Fatal(err)
		}
		logMel, mfcc := mustPlan(t, c).Features(nil, nil, make([]float32, 4000))
		for i, v := range logMel.Data {
			if v != -100 {
				t.Fatalf("%s: log-mel value %d = %v, want -100", preset, i, v)
			}
		}
		c0 := -100 * math.Sqrt(float64(c.NMels))
		if got := mfcc.At(0, 0); math.Abs(float64(got)-c0) > 1e-3 {
			t.Errorf("%s: MFCC c0 = %v, want −100·√NMels = %v", preset, got, c0)
		}
		for i, v := range mfcc.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s: MFCC value %d = %v", preset, i, v)
			}
		}
	}
}

func TestShortClipNotes(t *testing.T) {
	tests := []struct {
		name    string
		center  bool
		pad     PadMode
		samples int
		want    []string
	}{
		{"reflected", true, Reflect, 200, []string{"clip of 200 samples is shorter than n_fft 256"}},
		{"too short to reflect", true, Reflect, 100, []string{
			"clip of 100 samples is shorter than n_fft 256",
			"zero-padded instead of reflected: reflection needs more than 128 samples"}},
		{"zero padded", true, Zero, 100, []string{"clip of 100 samples is shorter than n_fft 256"}},
		{"not centred", false, Reflect, 100, []string{
			"clip of 100 samples is shorter than n_fft 256", "zero-padded at the end to n_fft 256"}},
		{"long enough", true, Reflect, 256, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fsddConfig()
			c.Center, c.PadMode = tt.center, tt.pad
			x := make([]float32, tt.samples)
			for i := range x {
				x[i] = float32(math.Sin(float64(i)))
			}
			logMel, mfcc := mustPlan(t, c).Features(nil, nil, x)
			if !slices.Equal(logMel.Notes, tt.want) {
				t.Errorf("log-mel notes = %q, want %q", logMel.Notes, tt.want)
			}
			if !slices.Equal(mfcc.Notes, tt.want) {
				t.Errorf("MFCC notes = %q, want %q", mfcc.Notes, tt.want)
			}
		})
	}
}

// Reference values from torchaudio 0.13's _hz_to_mel: HTK is
// 2595·log10(1 + f/700), and on the Slaney scale 1 kHz is 15 mels and
// 6.4 kHz is 15 + 27 = 42 mels.
func TestMelScales(t *testing.T) {
	tests := []struct {
		name  string
		scale MelScale
		hz    float64
		mel   float64
	}{
		{"htk 700 Hz", HTK, 700, 2595 * math.Log10(2)},
		{"htk 4 kHz", HTK, 4000, 2146.0645275},
		{"slaney 500 Hz", Slaney, 500, 7.5},
		{"slaney 1 kHz", Slaney, 1000, 15},
		{"slaney 6.4 kHz", Slaney, 6400, 42},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hzToMel(tt.hz, tt.scale); math.Abs(got-tt.mel) > 1e-4 {
				t.Errorf("hzToMel(%g) = %.6f, want %.6f", tt.hz, got, tt.mel)
			}
			if got := melToHz(tt.mel, tt.scale); math.Abs(got-tt.hz) > 1e-3 {
				t.Errorf("melToHz(%g) = %.6f, want %.6f", tt.mel, got, tt.hz)
			}
		})
	}
}

// Slaney-normalised filters have area 1 in Hz·(weight), so with bins of
// sampleRate/nfft Hz their weights sum to about nfft/sampleRate.
func TestSlaneyNormArea(t *testing.T) {
	c := withFSDDSizes(Librosa(8000))
	c.NFFT = 2048
	for m, filter := range melFilterBank(c) {
		var sum float64
		for _, w := range filter.weights {
			sum += w
		}
		area := sum * 8000 / 2048
		if math.Abs(area-1) > 0.05 {
			t.Errorf("filter %d has area %.3f, want about 1", m, area)
		}
	}
}

func TestWindows(t *testing.T) {
	tests := []struct {
		name      string
		kind      Window
		winLength int
		nfft      int
		want      []float64
	}{
		{"periodic hann", Hann, 4, 4, []float64{0, 0.5, 1, 0.5}},
		{"periodic hamming", Hamming, 4, 4, []float64{0.08, 0.54, 1, 0.54}},
		{"rectangular", Rectangular, 3, 3, []float64{1, 1, 1}},
		{"hann centred in n_fft", Hann, 4, 8, []float64{0, 0, 0, 0.5, 1, 0.5, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := makeWindow(tt.kind, tt.winLength, tt.nfft)
			for i := range tt.want {
				if math.Abs(got[i]-tt.want[i]) > 1e-12 {
					t.Errorf("window = %v, want %v", got, tt.want)
					break
				}
			}
		})
	}
}

// A magnitude spectrogram is the square root of the power spectrogram.
func TestMagnitudeSpectrogram(t *testing.T) {
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(math.Sin(2 * math.Pi * 440 * float64(i) / 8000))
	}
	c := fsddConfig()
	power := mustPlan(t, c).Spectrogram(nil, x)
	c.Power = 1
	magnitude := mustPlan(t, c).Spectrogram(nil, x)
	if power.Rows != 129 || power.Cols != 13 {
		t.Fatalf("spectrogram is %d×%d, want 129×13", power.Rows, power.Cols)
	}
	for i, p := range power.Data {
		want := math.Sqrt(float64(p))
		if math.Abs(float64(magnitude.Data[i])-want) > 1e-4*(1+want) {
			t.Fatalf("magnitude %d = %v, want √%v", i, magnitude.Data[i], p)
		}
	}
}

func TestNaturalLogMel(t *testing.T) {
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(math.Sin(float64(i) * 0.3))
	}
	c := fsddConfig()
	c.LogScale, c.LogOffset = NaturalLog, 1e-6
	plan := mustPlan(t, c)
	mel := plan.Mel(nil, x)
	logMel := plan.LogMel(nil, x)
	for i, v := range mel.Data {
		want := math.Log(float64(v) + 1e-6)
		if math.Abs(float64(logMel.Data[i])-want) > 1e-4 {
			t.Fatalf("log-mel %d = %v, want ln(%v + 1e-6) = %v", i, logMel.Data[i], v, want)
		}
	}
}

// The deltas of a ramp are its slope except within (width−1)/2 frames of
// the edges, where replicated edge values flatten the ramp.
func TestDeltasOfRamp(t *testing.T) {
	src := &Matrix{Rows: 1, Cols: 6, Data: []float32{0, 1, 2, 3, 4, 5}}
	got := Deltas(nil, src, 5).Data
	// torchaudio 0.13 compute_deltas(torch.arange(6.)[None], win_length=5).
	want := []float32{0.5, 0.8, 1, 1, 0.8, 0.5}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Errorf("deltas = %v, want %v", got, want)
			break
		}
	}
}

func TestLifter(t *testing.T) {
	plain := dctMatrix(4, 8, 0)
	liftered := dctMatrix(4, 8, 22)
	for k := range 4 {
		lift := 1 + 11*math.Sin(math.Pi*float64(k+1)/22)
		if got := liftered[k*8+1] / plain[k*8+1]; math.Abs(got-lift) > 1e-12 {
			t.Errorf("row %d scaled by %v, want %v", k, got, lift)
		}
	}
}

func TestInvalidConfigs(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"zero rate", func(c *Config) { c.SampleRate = 0 }, "sample rate 0 Hz"},
		{"window longer than fft", func(c *Config) { c.WinLength = 512 }, "win_length 512"},
		{"zero hop", func(c *Config) { c.HopLength = 0 }, "hop_length 0"},
		{"f_max above nyquist", func(c *Config) { c.FMax = 5000 }, "above the Nyquist rate"},
		{"too many mfccs", func(c *Config) { c.NMFCC = 41 }, "n_mfcc 41"},
		{"no log offset", func(c *Config) { c.LogScale = NaturalLog }, "log offset 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := fsddConfig()
			tt.change(&c)
			_, err := NewPlan(c)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v does not wrap ErrInvalidConfig", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
	if _, err := Preset("kaldi", 8000); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Preset(kaldi) error = %v, want ErrInvalidConfig", err)
	}
}

// Computing the features of a clip into reused matrices allocates nothing.
func TestFeaturesReuseAllocations(t *testing.T) {
	plan := mustPlan(t, fsddConfig())
	x := make([]float32, 4000)
	logMel, mfcc := plan.Features(nil, nil, x)
	allocs := testing.AllocsPerRun(10, func() {
		plan.Features(logMel, mfcc, x[:3000])
	})
	if allocs != 0 {
		t.Errorf("Features allocated %v times per clip, want 0", allocs)
	}
}
