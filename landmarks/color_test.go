package landmarks

import (
	"image"
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
