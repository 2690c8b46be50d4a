package video

import (
	"fmt"
	"io"
	"math"
	"time"

	"gocv.io/x/gocv"
)

// maxReadFailures is how many reads in a row may fail, each reported as an
// error for its frame, before the stream ends.
const maxReadFailures = 3

// capture reads frames from an OpenCV VideoCapture. Video files and webcams
// share it and differ only in their clock.
type capture struct {
	name      string
	device    *gocv.VideoCapture
	frame     gocv.Mat // the frame as decoded, BGR
	converter *rgbConverter
	rgb       []uint8

	index        int
	fps          float64 // 0 when the backend gives none
	frameCount   int     // frames the container declares; 0 when unknown
	live         bool    // a webcam, whose stream has no declared end
	readFailures int     // reads in a row that failed
	ended        bool
	closed       bool

	// clockMs returns the timestamp of the frame just read and, when it is
	// not the backend's own, a note saying where it came from.
	clockMs    func() (float64, string)
	timestamps timestampRepair
}

// newCapture wraps device, or returns an error naming name when the frame
// size that device reports exceeds MaxImagePixels.
func newCapture(name string, device *gocv.VideoCapture) (*capture, error) {
	width := int(device.Get(gocv.VideoCaptureFrameWidth))
	height := int(device.Get(gocv.VideoCaptureFrameHeight))
	if err := checkPixels(width, height); err != nil {
		return nil, fmt.Errorf("video: open %s: %w: %w", name, ErrOpen, err)
	}
	c := &capture{
		name:      name,
		device:    device,
		frame:     gocv.NewMat(),
		converter: newRGBConverter(),
	}
	if fps := device.Get(gocv.VideoCaptureFPS); fps > 0 && !math.IsInf(fps, 0) {
		c.fps = fps
	}
	c.timestamps = newTimestampRepair(c.fps)
	return c, nil
}

// useContainerClock makes timestamps come from the container, falling back
// to the frame index and the frame rate.
func (c *capture) useContainerClock() {
	if count := c.device.Get(gocv.VideoCaptureFrameCount); count > 0 {
		c.frameCount = int(count)
	}
	c.clockMs = func() (float64, string) {
		positionMs := c.device.Get(gocv.VideoCapturePosMsec)
		if positionMs > 0 || (positionMs == 0 && c.index == 0) {
			return positionMs, ""
		}
		// The period is 1000/fps, or 1 ms when the frame rate is unknown too.
		return float64(c.index) * c.timestamps.periodMs,
			"timestamp from frame index and frame rate"
	}
}

// useWallClock makes timestamps the wall-clock time since this call and
// marks the stream as live.
func (c *capture) useWallClock() {
	c.live = true
	start := time.Now()
	c.clockMs = func() (float64, string) {
		return float64(time.Since(start).Microseconds()) / 1000, ""
	}
}

// Next reads, converts and returns the next frame. The frame's RGB buffer
// is reused by the next call.
func (c *capture) Next() (Frame, error) {
	if c.closed {
		return Frame{}, fmt.Errorf("video: read %s: source is closed", c.name)
	}
	if c.ended {
		return Frame{}, io.EOF
	}
	frame := Frame{Source: c.name, Path: c.name, Index: c.index}
	if !c.device.Read(&c.frame) || c.frame.Empty() {
		return frame, c.readFailed()
	}
	c.readFailures = 0

	timestampMs, note := c.clockMs()
	if note != "" {
		frame.Notes = append(frame.Notes, note)
	}
	timestampMs, note = c.timestamps.next(timestampMs)
	if note != "" {
		frame.Notes = append(frame.Notes, note)
	}
	frame.TimestampMs = &timestampMs
	c.index++

	// OpenCV 4.6's FFmpeg backend returns every frame at the size it
	// reported at open. This check is for backends that return each frame
	// at its own size.
	width, height := c.frame.Cols(), c.frame.Rows()
	if err := checkPixels(width, height); err != nil {
		return frame, fmt.Errorf("video: %s frame %d: %w", c.name, frame.Index, err)
	}

	var err error
	c.rgb, err = c.converter.convert(c.frame, c.rgb)
	if err != nil {
		return frame, fmt.Errorf("video: %s frame %d: %w", c.name, frame.Index, err)
	}
	frame.RGB, frame.Width, frame.Height = c.rgb, width, height
	return frame, nil
}

// readFailed returns io.EOF at the end of the stream, and otherwise an
// error for the frame that did not read. A video file ends at its first
// failed read past its declared frame count, or at any failed read when it
// declares none. Any stream ends after maxReadFailures failed reads in a
// row.
func (c *capture) readFailed() error {
	if !c.live && (c.frameCount == 0 || c.index >= c.frameCount) {
		c.ended = true
		return io.EOF
	}
	index := c.index
	c.index++
	c.readFailures++
	if c.readFailures < maxReadFailures {
		return fmt.Errorf("video: %s frame %d: %w: OpenCV could not read or decode it",
			c.name, index, ErrDecode)
	}
	c.ended = true
	return fmt.Errorf("video: %s frame %d: %w: OpenCV could not read or decode it; "+
		"stopping after %d failed reads in a row", c.name, index, ErrDecode, maxReadFailures)
}

// Close releases the capture and its Mats. It may be called more than once.
func (c *capture) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.frame.Close()
	c.converter.Close()
	return c.device.Close()
}
