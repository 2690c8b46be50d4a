package explain

import (
	"image"
	"image/color"
)

// Overlay draws an input next to its explanation maps, for people to look
// at: the input in grey, then each non-nil map as a heat colour blended
// over the grey input. Every panel is height×width pixels enlarged scale
// times (nearest neighbour). The grey input and the saliency map are
// min–max and max-magnitude scaled for display only; the values in the
// records stay raw.
//
// grey is one channel [H, W] of the model input; maps are [H, W].
func Overlay(grey []float32, height, width, scale int, maps ...[]float32) *image.RGBA {
	panels := [][]float32{displayGrey(grey)}
	for _, m := range maps {
		if m != nil {
			panels = append(panels, displayHeat(m))
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, len(panels)*width*scale, height*scale))
	for p, panel := range panels {
		for y := range height * scale {
			for x := range width * scale {
				i := (y/scale)*width + x/scale
				c := greyColor(panels[0][i])
				if p > 0 {
					c = blendHeat(c, panel[i])
				}
				img.SetRGBA(p*width*scale+x, y, c)
			}
		}
	}
	return img
}

// displayGrey min–max scales values to [0, 1].
func displayGrey(values []float32) []float32 {
	out := make([]float32, len(values))
	copy(out, values)
	minMaxScale(out)
	return out
}

// displayHeat divides magnitudes by the largest one, so that signed
// saliency shows where the gradient is strong whatever its sign.
func displayHeat(values []float32) []float32 {
	out := make([]float32, len(values))
	var peak float32
	for _, v := range values {
		peak = max(peak, abs32(v))
	}
	if peak == 0 {
		return out
	}
	for i, v := range values {
		out[i] = abs32(v) / peak
	}
	return out
}

func greyColor(v float32) color.RGBA {
	g := uint8(v*255 + 0.5)
	return color.RGBA{g, g, g, 255}
}

// blendHeat blends a heat colour for v in [0, 1] over c, more opaque where
// v is larger. The colours run black-red-yellow, like matplotlib's "hot"
// without its white end, so that hot spots stay visible over white strokes.
func blendHeat(c color.RGBA, v float32) color.RGBA {
	heat := [3]float32{min(2*v, 1), min(max(2*v-1, 0), 1), 0}
	alpha := 0.25 + 0.6*v
	mix := func(base uint8, h float32) uint8 {
		return uint8((1-alpha)*float32(base) + alpha*h*255 + 0.5)
	}
	return color.RGBA{mix(c.R, heat[0]), mix(c.G, heat[1]), mix(c.B, heat[2]), 255}
}
