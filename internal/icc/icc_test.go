package icc

import (
	"math"
	"os"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestInvert3(t *testing.T) {
	m := [3][3]float64{{2, 0, 1}, {1, 3, 0}, {0, 1, 4}}
	product := multiply3(m, invert3(m))
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if !near(product[i][j], want, 1e-12) {
				t.Fatalf("m·m⁻¹ = %v, expected the identity", product)
			}
		}
	}
}

func TestDisplayP3ProfileConvertsToSRGB(t *testing.T) {
	// One of the sample photos carries Apple's Display P3 profile. Pure
	// P3 red is outside sRGB and clips to (255, 0, 0); P3 white stays
	// white; a mid grey stays grey because both spaces share the sRGB
	// tone curve and the D65 white.
	data, err := os.ReadFile("../../landmarks/testdata/sign-digits/0/IMG_4543.JPG")
	if err != nil {
		t.Fatal(err)
	}
	profile := JPEGProfile(data)
	if profile == nil {
		t.Fatal("no ICC profile found")
	}
	transform, err := Parse(profile)
	if err != nil {
		t.Fatal(err)
	}
	pix := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	transform.Apply(pix)
	want := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	for i := range want {
		if math.Abs(float64(pix[i])-float64(want[i])) > 1 {
			t.Fatalf("converted %v, expected %v within 1", pix, want)
		}
	}
}

// srgbCurveTag returns a 'para' tag of type 3 holding the sRGB curve.
func srgbCurveTag() []byte {
	tag := make([]byte, 12+20)
	copy(tag, "para")
	tag[9] = 3
	for i, v := range []float64{2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045} {
		fixed := int32(math.Round(v * 65536))
		tag[12+4*i] = byte(fixed >> 24)
		tag[13+4*i] = byte(fixed >> 16)
		tag[14+4*i] = byte(fixed >> 8)
		tag[15+4*i] = byte(fixed)
	}
	return tag
}

func TestParametricCurveType3(t *testing.T) {
	// The sRGB curve: g 2.4, a 1/1.055, b 0.055/1.055, c 1/12.92,
	// d 0.04045; 0.5 encodes 0.21404 linear.
	curve, err := parseCurve(srgbCurveTag())
	if err != nil {
		t.Fatal(err)
	}
	if got := curve(0.5); !near(got, 0.21404, 1e-4) {
		t.Errorf("curve(0.5) = %g, expected 0.21404", got)
	}
	if got := curve(0.02); !near(got, 0.02/12.92, 1e-5) {
		t.Errorf("curve(0.02) = %g, expected %g", got, 0.02/12.92)
	}
}

func TestIsSRGB(t *testing.T) {
	curve, err := parseCurve(srgbCurveTag())
	if err != nil {
		t.Fatal(err)
	}
	identity := [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	srgb := &Transform{curves: [3]toneCurve{curve, curve, curve}, matrix: identity}
	if !srgb.IsSRGB() {
		t.Error("the sRGB curve with the identity matrix is not taken as sRGB")
	}
	gamma := &Transform{curves: [3]toneCurve{
		func(v float64) float64 { return math.Pow(v, 2.2) }, curve, curve}, matrix: identity}
	if gamma.IsSRGB() {
		t.Error("a gamma 2.2 red curve is taken as sRGB")
	}
	wide := &Transform{curves: srgb.curves, matrix: identity}
	wide.matrix[0][1] = 0.01
	if wide.IsSRGB() {
		t.Error("a matrix 0.01 off the identity is taken as sRGB")
	}
}

func TestConvertJPEG(t *testing.T) {
	data, err := os.ReadFile("../../landmarks/testdata/sign-digits/0/IMG_4543.JPG")
	if err != nil {
		t.Fatal(err)
	}
	// Pure P3 green lies outside sRGB and clips to sRGB green.
	pix := []uint8{0, 255, 0}
	if !ConvertJPEG(data, pix) {
		t.Fatal("the Display P3 photo was not converted")
	}
	if pix[0] != 0 || pix[1] != 255 || pix[2] > 1 {
		t.Errorf("P3 green converted to %v, expected (0, 255, 0)", pix)
	}
	if ConvertJPEG([]byte{0xFF, 0xD8, 0xFF, 0xD9}, pix) {
		t.Error("a JPEG without a profile was converted")
	}
}

// FuzzConvertJPEG feeds JPEGProfile, Parse and Apply corrupt files and
// profiles: they must reject or convert them without panicking.
func FuzzConvertJPEG(f *testing.F) {
	data, err := os.ReadFile("../../landmarks/testdata/sign-digits/0/IMG_4543.JPG")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[:4096])
	if profile := JPEGProfile(data); profile != nil {
		f.Add(profile)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pix := []uint8{0, 128, 255, 255, 128, 0}
		ConvertJPEG(data, pix)
		if transform, err := Parse(data); err == nil {
			transform.Apply(pix)
			transform.IsSRGB()
		}
	})
}
