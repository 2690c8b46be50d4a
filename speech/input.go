package speech

import (
	"fmt"

	"pipeline/audio"
	"pipeline/spectro"
)

// Model input geometry.
const (
	SampleRate    = 8000       // Hz
	WindowSamples = SampleRate // one second
	MelBands      = 40
	Frames        = 1 + WindowSamples/80 // centred frames at hop 80
)

// FeatureConfig returns the log-mel parameters of the model input.
func FeatureConfig() spectro.Config {
	c := spectro.Torchaudio(SampleRate)
	c.NFFT, c.HopLength, c.NMels, c.NMFCC = 256, 80, MelBands, 13
	return c
}

// Featurizer turns clips into model inputs. It keeps scratch space, so
// each goroutine needs its own.
type Featurizer struct {
	plan   *spectro.Plan
	logMel *spectro.Matrix
	window []float32
}

// NewFeaturizer returns a Featurizer for the model input.
func NewFeaturizer() *Featurizer {
	plan, err := spectro.NewPlan(FeatureConfig())
	if err != nil {
		panic(err) // FeatureConfig is valid; a failure is a programming error.
	}
	return &Featurizer{plan: plan, window: make([]float32, WindowSamples)}
}

// ClipInput writes the model input of a whole clip, MelBands×Frames values,
// into dst (allocated when nil) and returns it with notes on what was done:
// channels averaged, resampled to 8 kHz, padded or cropped to one second.
func (f *Featurizer) ClipInput(dst []float32, clip *audio.Clip) ([]float32, []string) {
	samples, notes := MonoAt8k(clip)
	return f.WindowInput(dst, samples, notes)
}

// WindowInput writes the model input of 8 kHz mono samples, centred in a
// one-second window: shorter input is padded with zeros on both sides,
// longer input keeps its middle second.
func (f *Featurizer) WindowInput(dst, samples []float32, notes []string) ([]float32, []string) {
	return f.ShiftedInput(dst, samples, 0, notes)
}

// ShiftedInput is WindowInput with the samples moved shift samples later
// in the window (earlier when negative), cut at the window's edges. It
// makes time-shifted copies of training clips.
func (f *Featurizer) ShiftedInput(dst, samples []float32, shift int,
	notes []string) ([]float32, []string) {
	n := len(samples)
	switch {
	case n < WindowSamples:
		notes = append(notes, fmt.Sprintf("padded from %d to %d samples", n, WindowSamples))
	case n > WindowSamples:
		notes = append(notes, fmt.Sprintf("cropped the middle %d of %d samples",
			WindowSamples, n))
	}
	clear(f.window)
	start := (WindowSamples-n)/2 + shift // window index of samples[0]
	for i := max(0, start); i < min(WindowSamples, start+n); i++ {
		f.window[i] = samples[i-start]
	}
	f.logMel = f.plan.LogMel(f.logMel, f.window)
	if dst == nil {
		dst = make([]float32, MelBands*Frames)
	}
	copy(dst, f.logMel.Data)
	return dst, append(notes, f.logMel.Notes...)
}

// MonoAt8k returns the clip's samples as mono at 8 kHz, with notes on what
// was changed.
func MonoAt8k(clip *audio.Clip) ([]float32, []string) {
	notes := append([]string(nil), clip.Notes...)
	samples := clip.Mono()
	if clip.Channels > 1 {
		notes = append(notes, fmt.Sprintf("averaged %d channels to mono", clip.Channels))
	}
	if clip.SampleRate != SampleRate {
		samples = audio.Resample(samples, clip.SampleRate, SampleRate)
		notes = append(notes, fmt.Sprintf("resampled from %d Hz to %d Hz",
			clip.SampleRate, SampleRate))
	}
	return samples, notes
}
