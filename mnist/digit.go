package mnist

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// DigitSize is the side of an MNIST image in pixels.
const DigitSize = 28

// maxDigitPixels bounds the decoded size of a digit image, so that a small
// file that declares a huge image cannot exhaust memory: 16 Mi pixels
// (4096×4096) take 128 MB decoded as 16-bit RGBA, and several images decode
// at once. Larger photos must be scaled down first.
const maxDigitPixels = 16 << 20

// Notes that LoadDigitImage returns, for the record's notes field.
const (
	NoteInverted = "inverted to white-on-black"
)

// LoadDigitImage reads a PNG or JPEG image of one digit and converts it to
// MNIST's form: DigitSize×DigitSize grey values in [0, 1], row-major, with
// a white digit on a black background. Each note describes a change made
// to the image (inverted, composited, padded, resized).
//
// The steps, in order:
//   - Convert to grey by luma (ITU-R BT.601 weights, as image/color uses).
//     Transparent pixels are composited onto white when the opaque pixels
//     are dark on average, and onto black otherwise, so that the digit
//     keeps its contrast.
//   - If the mean of the border pixels is above 0.5, invert, because MNIST
//     digits are white on black.
//   - Pad a non-square image to a square with the border mean, centering it.
//   - Resize to DigitSize×DigitSize: area averaging when shrinking, bilinear
//     interpolation (pixel centres aligned) when growing.
//
// NOTE: unlike MNIST's own preprocessing, the digit is not cropped to its
// bounding box, scaled to 20×20 or centred by its centre of mass; images
// should frame the digit roughly as MNIST does.
func LoadDigitImage(path string) ([]float32, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("mnist: %w", err)
	}
	return decodeDigitImage(data, path)
}

// DecodeDigitImage reads a digit image from r, as LoadDigitImage does. The
// name identifies r in errors.
func DecodeDigitImage(r io.Reader, name string) ([]float32, []string, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fileError(name, err)
	}
	return decodeDigitImage(data, name)
}

func decodeDigitImage(data []byte, name string) ([]float32, []string, error) {
	img, err := decodeImage(data)
	if err != nil {
		return nil, nil, fileError(name, err)
	}
	pixels, notes := digitPixels(img)
	return pixels, notes, nil
}

// decodeImage checks the format and the declared size before decoding.
func decodeImage(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, formatErrorf("empty file")
	}
	config, format, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, unknownImageError(data)
	}
	if err != nil {
		return nil, imageDataError(err)
	}
	if config.Width < 1 || config.Height < 1 ||
		int64(config.Width)*int64(config.Height) > maxDigitPixels {
		return nil, formatErrorf("implausible %s image size %d×%d (at most %d pixels)",
			format, config.Width, config.Height, maxDigitPixels)
	}

	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, imageDataError(err)
	}
	return img, nil
}

func unknownImageError(data []byte) error {
	if looksLikeHTML(data[:min(len(data), 512)]) {
		return formatErrorf("not a PNG or JPEG image: looks like HTML")
	}
	return formatErrorf("not a PNG or JPEG image (first bytes % x)", data[:min(len(data), 8)])
}

func imageDataError(err error) error {
	// image/png reports image data cut inside IDAT as "not enough pixel
	// data" rather than an unexpected EOF.
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		strings.Contains(err.Error(), "not enough pixel data") {
		return truncatedErrorf("invalid image data: %w (truncated file?)", err)
	}
	return formatErrorf("invalid image data: %w", err)
}

// digitPixels runs the conversion steps that LoadDigitImage lists.
func digitPixels(img image.Image) ([]float32, []string) {
	grey, notes := lumaComposited(img)

	if grey.borderMean() > 0.5 {
		grey.invert()
		notes = append(notes, NoteInverted)
	}

	if grey.width != grey.height {
		before := grey.sizeString()
		grey = grey.padToSquare(grey.borderMean())
		notes = append(notes, fmt.Sprintf("padded from %s to %s with the background grey",
			before, grey.sizeString()))
	}

	if grey.width != DigitSize {
		method := "area averaging"
		if grey.width < DigitSize {
			method = "bilinear interpolation"
		}
		notes = append(notes, fmt.Sprintf("resized from %s to %d×%d by %s",
			grey.sizeString(), DigitSize, DigitSize, method))
		grey = grey.resize(DigitSize, DigitSize)
	}

	out := make([]float32, len(grey.values))
	for i, v := range grey.values {
		out[i] = float32(min(max(v, 0), 1))
	}
	return out, notes
}

// greyImage holds grey values in [0, 1], row-major.
type greyImage struct {
	width, height int
	values        []float64
}

func newGreyImage(width, height int) *greyImage {
	return &greyImage{width: width, height: height, values: make([]float64, width*height)}
}

func (g *greyImage) sizeString() string { return fmt.Sprintf("%d×%d", g.width, g.height) }

