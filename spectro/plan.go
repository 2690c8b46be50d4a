package spectro

import (
	"fmt"
	"math"
)

// Plan computes the features of one Config. It precomputes the window, the
// FFT, the mel filter bank and the DCT matrix, and keeps scratch buffers.
// A Plan is therefore not safe for concurrent use: make one per goroutine.
type Plan struct {
	config  Config
	window  []float64 // NFFT samples
	fft     *realFFT
	filters []melFilter // NMels
	dct     []float64   // NMFCC × NMels, lifter included

	// Scratch buffers reused from clip to clip.
	padded []float64    // the padded clip
	coeffs []complex128 // NFFT/2 + 1 FFT coefficients
	power  []float64    // NFFT/2 + 1 bins of one frame
	mel    []float64    // NMels × frames of the current clip
	sums   []float64    // one value per frame, for the DCT
}

// NewPlan checks c and precomputes what every clip needs. The error wraps
// ErrInvalidConfig.
func NewPlan(c Config) (*Plan, error) {
	c = c.withDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	bins := c.NFFT/2 + 1
	return &Plan{
		config:  c,
		window:  makeWindow(c.Window, c.WinLength, c.NFFT),
		fft:     newRealFFT(c.NFFT),
		filters: melFilterBank(c),
		dct:     dctMatrix(c.NMFCC, c.NMels, c.Lifter),
		coeffs:  make([]complex128, bins),
		power:   make([]float64, bins),
	}, nil
}

// Config returns the configuration of p with derived defaults filled in.
func (p *Plan) Config() Config { return p.config }

// Frames returns the number of frames of a clip of n samples: 1 + ⌊(L −
// NFFT)/HopLength⌋ for the padded length L, and 1 when L is below NFFT.
func (p *Plan) Frames(n int) int {
	c := p.config
	length := n
	if c.Center {
		length += 2 * (c.NFFT / 2)
	}
	if length < c.NFFT {
		return 1
	}
	return 1 + (length-c.NFFT)/c.HopLength
}

// pad fills p.padded with the clip, padded as configured, and returns
// notes on padding that a reader should know about.
func (p *Plan) pad(x []float32) []string {
	c := p.config
	var notes []string
	if len(x) < c.NFFT {
		notes = append(notes, fmt.Sprintf("clip of %d samples is shorter than n_fft %d",
			len(x), c.NFFT))
	}

	side := 0
	if c.Center {
		side = c.NFFT / 2
	}
	length := max(len(x)+2*side, c.NFFT)
	p.padded = resize(p.padded, length)
	clear(p.padded)
	for i, v := range x {
		p.padded[side+i] = float64(v)
	}

	switch {
	case !c.Center && len(x) < c.NFFT:
		notes = append(notes, fmt.Sprintf("zero-padded at the end to n_fft %d", c.NFFT))
	case c.Center && c.PadMode == Reflect && len(x) <= side:
		notes = append(notes, fmt.Sprintf("zero-padded instead of reflected: "+
			"reflection needs more than %d samples", side))
	case c.Center && c.PadMode == Reflect:
		for i := 1; i <= side; i++ {
			p.padded[side-i] = float64(x[i])
			p.padded[side+len(x)-1+i] = float64(x[len(x)-1-i])
		}
	}
	return notes
}

// spectrumFrame computes |FFT|^Power of frame t of the padded clip into
// p.power.
func (p *Plan) spectrumFrame(t int) {
	c := p.config
	start := t * c.HopLength
	p.fft.powers(p.power, p.padded[start:start+len(p.window)], p.window, p.coeffs)

	switch c.Power {
	case 2:
	case 1:
		for k, v := range p.power {
			p.power[k] = math.Sqrt(v)
		}
	default:
		for k, v := range p.power {
			p.power[k] = math.Pow(v, c.Power/2)
		}
	}
}

// Spectrogram writes |STFT|^Power of x, NFFT/2+1 bins by Frames(len(x)),
// into dst and returns it; a nil dst allocates.
func (p *Plan) Spectrogram(dst *Matrix, x []float32) *Matrix {
	notes := p.pad(x)
	frames := p.Frames(len(x))
	dst = reshape(dst, len(p.power), frames)
	dst.Notes = append(dst.Notes, notes...)
	for t := range frames {
		p.spectrumFrame(t)
		for k, v := range p.power {
			dst.Data[k*frames+t] = float32(v)
		}
	}
	return dst
}

// melSpectrogram computes the mel bands of x into p.mel (NMels × frames,
// float64) and returns the frame count and the padding notes.
func (p *Plan) melSpectrogram(x []float32) (int, []string) {
	notes := p.pad(x)
	frames := p.Frames(len(x))
	p.mel = resize(p.mel, len(p.filters)*frames)
	for t := range frames {
		p.spectrumFrame(t)
		for m, filter := range p.filters {
			var sum float64
			for i, w := range filter.weights {
				sum += w * p.power[filter.first+i]
			}
			p.mel[m*frames+t] = sum
		}
	}
	return frames, notes
}

// Mel writes the mel spectrogram of x, NMels bands by Frames(len(x)), into
// dst and returns it; a nil dst allocates.
func (p *Plan) Mel(dst *Matrix, x []float32) *Matrix {
	frames, notes := p.melSpectrogram(x)
	dst = reshape(dst, len(p.filters), frames)
	dst.Notes = append(dst.Notes, notes...)
	for i, v := range p.mel {
		dst.Data[i] = float32(v)
	}
	return dst
}

// LogMel writes the log-mel spectrogram of x, NMels bands by
// Frames(len(x)), into dst and returns it; a nil dst allocates. The
// logarithm is decibels or natural, as configured.
func (p *Plan) LogMel(dst *Matrix, x []float32) *Matrix {
	dst, _ = p.Features(dst, nil, x)
	return dst
}

// MFCC writes the NMFCC cepstral coefficients of x by Frames(len(x)) into
// dst and returns it; a nil dst allocates.
func (p *Plan) MFCC(dst *Matrix, x []float32) *Matrix {
	_, dst = p.Features(nil, dst, x)
	return dst
}

// Features computes the log-mel spectrogram and the MFCCs of x from one
// STFT. Either destination may be nil, which allocates it; both results are
// returned.
func (p *Plan) Features(logMel, mfcc *Matrix, x []float32) (*Matrix, *Matrix) {
	frames, notes := p.melSpectrogram(x)
	p.logInPlace(p.mel)

	logMel = reshape(logMel, len(p.filters), frames)
	logMel.Notes = append(logMel.Notes, notes...)
	for i, v := range p.mel {
		logMel.Data[i] = float32(v)
	}

	mfcc = reshape(mfcc, p.config.NMFCC, frames)
	mfcc.Notes = append(mfcc.Notes, notes...)
	p.cepstrum(mfcc)
	return logMel, mfcc
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
