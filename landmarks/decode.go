package landmarks

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder
	_ "image/png"  // registers the PNG decoder

	"gocv.io/x/gocv"

	"pipeline/internal/icc"
)

// MaxImagePixels bounds the size of an image that DecodeImage decodes, so
// that a small file declaring a huge image cannot exhaust memory: 25
// million pixels take 200 MB as 16-bit RGBA, and each decode worker holds
// one image.
const MaxImagePixels = 25_000_000

// DecodeImage decodes a JPEG or PNG file into sRGB pixels the way a
// browser shows them, so that landmarks match MediaPipe's web solutions.
// JPEG pixels come from libjpeg-turbo through OpenCV, the library and
// settings Chromium decodes with, and a JPEG's embedded matrix/TRC ICC
// profile (Display P3 from Apple devices, for example) is converted to
// sRGB. The name is used only in errors.
//
// Go's decoder reads every file first, so that a truncated or corrupt
// JPEG is an error: OpenCV returns such a file as an image, with the
// missing rows made up.
//
// NOTE: PNG ICC profiles (iCCP chunks) are not read, and a JPEG profile of
// another kind (lookup tables, CMYK) is ignored, so those pixels are taken
// as sRGB. EXIF orientation is not applied.
func DecodeImage(name string, data []byte) (*image.RGBA, error) {
	config, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("landmarks: decode %s: %w", name, err)
	}
	if config.Width == 0 || config.Height == 0 {
		return nil, fmt.Errorf("landmarks: decode %s: the header declares a %d×%d image",
			name, config.Width, config.Height)
	}
	if pixels := int64(config.Width) * int64(config.Height); pixels > MaxImagePixels {
		return nil, fmt.Errorf("landmarks: decode %s: image of %d×%d pixels is larger than "+
			"%d pixels; scale it down first", name, config.Width, config.Height, MaxImagePixels)
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("landmarks: decode %s: %w", name, err)
	}
	var rgb *rgbImage
	if format == "jpeg" {
		rgb = decodeWithLibjpeg(data, img.Bounds().Dx(), img.Bounds().Dy())
	}
	if rgb == nil {
		rgb = newRGBImage(img)
	}
	if format == "jpeg" {
		icc.ConvertJPEG(data, rgb.pix)
	}
	return rgb.toRGBA(), nil
}

// decodeWithLibjpeg returns libjpeg-turbo's decoding of the JPEG file
// data, which OpenCV makes with the same inverse DCT, chroma upsampling and
// colour conversion as Chromium. Go's decoder rounds differently: on the
// people photos a quarter of its samples are one or two levels off. The
// landmark models are that sensitive. The difference moves pose landmarks
// by 0.005 of the image on average and decides whether a body is found on
// some photos. It returns nil when OpenCV cannot decode the file, or
// decodes it to another size than width×height, so the caller keeps Go's
// pixels.
func decodeWithLibjpeg(data []byte, width, height int) *rgbImage {
	mat, err := gocv.IMDecode(data, gocv.IMReadColor|gocv.IMReadIgnoreOrientation)
	if err != nil {
		return nil
	}
	defer mat.Close()
	if mat.Cols() != width || mat.Rows() != height || mat.Type() != gocv.MatTypeCV8UC3 {
		return nil
	}
	bgr, err := mat.DataPtrUint8()
	if err != nil || len(bgr) != 3*width*height {
		return nil
	}
	rgb := &rgbImage{width: width, height: height, pix: make([]uint8, len(bgr))}
	for i := 0; i < len(bgr); i += 3 {
		rgb.pix[i], rgb.pix[i+1], rgb.pix[i+2] = bgr[i+2], bgr[i+1], bgr[i]
	}
	return rgb
}

// toRGBA returns the pixels as an opaque *image.RGBA.
func (m *rgbImage) toRGBA() *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, m.width, m.height))
	for i, j := 0, 0; i < len(m.pix); i, j = i+3, j+4 {
		copy(out.Pix[j:j+3], m.pix[i:i+3])
		out.Pix[j+3] = 0xFF
	}
	return out
}
