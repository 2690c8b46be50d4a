package landmarks

import (
	"image"
	"image/color"
	"math"
)

// rgbImage is an image as packed 8-bit RGB, row by row.
type rgbImage struct {
	width, height int
	pix           []uint8 // [height, width, 3]
}

// newRGBImage copies img into packed RGB. JPEG images (*image.YCbCr) get
// their chroma interpolated as libjpeg does (see fullChroma); RGBA images
// take a fast path and other types go through their color model.
func newRGBImage(img image.Image) *rgbImage {
	b := img.Bounds()
	out := &rgbImage{width: b.Dx(), height: b.Dy(), pix: make([]uint8, 3*b.Dx()*b.Dy())}
	i := 0
	switch src := img.(type) {
	case *image.YCbCr:
		cb, cr := fullChroma(src)
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := (y-b.Min.Y)*out.width + x - b.Min.X
				out.pix[i], out.pix[i+1], out.pix[i+2] =
					color.YCbCrToRGB(src.Y[src.YOffset(x, y)], cb[c], cr[c])
				i += 3
			}
		}
	case *image.RGBA:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			row := src.Pix[src.PixOffset(b.Min.X, y):]
			for x := 0; x < b.Dx(); x++ {
				copy(out.pix[i:i+3], row[4*x:4*x+3])
				i += 3
			}
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
				out.pix[i], out.pix[i+1], out.pix[i+2] = c.R, c.G, c.B
				i += 3
			}
		}
	}
	return out
}

// borderMode selects the value of a sample outside the image.
type borderMode uint8

const (
	borderZero      borderMode = iota // black
	borderReplicate                   // the nearest edge pixel
)

// warpTensor fills dst [outH, outW, 3] with the rotated rectangle r of img,
// sampled bilinearly, with values mapped linearly from [0, 255] to
// [lo, hi]. Output pixel centres map to evenly spaced points across r, as
// MediaPipe's ImageToTensorCalculator samples a region (GPU path):
//
//	(u+0.5)/outW − 0.5, (v+0.5)/outH − 0.5   scaled by r's size, rotated
//	by r's rotation and moved to r's centre, in pixels
func warpTensor(dst []float32, outW, outH int, img *rgbImage, r pixelRect,
	lo, hi float32, border borderMode) {
	cos, sin := math.Cos(r.rotation), math.Sin(r.rotation)
	scale := (hi - lo) / 255
	for v := 0; v < outH; v++ {
		dy := ((float64(v)+0.5)/float64(outH) - 0.5) * r.height
		for u := 0; u < outW; u++ {
			dx := ((float64(u)+0.5)/float64(outW) - 0.5) * r.width
			x := r.xCenter + cos*dx - sin*dy
			y := r.yCenter + sin*dx + cos*dy
			red, green, blue := img.sample(x-0.5, y-0.5, border)
			o := 3 * (v*outW + u)
			dst[o] = lo + red*scale
			dst[o+1] = lo + green*scale
			dst[o+2] = lo + blue*scale
		}
	}
}

// bilinear samples the image at (x, y), where pixel (i, j) has its centre
// at integer coordinates.
func (m *rgbImage) bilinear(x, y float64, border borderMode) (r, g, b float32) {
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := float32(x-x0), float32(y-y0)
	ix, iy := int(x0), int(y0)
	var acc [3]float32
	for _, tap := range [4]struct {
		dx, dy int
		w      float32
	}{{0, 0, (1 - fx) * (1 - fy)}, {1, 0, fx * (1 - fy)},
		{0, 1, (1 - fx) * fy}, {1, 1, fx * fy}} {
		if tap.w == 0 {
			continue
		}
		p, ok := m.pixel(ix+tap.dx, iy+tap.dy, border)
		if !ok {
			continue
		}
		acc[0] += tap.w * float32(p[0])
		acc[1] += tap.w * float32(p[1])
		acc[2] += tap.w * float32(p[2])
	}
	return acc[0], acc[1], acc[2]
}

// sample reads the image at (x, y) as a GPU texture does: with a zero
// border, points outside the image are black, and points inside blend
// only pixels of the image (the edge pixel repeats in the last half
// pixel). Pixel (i, j) has its centre at integer coordinates.
func (m *rgbImage) sample(x, y float64, border borderMode) (r, g, b float32) {
	outside := x < -0.5 || y < -0.5 || x > float64(m.width)-0.5 || y > float64(m.height)-0.5
	if border == borderZero && outside {
		return 0, 0, 0
	}
	return m.bilinear(x, y, borderReplicate)
}

// pixel returns the RGB value at (x, y); ok is false for a zero border
// outside the image.
func (m *rgbImage) pixel(x, y int, border borderMode) (p []uint8, ok bool) {
	if x < 0 || y < 0 || x >= m.width || y >= m.height {
		if border == borderZero {
			return nil, false
		}
		x = min(max(x, 0), m.width-1)
		y = min(max(y, 0), m.height-1)
	}
	o := 3 * (y*m.width + x)
	return m.pix[o : o+3], true
}
