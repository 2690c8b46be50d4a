package explain

import (
	"image/color"
	"testing"
)

func TestOverlayLayout(t *testing.T) {
	// A 2×3 input rising from 0 to 5, and one map that is hot at pixel 0.
	grey := []float32{0, 1, 2, 3, 4, 5}
	heat := []float32{1, 0, 0, 0, 0, 0}
	cases := []struct {
		name   string
		maps   [][]float32
		panels int
	}{
		{"two maps", [][]float32{heat, heat}, 3},
		{"one map skipped", [][]float32{nil, heat}, 2},
		{"input only", nil, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := Overlay(grey, 2, 3, 4, tc.maps...)
			if got := img.Bounds().Dx(); got != tc.panels*3*4 || img.Bounds().Dy() != 2*4 {
				t.Fatalf("size %v, want %d×8", img.Bounds().Size(), tc.panels*12)
			}
			if c := img.RGBAAt(0, 0); c != (color.RGBA{0, 0, 0, 255}) {
				t.Errorf("darkest input pixel %v, want black", c)
			}
			if c := img.RGBAAt(11, 7); c != (color.RGBA{255, 255, 255, 255}) {
				t.Errorf("brightest input pixel %v, want white", c)
			}
			if tc.panels > 1 {
				if hot := img.RGBAAt(12, 0); hot.R < 200 || hot.B > 50 {
					t.Errorf("hot pixel %v, want a bright red-yellow", hot)
				}
			}
		})
	}
}
