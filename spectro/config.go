package spectro

import (
	"errors"
	"fmt"
)

// Window is the taper applied to each frame.
type Window int

const (
	Hann        Window = iota // periodic Hann, 0.5 − 0.5·cos(2πn/N)
	Hamming                   // periodic Hamming, 0.54 − 0.46·cos(2πn/N)
	Rectangular               // all ones
)

// PadMode is the padding added beyond the ends of a centred clip.
type PadMode int

const (
	// Reflect mirrors the clip without repeating the edge sample, like
	// numpy's "reflect" and torch's reflect padding.
	Reflect PadMode = iota
	// Zero pads with zeros, librosa's "constant".
	Zero
)

// MelScale is the mapping between hertz and mels.
type MelScale int

const (
	HTK    MelScale = iota // 2595 · log10(1 + f/700)
	Slaney                 // linear below 1 kHz, logarithmic above
)

// MelNorm is the normalisation of the mel filters.
type MelNorm int

const (
	NoNorm     MelNorm = iota // triangles of height 1
	SlaneyNorm                // triangles of equal area
)

// LogScale is the logarithm applied to the mel spectrogram.
type LogScale int

const (
	Decibel    LogScale = iota // 10·log10(S), with AMin, Ref and TopDB
	NaturalLog                 // ln(S + LogOffset)
)

// Config holds every parameter of the features. The sample rate is always
// the clip's own (or the rate the clip was resampled to).
type Config struct {
	SampleRate int // Hz

	NFFT      int     // FFT size in samples; any size above 1
	WinLength int     // window length in samples, at most NFFT; 0 means NFFT
	HopLength int     // samples between frame starts
	Window    Window  // taper, centred in the NFFT samples when shorter
	Center    bool    // pad ⌊NFFT/2⌋ samples on each side
	PadMode   PadMode // padding added by Center
	Power     float64 // exponent of the magnitude: 2 power, 1 magnitude

	NMels    int      // mel bands
	FMin     float64  // lowest filter corner in Hz
	FMax     float64  // highest filter corner in Hz; 0 means SampleRate/2
	MelScale MelScale // HTK or Slaney
	MelNorm  MelNorm  // NoNorm or SlaneyNorm

	LogScale  LogScale // Decibel or NaturalLog
	AMin      float64  // floor of S before log10, Decibel only
	Ref       float64  // value that maps to 0 dB, Decibel only
	TopDB     float64  // dynamic range kept below the clip's maximum; 0 keeps all
	LogOffset float64  // added to S before ln, NaturalLog only

	NMFCC  int // cepstral coefficients kept, at most NMels
	Lifter int // cepstral lifter L; 0 means none
}

// Torchaudio returns the defaults of torchaudio 0.13's
// transforms.MelSpectrogram and transforms.MFCC (log_mels=False, so the
// mel power goes through AmplitudeToDB("power", top_db=80)) at the given
// sample rate: n_fft 400, hop 200, periodic Hann, reflect-padded centred
// frames, power 2, 128 HTK mel bands without normalisation, 40 MFCCs.
func Torchaudio(sampleRate int) Config {
	return Config{
		SampleRate: sampleRate,
		NFFT:       400, HopLength: 200, Window: Hann,
		Center: true, PadMode: Reflect, Power: 2,
		NMels: 128, MelScale: HTK, MelNorm: NoNorm,
		LogScale: Decibel, AMin: 1e-10, Ref: 1, TopDB: 80,
		NMFCC: 40,
	}
}

// Librosa returns the documented defaults of librosa 0.10's
// feature.melspectrogram, power_to_db and feature.mfcc at the given sample
// rate: n_fft 2048, hop 512, periodic Hann, zero-padded centred frames,
// power 2, 128 Slaney mel bands with Slaney normalisation, dB with ref 1,
// amin 1e-10 and top_db 80, 20 MFCCs.
func Librosa(sampleRate int) Config {
	return Config{
		SampleRate: sampleRate,
		NFFT:       2048, HopLength: 512, Window: Hann,
		Center: true, PadMode: Zero, Power: 2,
		NMels: 128, MelScale: Slaney, MelNorm: SlaneyNorm,
		LogScale: Decibel, AMin: 1e-10, Ref: 1, TopDB: 80,
		NMFCC: 20,
	}
}

// ErrInvalidConfig is wrapped by the errors of NewPlan.
var ErrInvalidConfig = errors.New("spectro: invalid config")

// Preset returns the named preset, "torchaudio" or "librosa", at the
// given sample rate.
func Preset(name string, sampleRate int) (Config, error) {
	switch name {
	case "torchaudio":
		return Torchaudio(sampleRate), nil
	case "librosa":
		return Librosa(sampleRate), nil
	}
	return Config{}, fmt.Errorf("%w: unknown preset %q, expected torchaudio or librosa",
		ErrInvalidConfig, name)
}

// withDefaults fills the fields whose zero value means "derive it".
func (c Config) withDefaults() Config {
	if c.WinLength == 0 {
		c.WinLength = c.NFFT
	}
	if c.FMax == 0 {
		c.FMax = float64(c.SampleRate) / 2
	}
	return c
}

func (c Config) validate() error {
	checks := []struct {
		bad     bool
		message string
	}{
		{c.SampleRate <= 0, fmt.Sprintf("sample rate %d Hz, expected above 0", c.SampleRate)},
		{c.NFFT < 2, fmt.Sprintf("n_fft %d, expected at least 2", c.NFFT)},
		{c.WinLength < 1 || c.WinLength > c.NFFT,
			fmt.Sprintf("win_length %d, expected 1 to n_fft %d", c.WinLength, c.NFFT)},
		{c.HopLength < 1, fmt.Sprintf("hop_length %d, expected at least 1", c.HopLength)},
		{c.Power <= 0, fmt.Sprintf("power %g, expected above 0", c.Power)},
		{c.NMels < 1, fmt.Sprintf("n_mels %d, expected at least 1", c.NMels)},
		{c.FMin < 0 || c.FMin >= c.FMax,
			fmt.Sprintf("f_min %g Hz and f_max %g Hz, expected 0 ≤ f_min < f_max", c.FMin, c.FMax)},
		{c.FMax > float64(c.SampleRate)/2,
			fmt.Sprintf("f_max %g Hz above the Nyquist rate %g Hz", c.FMax, float64(c.SampleRate)/2)},
		{c.LogScale == Decibel && c.AMin <= 0, fmt.Sprintf("amin %g, expected above 0", c.AMin)},
		{c.LogScale == Decibel && c.Ref <= 0, fmt.Sprintf("ref %g, expected above 0", c.Ref)},
		{c.TopDB < 0, fmt.Sprintf("top_db %g, expected 0 (none) or above", c.TopDB)},
		{c.LogScale == NaturalLog && c.LogOffset <= 0,
			fmt.Sprintf("log offset %g, expected above 0", c.LogOffset)},
		{c.NMFCC < 0 || c.NMFCC > c.NMels,
			fmt.Sprintf("n_mfcc %d, expected 0 to n_mels %d", c.NMFCC, c.NMels)},
		{c.Lifter < 0, fmt.Sprintf("lifter %d, expected 0 (none) or above", c.Lifter)},
	}
	for _, check := range checks {
		if check.bad {
			return fmt.Errorf("%w: %s", ErrInvalidConfig, check.message)
		}
	}
	return nil
}
