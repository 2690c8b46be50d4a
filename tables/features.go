package tables

import (
	"fmt"

	"pipeline/spectro"
)

// FeatureRow is one row of an audio feature data set: the log-mel
// spectrogram or the MFCCs of one whole clip, the parameters that made
// them and what the file name says about the clip. Values holds Shape[0]
// bins (mel bands or coefficients) by Shape[1] frames, row-major, the
// layout of torchaudio's (n_mels, time) tensors.
type FeatureRow struct {
	Source     string  `parquet:"source"`                // path of the WAV file
	Label      *int32  `parquet:"label,optional"`        // digit spoken; null if the name has none
	Speaker    *string `parquet:"speaker,optional,dict"` // speaker; null if the name has none
	SampleRate int32   `parquet:"sample_rate"`           // Hz of the samples the features used
	DurationMs float64 `parquet:"duration_ms"`           // length of the clip as decoded
	Feature    string  `parquet:"feature,dict"`          // "logmel" or "mfcc"

	FeatureParams

	Shape  []int32   `parquet:"shape,list"`  // [bins, frames]
	Values []float32 `parquet:"values,list"` // bins × frames, row-major
	Notes  []string  `parquet:"notes,list"`  // decoding, resampling and padding notes
}

// FeatureParams are the parameters of spectro.Config as columns, named as
// in torchaudio and librosa. Columns that do not apply to a row are null:
// n_mfcc and lifter for log-mel rows, amin, ref and top_db for natural
// logarithms, log_offset for decibels.
type FeatureParams struct {
	Preset    string   `parquet:"preset,dict"`         // preset the parameters started from
	NFFT      int32    `parquet:"n_fft"`               // FFT size in samples
	WinLength int32    `parquet:"win_length"`          // window length in samples
	HopLength int32    `parquet:"hop_length"`          // samples between frame starts
	Window    string   `parquet:"window,dict"`         // "hann", "hamming" or "rectangular"
	Center    bool     `parquet:"center"`              // frames centred by padding n_fft/2
	PadMode   string   `parquet:"pad_mode,dict"`       // "reflect" or "constant" (zeros)
	Power     float64  `parquet:"power"`               // exponent of the magnitude
	NMels     int32    `parquet:"n_mels"`              // mel bands
	FMin      float64  `parquet:"f_min"`               // Hz
	FMax      float64  `parquet:"f_max"`               // Hz
	MelScale  string   `parquet:"mel_scale,dict"`      // "htk" or "slaney"
	MelNorm   *string  `parquet:"mel_norm,optional"`   // "slaney", or null for none
	LogScale  string   `parquet:"log_scale,dict"`      // "db" (10·log10) or "ln"
	AMin      *float64 `parquet:"amin,optional"`       // floor before log10
	Ref       *float64 `parquet:"ref,optional"`        // value that maps to 0 dB
	TopDB     *float64 `parquet:"top_db,optional"`     // dB kept below the maximum; null keeps all
	LogOffset *float64 `parquet:"log_offset,optional"` // added before ln
	NMFCC     *int32   `parquet:"n_mfcc,optional"`     // coefficients kept
	Lifter    *int32   `parquet:"lifter,optional"`     // cepstral lifter; 0 means none
}

// Values of the feature column.
const (
	LogMel = "logmel"
	MFCC   = "mfcc"
)

// NewFeatureParams returns the columns for features computed with c,
// which should be the Config of the spectro.Plan that ran, so that derived
// values such as f_max are filled in. The preset names the preset that c
// started from. NewFeatureParams panics when feature is neither LogMel nor
// MFCC.
func NewFeatureParams(feature, preset string, c spectro.Config) FeatureParams {
	if feature != LogMel && feature != MFCC {
		panic(fmt.Sprintf("tables: unknown feature %q", feature))
	}
	p := FeatureParams{
		Preset:    preset,
		NFFT:      int32(c.NFFT),
		WinLength: int32(c.WinLength),
		HopLength: int32(c.HopLength),
		Window:    windowName(c.Window),
		Center:    c.Center,
		PadMode:   padModeName(c.PadMode),
		Power:     c.Power,
		NMels:     int32(c.NMels),
		FMin:      c.FMin,
		FMax:      c.FMax,
		MelScale:  melScaleName(c.MelScale),
	}
	if c.MelNorm == spectro.SlaneyNorm {
		p.MelNorm = ptr("slaney")
	}
	setLogParams(&p, c)
	if feature == MFCC {
		p.NMFCC = ptr(int32(c.NMFCC))
		p.Lifter = ptr(int32(c.Lifter))
	}
	return p
}

func setLogParams(p *FeatureParams, c spectro.Config) {
	if c.LogScale == spectro.NaturalLog {
		p.LogScale = "ln"
		p.LogOffset = ptr(c.LogOffset)
		return
	}
	p.LogScale = "db"
	p.AMin = ptr(c.AMin)
	p.Ref = ptr(c.Ref)
	if c.TopDB > 0 {
		p.TopDB = ptr(c.TopDB)
	}
}

func windowName(w spectro.Window) string {
	switch w {
	case spectro.Hann:
		return "hann"
	case spectro.Hamming:
		return "hamming"
	case spectro.Rectangular:
		return "rectangular"
	}
	return fmt.Sprintf("window(%d)", int(w))
}

func padModeName(m spectro.PadMode) string {
	switch m {
	case spectro.Reflect:
		return "reflect"
	case spectro.Zero:
		return "constant"
	}
	return fmt.Sprintf("pad_mode(%d)", int(m))
}

func melScaleName(s spectro.MelScale) string {
	switch s {
	case spectro.HTK:
		return "htk"
	case spectro.Slaney:
		return "slaney"
	}
	return fmt.Sprintf("mel_scale(%d)", int(s))
}

func ptr[T any](v T) *T { return &v }
