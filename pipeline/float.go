package pipeline

import (
	"math"
	"strconv"
)

// Floats in records have 6 significant digits. Formatting them is most of
// the cost of a record (1,568 map values per line), so appendFloat does
// the common case itself and leaves the rest to strconv.

const significantDigits = 6

// powersOf10[k+powerOffset] is 10^k as the nearest float64.
var powersOf10 = func() (table [2*powerOffset + 1]float64) {
	for i := range table {
		table[i] = math.Pow(10, float64(i-powerOffset))
	}
	return table
}()

const powerOffset = 64

// appendFloat appends v as strconv.AppendFloat(dst, float64(v), 'g', 6, 32)
// does, except that 0 and −0 give "0" and non-finite values give null.
// TestAppendFloatMatchesStrconv checks the equality on millions of values.
//
// It scales |v| to a 6-digit integer with one float64 product, which is
// within 1e−9 of the exact decimal value, so rounding it gives strconv's
// digits unless the product lies within 1e−6 of a tie; those values, and
// subnormal ones, go to strconv.
func appendFloat(dst []byte, v float32) []byte {
	bits := math.Float32bits(v)
	biased := int(bits>>23) & 0xff
	switch {
	case v == 0:
		return append(dst, '0')
	case biased == 0xff:
		return append(dst, "null"...) // NaN or ±Inf
	case biased == 0:
		return strconv.AppendFloat(dst, float64(v), 'g', significantDigits, 32)
	}
	x := math.Abs(float64(v))

	// exp = floor(log10 x): start from floor((biased−127)·log10 2), which
	// is exp or exp−1.
	exp := ((biased - 127) * 78913) >> 18
	if x >= powersOf10[exp+1+powerOffset] {
		exp++
	}
	scaled := x * powersOf10[significantDigits-1-exp+powerOffset]
	whole := math.Floor(scaled)
	if frac := scaled - whole; frac > 0.5-1e-6 && frac < 0.5+1e-6 {
		return strconv.AppendFloat(dst, float64(v), 'g', significantDigits, 32)
	}
	mantissa := int(whole)
	if scaled-whole > 0.5 {
		mantissa++
	}
	if mantissa == 1_000_000 {
		mantissa, exp = 100_000, exp+1
	}
	if mantissa < 100_000 || mantissa >= 1_000_000 {
		return strconv.AppendFloat(dst, float64(v), 'g', significantDigits, 32)
	}
	if v < 0 {
		dst = append(dst, '-')
	}
	return appendDecimal(dst, mantissa, exp)
}

// appendDecimal writes mantissa·10^(exp−5), for a 6-digit mantissa, in
// %g's layout: exponent form when exp < −4 or exp ≥ 6, trailing zeros
// dropped. The text is built in an array and appended once.
func appendDecimal(dst []byte, mantissa, exp int) []byte {
	var digits [significantDigits]byte
	writePair(digits[0:], mantissa/10_000)
	writePair(digits[2:], mantissa/100%100)
	writePair(digits[4:], mantissa%100)
	n := significantDigits
	for digits[n-1] == '0' {
		n--
	}

	var text [16]byte
	var size int
	switch {
	case exp < -4 || exp >= significantDigits:
		size = writeMantissa(text[:], digits[:n], 1)
		text[size] = 'e'
		text[size+1] = '+'
		if exp < 0 {
			text[size+1], exp = '-', -exp
		}
		writePair(text[size+2:], exp) // normal float32 values have |exp| ≤ 38
		size += 4
	case exp < 0:
		text[0], text[1] = '0', '.'
		size = 2
		for range -exp - 1 {
			text[size] = '0'
			size++
		}
		size += copy(text[size:], digits[:n])
	case n <= exp+1:
		size = copy(text[:], digits[:exp+1])
	default:
		size = writeMantissa(text[:], digits[:n], exp+1)
	}
	return append(dst, text[:size]...)
}

// writePair writes the two decimal digits of v < 100.
func writePair(dst []byte, v int) {
	dst[0], dst[1] = byte('0'+v/10), byte('0'+v%10)
}

// writeMantissa writes digits with a decimal point after the first whole
// digits, and none when no digit follows it; it returns the length.
func writeMantissa(dst, digits []byte, whole int) int {
	size := copy(dst, digits[:whole])
	if len(digits) > whole {
		dst[size] = '.'
		size++
		size += copy(dst[size:], digits[whole:])
	}
	return size
}
