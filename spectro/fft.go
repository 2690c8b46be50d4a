package spectro

import (
	"math"
	"math/bits"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// realFFT computes the first n/2+1 DFT coefficients of a real sequence of
// length n. For powers of two from 8 up it packs the sequence into a
// complex sequence of n/2 points, runs an iterative radix-2 FFT on it and
// separates the spectra (the "two for one" method of Numerical Recipes,
// section 12.3). Other sizes use gonum's FFTPACK port, which is about three
// times slower at n = 256 (BenchmarkFFT256).
type realFFT struct {
	n        int
	general  *fourier.FFT // nil for powers of two
	windowed []float64    // n samples of scratch for general

	bitReversed []int // n/2 indices in bit-reversed order
	// stageTwiddles[s/2+j] = e^(−2πij/s) for the pass over blocks of size s,
	// so that each pass reads its twiddles in order.
	stageTwiddles []complex128
	unpack        []complex128 // e^(−2πik/n), k ≤ n/2
	packed        []complex128 // scratch, n/2 points
}

func newRealFFT(n int) *realFFT {
	if n < 8 || n&(n-1) != 0 {
		return &realFFT{n: n, general: fourier.NewFFT(n), windowed: make([]float64, n)}
	}
	half := n / 2
	f := &realFFT{
		n:             n,
		bitReversed:   make([]int, half),
		stageTwiddles: make([]complex128, half),
		unpack:        make([]complex128, half+1),
		packed:        make([]complex128, half),
	}
	shift := bits.UintSize - bits.Len(uint(half-1))
	for i := range f.bitReversed {
		f.bitReversed[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	for size := 2; size <= half; size *= 2 {
		for j := range size / 2 {
			f.stageTwiddles[size/2+j] = cmplx.Rect(1, -2*math.Pi*float64(j)/float64(size))
		}
	}
	for k := range f.unpack {
		f.unpack[k] = cmplx.Rect(1, -2*math.Pi*float64(k)/float64(n))
	}
	return f
}

// coefficients writes X[k] = Σ_t x[t]·e^(−2πik/n), k = 0 … n/2, into dst.
func (f *realFFT) coefficients(dst []complex128, x []float64) {
	if f.general != nil {
		f.general.Coefficients(dst, x)
		return
	}
	f.transformPacked(x)

	// Z = FFT(x_even + i·x_odd); X[k] = E[k] + e^(−2πik/n)·O[k] with
	// E[k] = (Z[k] + conj Z[m−k])/2 and O[k] = (Z[k] − conj Z[m−k])/(2i).
	half := len(f.packed)
	z0 := f.packed[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[half] = complex(real(z0)-imag(z0), 0)
	for k := 1; k < half; k++ {
		a, b := f.packed[k], cmplx.Conj(f.packed[half-k])
		even := (a + b) * 0.5
		odd := (a - b) * complex(0, -0.5)
		dst[k] = even + f.unpack[k]*odd
	}
}

// powers writes |X[k]|², k = 0 … n/2, of the sequence x·window into dst.
// It skips the complex coefficients that coefficients would store, and
// applies the window while packing so the windowed frame is never stored.
// coeffs is scratch space for sizes that are not powers of two.
func (f *realFFT) powers(dst, x, window []float64, coeffs []complex128) {
	if f.general != nil {
		for i, w := range window {
			f.windowed[i] = x[i] * w
		}
		f.general.Coefficients(coeffs, f.windowed)
		for k, z := range coeffs {
			dst[k] = real(z)*real(z) + imag(z)*imag(z)
		}
		return
	}
	x, window = x[:f.n], window[:f.n]
	for i, j := range f.bitReversed {
		f.packed[i] = complex(x[2*j]*window[2*j], x[2*j+1]*window[2*j+1])
	}
	f.butterflies()

	half := len(f.packed)
	z0 := f.packed[0]
	dst[0] = (real(z0) + imag(z0)) * (real(z0) + imag(z0))
	dst[half] = (real(z0) - imag(z0)) * (real(z0) - imag(z0))
	packed, unpack := f.packed[:half], f.unpack[:half]
	for k := 1; k < half; k++ {
		a, b := packed[k], cmplx.Conj(packed[half-k])
		even := (a + b) * 0.5
		odd := (a - b) * complex(0, -0.5)
		z := even + unpack[k]*odd
		dst[k] = real(z)*real(z) + imag(z)*imag(z)
	}
}

// transformPacked runs the complex FFT of x_even + i·x_odd into f.packed.
func (f *realFFT) transformPacked(x []float64) {
	x = x[:f.n]
	for i, j := range f.bitReversed {
		f.packed[i] = complex(x[2*j], x[2*j+1])
	}
	f.butterflies()
}

// butterflies runs the radix-2 decimation-in-time passes on f.packed,
// which holds its input in bit-reversed order.
func (f *realFFT) butterflies() {
	data := f.packed
	half := len(data)

	// The first two passes multiply only by 1 and −i, so they are done
	// together without twiddles.
	for start := 0; start+3 < half; start += 4 {
		block := data[start : start+4]
		a, b := block[0]+block[1], block[0]-block[1]
		c, d := block[2]+block[3], block[2]-block[3]
		d = complex(imag(d), -real(d))
		block[0], block[2] = a+c, a-c
		block[1], block[3] = b+d, b-d
	}

	size := 8
	for ; 2*size <= half; size *= 4 {
		f.passPair(size)
	}
	if size <= half {
		f.pass(size)
	}
}

// pass combines blocks of size/2 into blocks of size.
func (f *realFFT) pass(size int) {
	data := f.packed
	twiddles := f.stageTwiddles[size/2 : size]
	for start := 0; start < len(data); start += size {
		low := data[start : start+size/2]
		high := data[start+size/2 : start+size]
		for j, w := range twiddles {
			b := high[j] * w
			high[j] = low[j] - b
			low[j] += b
		}
	}
}

// passPair does pass(size) and pass(2·size) in one sweep over the data,
// four points at a time. The second pass's twiddle for point j + size/2
// is e^(−2πij/(2·size))·(−i), so it needs no table entry of its own.
func (f *realFFT) passPair(size int) {
	data := f.packed
	quarter := size / 2
	inner := f.stageTwiddles[quarter:size]
	outer := f.stageTwiddles[size : size+quarter]
	for start := 0; start < len(data); start += 2 * size {
		q0 := data[start : start+quarter]
		q1 := data[start+quarter : start+size]
		q2 := data[start+size : start+size+quarter]
		q3 := data[start+size+quarter : start+2*size]
		for j, w1 := range inner {
			b1, b3 := q1[j]*w1, q3[j]*w1
			a0, a1 := q0[j]+b1, q0[j]-b1
			a2, a3 := q2[j]+b3, q2[j]-b3

			w2 := outer[j]
			c := a2 * w2
			e := a3 * w2
			e = complex(imag(e), -real(e))
			q0[j], q2[j] = a0+c, a0-c
			q1[j], q3[j] = a1+e, a1-e
		}
	}
}
