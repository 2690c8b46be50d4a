package audio

import "math"

// Resampler parameters of torchaudio.functional.resample (torchaudio 0.13).
const (
	lowpassFilterWidth = 6    // zero crossings of the sinc on each side
	rolloff            = 0.99 // cutoff as a fraction of the lower Nyquist rate
	maxKernelTaps      = 1 << 20
)

// Resample converts x, one channel sampled at from Hz, to the rate to Hz
// by band-limited interpolation, the method and defaults of torchaudio
// 0.13's functional.resample (sinc_interp_hann, lowpass_filter_width 6,
// rolloff 0.99). With f = from/g, t = to/g for g = gcd(from, to), and
// b = rolloff·min(f, t), output sample j is
//
//	y[j] = Σ_i x[i] · (b/f) · sinc(u) · cos²(πu / 12),  u = b·(i/f − j/t)
//
// where sinc(u) = sin(πu)/(πu) and terms with |u| > 6 are zero. Samples
// outside x count as zero. The output has ⌈len(x)·t/f⌉ samples. When the
// rates are equal, Resample returns x itself. It panics when either rate
// is not positive.
func Resample(x []float32, from, to int) []float32 {
	if from <= 0 || to <= 0 {
		panic("audio: Resample needs positive sample rates")
	}
	if from == to {
		return x
	}
	return newResampler(from, to).apply(x)
}

// resampler holds the filter taps for one pair of rates. Output sample
// j = k·t + p uses the input window starting at k·f − width with the taps
// of phase p.
type resampler struct {
	from, to int // rates divided by their gcd
	width    int // input samples on each side of the window
	base     float64
	taps     [][]float64 // [phase][2·width + from], nil when too large
}

func newResampler(fromRate, toRate int) *resampler {
	g := gcd(fromRate, toRate)
	r := &resampler{from: fromRate / g, to: toRate / g}
	r.base = rolloff * float64(min(r.from, r.to))
	r.width = int(math.Ceil(lowpassFilterWidth * float64(r.from) / r.base))

	size := 2*r.width + r.from
	if r.to*size > maxKernelTaps {
		return r
	}
	r.taps = make([][]float64, r.to)
	for p := range r.taps {
		r.taps[p] = make([]float64, size)
		for m := range r.taps[p] {
			r.taps[p][m] = r.tap(m-r.width, p)
		}
	}
	return r
}

// tap returns the weight of input offset m (relative to k·f) for phase p.
func (r *resampler) tap(m, p int) float64 {
	u := r.base * (float64(m)/float64(r.from) - float64(p)/float64(r.to))
	if u < -lowpassFilterWidth || u > lowpassFilterWidth {
		return 0
	}
	window := math.Cos(math.Pi * u / (2 * lowpassFilterWidth))
	weight := window * window * r.base / float64(r.from)
	if u == 0 {
		return weight
	}
	return weight * math.Sin(math.Pi*u) / (math.Pi * u)
}

func (r *resampler) apply(x []float32) []float32 {
	n := int((int64(len(x))*int64(r.to) + int64(r.from) - 1) / int64(r.from))
	y := make([]float32, n)
	size := 2*r.width + r.from
	for j := range y {
		k, p := j/r.to, j%r.to
		start := k*r.from - r.width
		var sum float64
		for m := range size {
			i := start + m
			if i < 0 || i >= len(x) {
				continue
			}
			if r.taps != nil {
				sum += float64(x[i]) * r.taps[p][m]
			} else {
				sum += float64(x[i]) * r.tap(m-r.width, p)
			}
		}
		y[j] = float32(sum)
	}
	return y
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
