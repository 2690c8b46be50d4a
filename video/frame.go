package video

import (
	"errors"
	"image"
)

// Sentinel errors that the errors of this package wrap, for callers that
// branch on the kind of failure.
var (
	// ErrOpen is wrapped by the errors of the Open functions when the file,
	// folder or device cannot be used at all.
	ErrOpen = errors.New("cannot open source")

	// ErrDecode is wrapped by the error of an image or a video frame that
	// does not decode: not an image, truncated or corrupt.
	ErrDecode = errors.New("cannot decode")

	// ErrTooLarge is wrapped by the error of an image, a video or a video
	// frame with more than MaxImagePixels pixels per frame.
	ErrTooLarge = errors.New("too many pixels")
)

// Frame is one decoded image or video frame as packed 8-bit RGB.
type Frame struct {
	// RGB holds the pixels row by row, 3 bytes per pixel: [Height, Width, 3].
	// The source owns the buffer and overwrites it on the next call to Next,
	// so a caller that keeps a frame past that call keeps Clone's copy.
	RGB []uint8

	Width, Height int

	// Index is the 0-based position inside the source: the frame in a video
	// or webcam stream, the image in a folder. A video frame's index is
	// OpenCV's CAP_PROP_POS_FRAMES minus one, plus the frames that failed
	// reads consumed, as far as the timestamps show.
	Index int

	// TimestampMs is the start of a video or webcam frame in milliseconds
	// and nil for still images. Video files take it from the container
	// (OpenCV's CAP_PROP_POS_MSEC). When the container gives none, it is
	// Index·1000/fps, or Index·1 ms without a frame rate, with a note.
	// Webcams take the wall-clock time since the source opened.
	// Timestamps strictly increase: a frame whose timestamp is not after the
	// previous one gets the previous one plus one frame period (1000/fps,
	// or 1 ms without a frame rate) and a note saying so.
	TimestampMs *float64

	// Source names what was opened: a video, image or folder path, or
	// webcam:N.
	Source string

	// Path is the image file inside a folder; for other sources it equals
	// Source.
	Path string

	// Notes lists what was done to the frame that a reader should know.
	Notes []string
}

// Clone returns a copy of f whose RGB buffer and notes belong to the caller.
func (f Frame) Clone() Frame {
	out := f
	out.RGB = append([]uint8(nil), f.RGB...)
	out.Notes = append([]string(nil), f.Notes...)
	if f.TimestampMs != nil {
		timestampMs := *f.TimestampMs
		out.TimestampMs = &timestampMs
	}
	return out
}

// RGBA copies the frame into dst as an opaque *image.RGBA and returns it.
// A nil dst, or one of another size, is replaced by a new image.
func (f Frame) RGBA(dst *image.RGBA) *image.RGBA {
	bounds := image.Rect(0, 0, f.Width, f.Height)
	if dst == nil || dst.Rect != bounds || dst.Stride != 4*f.Width {
		dst = image.NewRGBA(bounds)
	}
	for i, j := 0, 0; i < len(f.RGB); i, j = i+3, j+4 {
		dst.Pix[j], dst.Pix[j+1], dst.Pix[j+2] = f.RGB[i], f.RGB[i+1], f.RGB[i+2]
		dst.Pix[j+3] = 0xFF
	}
	return dst
}

// Source yields the frames of one video, webcam, image or folder in order.
type Source interface {
	// Next returns the next frame, or io.EOF after the last one. Any other
	// error concerns one frame: the returned Frame carries its Source and
	// Index, and the error names both. The next call goes on with the
	// following frame, or returns io.EOF when the source cannot go on.
	// A video read can fail without consuming a frame, so the frame after
	// an error may have the error's index.
	Next() (Frame, error)

	// Close releases the source. It may be called more than once.
	Close() error
}
