package landmarks

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder
	_ "image/png"  // registers the PNG decoder
)

// MaxImagePixels bounds the size of an image that DecodeImage decodes, so
// that a small file declaring a huge image cannot exhaust memory: 25
// million pixels take 200 MB as 16-bit RGBA, and each decode worker holds
// one image.
const MaxImagePixels = 25_000_000

// DecodeImage decodes a JPEG or PNG file into sRGB pixels the way a
// browser shows them, so that landmarks match MediaPipe's web solutions.
// JPEG chroma is interpolated as libjpeg does, and a JPEG's embedded
// matrix/TRC ICC profile (Display P3 from Apple devices, for example) is
// converted to sRGB. The name is used only in errors.
//
// NOTE: PNG ICC profiles (iCCP chunks) are not read, and a JPEG profile of
// another kind (lookup tables, CMYK) is ignored, so those pixels are taken
// as sRGB.
func DecodeImage(name string, data []byte) (*image.RGBA, error) {
	config, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("landmarks: decode %s: %w", name, err)
	}
	if pixels := int64(config.Width) * int64(config.Height); pixels > MaxImagePixels {
		return nil, fmt.Errorf("landmarks: decode %s: image of %d×%d pixels is larger than "+
			"%d pixels; scale it down first", name, config.Width, config.Height, MaxImagePixels)
	}
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("landmarks: decode %s: %w", name, err)
	}
	rgb := newRGBImage(img)
	if format == "jpeg" {
		if profile := jpegICCProfile(data); profile != nil {
			if transform, err := parseICC(profile); err == nil {
				transform.apply(rgb.pix)
			}
		}
	}
	return rgb.toRGBA(), nil
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
