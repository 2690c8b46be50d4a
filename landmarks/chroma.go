package landmarks

import "image"

// fullChroma returns the Cb and Cr planes of img at full resolution,
// width × height, interpolated as libjpeg's "fancy" upsampling does
// (jdsample.c: h2v1_fancy_upsample and h2v2_fancy_upsample). Each output
// sample is a 3:1 blend of its two nearest input samples along each
// subsampled axis, with libjpeg's rounding.
//
// Chromium decodes JPEGs with libjpeg-turbo, so MediaPipe's web solutions
// see these colours, while Go's image/jpeg repeats each chroma sample.
// Other ratios, and images whose bounds do not start at (0, 0), get the
// repeated samples as Go gives them.
func fullChroma(img *image.YCbCr) (cb, cr []uint8) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	cb, cr = make([]uint8, w*h), make([]uint8, w*h)
	ratio := img.SubsampleRatio
	if b.Min != (image.Point{}) {
		ratio = -1
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			switch ratio {
			case image.YCbCrSubsampleRatio422:
				cb[y*w+x] = fancy422(img.Cb, img, x, y)
				cr[y*w+x] = fancy422(img.Cr, img, x, y)
			case image.YCbCrSubsampleRatio420:
				cb[y*w+x] = fancy420(img.Cb, img, x, y)
				cr[y*w+x] = fancy420(img.Cr, img, x, y)
			default:
				ci := img.COffset(b.Min.X+x, b.Min.Y+y)
				cb[y*w+x], cr[y*w+x] = img.Cb[ci], img.Cr[ci]
			}
		}
	}
	return cb, cr
}

// chromaColumns returns the number of chroma samples per row.
func chromaColumns(img *image.YCbCr) int {
	return (img.Rect.Max.X+1)/2 - img.Rect.Min.X/2
}

func chromaRows(img *image.YCbCr) int {
	return (img.Rect.Max.Y+1)/2 - img.Rect.Min.Y/2
}

// fancy422 interpolates horizontally: output column 2i blends chroma
// column i with i−1, column 2i+1 blends it with i+1, weights 3:1.
func fancy422(plane []uint8, img *image.YCbCr, x, y int) uint8 {
	cols := chromaColumns(img)
	row := plane[y*img.CStride : y*img.CStride+cols]
	return fancyPair(row, x, cols)
}

// fancyPair returns output sample x of a row upsampled 2× from row.
func fancyPair(row []uint8, x, cols int) uint8 {
	i := x / 2
	if cols == 1 {
		return row[0]
	}
	center := 3 * int(row[i])
	if x%2 == 0 {
		if i == 0 {
			return row[0]
		}
		return uint8((center + int(row[i-1]) + 1) >> 2)
	}
	if i == cols-1 {
		return row[i]
	}
	return uint8((center + int(row[i+1]) + 2) >> 2)
}

// fancy420 interpolates in both directions: vertically first, as column
// sums 3·nearer row + farther row, then horizontally with weights 3:1 and
// libjpeg's rounding (+8 and +7, divided by 16).
func fancy420(plane []uint8, img *image.YCbCr, x, y int) uint8 {
	cols, rows := chromaColumns(img), chromaRows(img)
	j := y / 2
	near := j
	far := j - 1
	if y%2 == 1 {
		far = j + 1
	}
	far = min(max(far, 0), rows-1)
	colSum := func(i int) int {
		i = min(max(i, 0), cols-1)
		return 3*int(plane[near*img.CStride+i]) + int(plane[far*img.CStride+i])
	}
	i := x / 2
	this := colSum(i)
	if cols == 1 {
		return uint8((4*this + 8) >> 4)
	}
	if x%2 == 0 {
		if i == 0 {
			return uint8((4*this + 8) >> 4)
		}
		return uint8((3*this + colSum(i-1) + 8) >> 4)
	}
	if i == cols-1 {
		return uint8((4*this + 7) >> 4)
	}
	return uint8((3*this + colSum(i+1) + 7) >> 4)
}
