package pipeline

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestAppendFloatMatchesStrconv compares appendFloat with strconv's 'g'
// format at 6 digits on seeded random float32 values of every magnitude,
// on map-like values, and next to powers of ten and rounding ties.
func TestAppendFloatMatchesStrconv(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var values []float32
	for range 2_000_000 {
		values = append(values, math.Float32frombits(rng.Uint32()))
	}
	for range 1_000_000 {
		values = append(values, float32(rng.NormFloat64()*0.01), float32(rng.Float64()))
	}
	for e := -45; e <= 38; e++ {
		p := float32(math.Pow(10, float64(e)))
		for _, v := range []float32{p, math.Nextafter32(p, 0), math.Nextafter32(p, 1e38),
			p * 1.000005, p * 9.999995, p * 0.5, p * 9.999996, p * 1.0000049} {
			values = append(values, v, -v)
		}
	}
	mismatches := 0
	for _, v := range values {
		if v == 0 || math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			continue
		}
		got := string(appendFloat(nil, v))
		want := strconv.FormatFloat(float64(v), 'g', 6, 32)
		if got != want {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("%g (bits %#x): got %s, strconv %s", v, math.Float32bits(v), got, want)
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d values differ", mismatches, len(values))
	}
}

func TestAppendFloat(t *testing.T) {
	cases := []struct {
		name string
		v    float32
		want string
	}{
		{"zero", 0, "0"},
		{"negative zero", float32(math.Copysign(0, -1)), "0"},
		{"six digits", 0.123456789, "0.123457"},
		{"small", 1.5e-7, "1.5e-07"},
		{"one", 1, "1"},
		{"rounds up to ten", 9.9999996, "10"},
		{"large", 1234567, "1.23457e+06"},
		{"negative", -0.00125, "-0.00125"},
		{"NaN", float32(math.NaN()), "null"},
		{"infinity", float32(math.Inf(-1)), "null"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendFloat(nil, tc.v)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// BenchmarkAppendFloat formats saliency-like values (normal, σ = 0.01).
func BenchmarkAppendFloat(b *testing.B) {
	values := make([]float32, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range values {
		values[i] = float32(rng.NormFloat64() * 0.01)
	}
	var dst []byte
	b.ReportAllocs()
	for i := range b.N {
		dst = appendFloat(dst[:0], values[i%len(values)])
	}
}
