package landmarks

import (
	"image"
	"math"
	"os"
	"testing"
)

func TestFancyUpsampling422(t *testing.T) {
	// Chroma row (0, 100, 200) upsampled 2×: edges copy, inner samples
	// blend 3:1 with libjpeg's rounding: (3·0+100+2)>>2 = 25,
	// (300+0+1)>>2 = 75, (300+200+2)>>2 = 125, (600+100+1)>>2 = 175.
	row := []uint8{0, 100, 200}
	want := []uint8{0, 25, 75, 125, 175, 200}
	for x, w := range want {
		if got := fancyPair(row, x, 3); got != w {
			t.Errorf("sample %d: %d, expected %d", x, got, w)
		}
	}
}

func TestFancyUpsampling420(t *testing.T) {
	// A 4×4 image with 2×2 chroma (0, 64 / 128, 192). Output (1, 1) is
	// in the top chroma row, near column 0 and far column 1:
	// column sums 3·0+128 = 128 and 3·64+192 = 384, then
	// (3·128 + 384 + 7)>>4 = 48.
	img := image.NewYCbCr(image.Rect(0, 0, 4, 4), image.YCbCrSubsampleRatio420)
	copy(img.Cb, []uint8{0, 64, 128, 192})
	if got := fancy420(img.Cb, img, 1, 1); got != 48 {
		t.Errorf("sample (1, 1): %d, expected 48", got)
	}
	if got := fancy420(img.Cb, img, 0, 0); got != 0 {
		t.Errorf("sample (0, 0): %d, expected 0 (the corner stays)", got)
	}
}

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
	data, err := os.ReadFile("testdata/sign-digits/0/IMG_4543.JPG")
	if err != nil {
		t.Fatal(err)
	}
	profile := jpegICCProfile(data)
	if profile == nil {
		t.Fatal("no ICC profile found")
	}
	transform, err := parseICC(profile)
	if err != nil {
		t.Fatal(err)
	}
	pix := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	transform.apply(pix)
	want := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	for i := range want {
		if math.Abs(float64(pix[i])-float64(want[i])) > 1 {
			t.Fatalf("converted %v, expected %v within 1", pix, want)
		}
	}
}

func TestParametricCurveType3(t *testing.T) {
	// The sRGB curve: g 2.4, a 1/1.055, b 0.055/1.055, c 1/12.92,
	// d 0.04045; 0.5 encodes 0.21404 linear.
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
	curve, err := parseCurve(tag)
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