// lumaComposited converts img to grey, compositing transparent pixels onto
// the background that contrasts with the opaque ones.
func lumaComposited(img image.Image) (*greyImage, []string) {
	bounds := img.Bounds()
	grey := newGreyImage(bounds.Dx(), bounds.Dy())
	alpha := make([]float64, len(grey.values))
	var inkLuma, inkAlpha float64
	transparent := false

	for y := 0; y < grey.height; y++ {
		for x := 0; x < grey.width; x++ {
			// RGBA returns alpha-premultiplied 16-bit values, so luma here
			// is the pixel composited onto black.
			r, g, b, a := img.At(bounds.Min.X+x, bounds.Min.Y+y).RGBA()
			luma := color.Gray16Model.Convert(color.RGBA64{
				uint16(r), uint16(g), uint16(b), uint16(a)}).(color.Gray16).Y
			i := y*grey.width + x
			grey.values[i] = float64(luma) / 0xffff
			alpha[i] = float64(a) / 0xffff
			inkLuma += grey.values[i]
			inkAlpha += alpha[i]
			transparent = transparent || a != 0xffff
		}
	}
	if !transparent {
		return grey, nil
	}

	// Dark ink (alpha-weighted mean luma below 0.5) gets a white background,
	// and light ink keeps the black one.
	if inkAlpha == 0 || inkLuma/inkAlpha >= 0.5 {
		return grey, []string{"transparent pixels composited onto black"}
	}
	for i := range grey.values {
		grey.values[i] += 1 - alpha[i]
	}
	return grey, []string{"transparent pixels composited onto white"}
}

// borderMean returns the mean of the pixels in the outermost rows and
// columns.
func (g *greyImage) borderMean() float64 {
	var sum float64
	count := 0
	for y := 0; y < g.height; y++ {
		for x := 0; x < g.width; x++ {
			if y == 0 || x == 0 || y == g.height-1 || x == g.width-1 {
				sum += g.values[y*g.width+x]
				count++
			}
		}
	}
	return sum / float64(count)
}

func (g *greyImage) invert() {
	for i, v := range g.values {
		g.values[i] = 1 - v
	}
}

// padToSquare centres g in a square of side max(width, height) filled
// with background.
func (g *greyImage) padToSquare(background float64) *greyImage {
	side := max(g.width, g.height)
	square := newGreyImage(side, side)
	for i := range square.values {
		square.values[i] = background
	}
	left, top := (side-g.width)/2, (side-g.height)/2
	for y := 0; y < g.height; y++ {
		copy(square.values[(top+y)*side+left:], g.values[y*g.width:(y+1)*g.width])
	}
	return square
}

// tap is one source pixel's weight in an output pixel.
type tap struct {
	index  int
	weight float64
}

// resampleTaps returns, for each of dst output pixels along one axis, the
// source pixels and weights: box-filter coverage when shrinking (each
// output pixel averages the source area it covers) and bilinear weights at
// aligned pixel centres, x = (i+0.5)·src/dst − 0.5, when growing.
func resampleTaps(src, dst int) [][]tap {
	taps := make([][]tap, dst)
	scale := float64(src) / float64(dst)
	for i := range taps {
		if dst < src {
			taps[i] = areaTaps(float64(i)*scale, float64(i+1)*scale, scale)
			continue
		}
		x := min(max((float64(i)+0.5)*scale-0.5, 0), float64(src-1))
		left := int(x)
		right := min(left+1, src-1)
		fraction := x - float64(left)
		taps[i] = []tap{{left, 1 - fraction}, {right, fraction}}
	}
	return taps
}

// areaTaps weights each source pixel [j, j+1) by its overlap with
// [start, end), normalised by the interval's length.
func areaTaps(start, end, length float64) []tap {
	var taps []tap
	for j := int(start); float64(j) < end; j++ {
		overlap := min(end, float64(j+1)) - max(start, float64(j))
		if overlap > 1e-12 {
			taps = append(taps, tap{j, overlap / length})
		}
	}
	return taps
}

// resize resamples g to width×height, rows first and then columns.
func (g *greyImage) resize(width, height int) *greyImage {
	columnTaps := resampleTaps(g.width, width)
	rows := newGreyImage(width, g.height)
	for y := 0; y < g.height; y++ {
		for x, taps := range columnTaps {
			var sum float64
			for _, t := range taps {
				sum += t.weight * g.values[y*g.width+t.index]
			}
			rows.values[y*width+x] = sum
		}
	}

	rowTaps := resampleTaps(g.height, height)
	out := newGreyImage(width, height)
	for y, taps := range rowTaps {
		for x := 0; x < width; x++ {
			var sum float64
			for _, t := range taps {
				sum += t.weight * rows.values[t.index*width+x]
			}
			out.values[y*width+x] = sum
		}
	}
	return out
}

// imageExtensions are the file name suffixes that ListImages returns,
// compared without regard to case.
var imageExtensions = []string{".png", ".jpg", ".jpeg"}

// ListImages returns the paths of the PNG and JPEG files in dir, sorted in
// byte order of their names, so that record indexes are stable. Hidden
// files (names starting with ".") and subfolders are left out.
func ListImages(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	var paths []string
	for _, entry := range entries {
		name := entry.Name()
		extension := strings.ToLower(filepath.Ext(name))
		if entry.IsDir() || strings.HasPrefix(name, ".") ||
			!slices.Contains(imageExtensions, extension) {
			continue
		}
		paths = append(paths, filepath.Join(dir, name))
	}
	slices.Sort(paths)
	return paths, nil
}
