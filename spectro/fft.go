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
	n       int
	general *fourier.FFT // nil for powers of two

	bitReversed []int        // n/2 indices in bit-reversed order
	twiddles    []complex128 // e^(−2πik/(n/2)), k < n/4
	unpack      []complex128 // e^(−2πik/n), k ≤ n/2
	packed      []complex128 // scratch, n/2 points
}

func newRealFFT(n int) *realFFT {
	if n < 8 || n&(n-1) != 0 {
		return &realFFT{n: n, general: fourier.NewFFT(n)}
	}
	half := n / 2
	f := &realFFT{
		n:           n,
		bitReversed: make([]int, half),
		twiddles:    make([]complex128, half/2),
		unpack:      make([]complex128, half+1),
		packed:      make([]complex128, half),
	}
	shift := bits.UintSize - bits.Len(uint(half-1))
	for i := range f.bitReversed {
		f.bitReversed[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	for k := range f.twiddles {
		f.twiddles[k] = cmplx.Rect(1, -2*math.Pi*float64(k)/float64(half))
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

// powers writes |X[k]|², k = 0 … n/2, into dst, skipping the complex
// coefficients that coefficients would store.
func (f *realFFT) powers(dst []float64, x []float64, coeffs []complex128) {
	if f.general != nil {
		f.general.Coefficients(coeffs, x)
		for k, z := range coeffs {
			dst[k] = real(z)*real(z) + imag(z)*imag(z)
		}
		return
	}
	f.transformPacked(x)

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
	for size := 8; size <= half; size *= 2 {
		step := half / size
		for start := 0; start < half; start += size {
			low := data[start : start+size/2]
			high := data[start+size/2 : start+size]
			for j := range low {
				b := high[j] * f.twiddles[j*step]
				high[j] = low[j] - b
				low[j] += b
			}
		}
	}
}
