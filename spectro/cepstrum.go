package spectro

import "math"

// logInPlace applies the configured logarithm to the mel bands of a clip.
// Decibels are 10·log10 whatever Power is, as torchaudio 0.13's MFCC and
// librosa's mfcc compute them, and are clipped at TopDB below the maximum
// over the whole clip, as torchaudio's amplitude_to_DB does for a
// single-channel spectrogram and librosa's power_to_db does.
func (p *Plan) logInPlace(mel []float64) {
	c := p.config
	if c.LogScale == NaturalLog {
		for i, v := range mel {
			mel[i] = math.Log(v + c.LogOffset)
		}
		return
	}

	offset := 10 * math.Log10(max(c.AMin, c.Ref))
	peak := math.Inf(-1)
	for i, v := range mel {
		mel[i] = 10*math.Log10(max(c.AMin, v)) - offset
		peak = max(peak, mel[i])
	}
	if c.TopDB == 0 {
		return
	}
	floor := peak - c.TopDB
	for i, v := range mel {
		mel[i] = max(v, floor)
	}
}

// dctMatrix returns the orthonormal DCT-II matrix, coefficients × bands,
// with each row multiplied by the lifter 1 + (L/2)·sin(π(k+1)/L) when
// lifter L is above 0.
func dctMatrix(coefficients, bands, lifter int) []float64 {
	matrix := make([]float64, coefficients*bands)
	for k := range coefficients {
		scale := math.Sqrt(2 / float64(bands))
		if k == 0 {
			scale = math.Sqrt(1 / float64(bands))
		}
		if lifter > 0 {
			l := float64(lifter)
			scale *= 1 + l/2*math.Sin(math.Pi*float64(k+1)/l)
		}
		for n := range bands {
			angle := math.Pi / float64(bands) * (float64(n) + 0.5) * float64(k)
			matrix[k*bands+n] = scale * math.Cos(angle)
		}
	}
	return matrix
}

// cepstrum writes the DCT of the log-mel bands in p.mel into dst, which
// has NMFCC rows and one column per frame. It sums band by band over whole
// rows, so the inner loop reads memory in order.
func (p *Plan) cepstrum(dst *Matrix) {
	bands, frames := len(p.filters), dst.Cols
	p.sums = resize(p.sums, frames)
	for k := range dst.Rows {
		clear(p.sums)
		for n, w := range p.dct[k*bands : (k+1)*bands] {
			band := p.mel[n*frames : (n+1)*frames]
			for t, v := range band {
				p.sums[t] += w * v
			}
		}
		out := dst.Row(k)
		for t, v := range p.sums {
			out[t] = float32(v)
		}
	}
}

// Deltas writes the time derivative of each row of src into dst and
// returns it; a nil dst allocates, and dst must not be src. It uses torchaudio's compute_deltas
// formula with replicated edges, for n = (width−1)/2:
//
//	d[t] = Σ_{i=1..n} i · (x[t+i] − x[t−i]) / (2 · Σ_{i=1..n} i²)
//
// An even width acts as width − 1, as in compute_deltas. Deltas panics
// when width is below 3, which compute_deltas also rejects, and when dst
// is src.
func Deltas(dst, src *Matrix, width int) *Matrix {
	if width < 3 {
		panic("spectro: Deltas needs a width of at least 3")
	}
	if dst == src {
		panic("spectro: Deltas cannot write into its source")
	}
	n := (width - 1) / 2
	denominator := float64(n*(n+1)*(2*n+1)) / 3
	dst = reshape(dst, src.Rows, src.Cols)
	dst.Notes = append(dst.Notes, src.Notes...)
	last := src.Cols - 1
	for r := range src.Rows {
		in, out := src.Row(r), dst.Row(r)
		for t := range out {
			var sum float64
			for i := 1; i <= n; i++ {
				sum += float64(i) * (float64(in[min(t+i, last)]) - float64(in[max(t-i, 0)]))
			}
			out[t] = float32(sum / denominator)
		}
	}
	return dst
}
