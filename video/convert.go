package video

import (
	"fmt"

	"gocv.io/x/gocv"
)

// rgbConverter turns decoded Mats into packed RGB, reusing its Mats from
// one frame to the next.
type rgbConverter struct {
	eightBit gocv.Mat // the input scaled to 8 bits, when it was 16-bit
	rgb      gocv.Mat // the input converted to RGB
}

func newRGBConverter() *rgbConverter {
	return &rgbConverter{eightBit: gocv.NewMat(), rgb: gocv.NewMat()}
}

// convert writes src as packed RGB into dst, growing dst when it is too
// small, and returns it. src holds 1 (grey), 3 (BGR) or 4 (BGRA) channels of
// 8 or 16 bits; 16-bit values are divided by 257, so 65535 becomes 255.
func (c *rgbConverter) convert(src gocv.Mat, dst []uint8) ([]uint8, error) {
	switch depth := src.Type() & matDepthMask; depth {
	case gocv.MatTypeCV8U:
	case gocv.MatTypeCV16U:
		src.ConvertToWithParams(&c.eightBit, gocv.MatTypeCV8U, 1.0/257, 0)
		src = c.eightBit
	default:
		return dst, fmt.Errorf("%w: pixel depth %v (8- or 16-bit expected)",
			ErrDecode, depth)
	}

	code, err := toRGBCode(src.Channels())
	if err != nil {
		return dst, err
	}
	gocv.CvtColor(src, &c.rgb, code)

	pixels, err := c.rgb.DataPtrUint8()
	if err != nil {
		return dst, err
	}
	if cap(dst) < len(pixels) {
		dst = make([]uint8, len(pixels))
	}
	dst = dst[:len(pixels)]
	copy(dst, pixels)
	return dst, nil
}

// matDepthMask selects the depth (CV_8U, CV_16U, …) from a Mat type, as
// OpenCV's CV_MAT_DEPTH_MASK does.
const matDepthMask gocv.MatType = 7

// toRGBCode returns the OpenCV conversion from an image with that many
// channels, in OpenCV's channel order, to RGB. gocv names some codes only
// by their mirror image: grey to BGR is also grey to RGB, and RGBA to BGR
// is the same channel swap as BGRA to RGB.
func toRGBCode(channels int) (gocv.ColorConversionCode, error) {
	switch channels {
	case 1:
		return gocv.ColorGrayToBGR, nil
	case 3:
		return gocv.ColorBGRToRGB, nil
	case 4:
		return gocv.ColorRGBAToBGR, nil
	}
	return 0, fmt.Errorf("%w: %d channels (1, 3 or 4 expected)", ErrDecode, channels)
}

// Close releases the converter's Mats. It may be called more than once.
func (c *rgbConverter) Close() error {
	if c == nil {
		return nil
	}
	c.eightBit.Close()
	c.rgb.Close()
	return nil
}
