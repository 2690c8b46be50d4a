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

	nextIndex   int     // index of the frame after the last one read
	framesRead  int     // frames read without error from the backend
	failedReads int     // reads that failed since the last frame read
	fps         float64 // 0 when the backend gives none
	frameCount  int     // frames the container declares or OpenCV estimates; 0 when unknown
	live        bool    // a webcam, whose stream has no declared end
	ended       bool
	closed      bool

	// clockMs returns the timestamp of the frame just read, and false when
	// the backend gives none for it.
	clockMs func() (float64, bool)

	// previousMs is the timestamp of the last frame read, before repair,
	// and previousFromClock whether clockMs gave it. intervalMs is the
	// interval between the last two frames read.
	previousMs        float64
	previousFromClock bool
	intervalMs        float64
	timestamps        timestampRepair
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
	c.clockMs = func() (float64, bool) {
		// OpenCV returns 0 for a frame without a timestamp, so 0 counts
		// only for the first frame.
		positionMs := c.device.Get(gocv.VideoCapturePosMsec)
		return positionMs, positionMs > 0 || (positionMs == 0 && c.framesRead == 0)
	}
}

// useWallClock makes timestamps the wall-clock time since this call and
// marks the stream as live.
func (c *capture) useWallClock() {
	c.live = true
	start := time.Now()
	c.clockMs = func() (float64, bool) {
		return float64(time.Since(start).Microseconds()) / 1000, true
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
	frame := Frame{Source: c.name, Path: c.name, Index: c.nextIndex + c.failedReads}
	if !c.device.Read(&c.frame) || c.frame.Empty() {
		return frame, c.readFailed(frame.Index)
	}

	frame.Index, frame.TimestampMs, frame.Notes = c.place()

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

// place returns the index and timestamp of the frame just read, with notes
// on how they were found, and records them for the next frame.
func (c *capture) place() (index int, timestampMs *float64, notes []string) {
	clockMs, fromClock := c.clockMs()
	index = c.frameIndex(clockMs, fromClock)
	if !fromClock {
		// The period is 1000/fps, or 1 ms when the frame rate is unknown too.
		clockMs = float64(index) * c.timestamps.periodMs
		notes = append(notes, "timestamp from frame index and frame rate")
	}
	if c.framesRead > 0 {
		c.intervalMs = clockMs - c.previousMs
	}
	c.previousMs, c.previousFromClock = clockMs, fromClock
	c.nextIndex, c.failedReads = index+1, 0
	c.framesRead++

	repairedMs, note := c.timestamps.next(clockMs)
	if note != "" {
		notes = append(notes, note)
	}
	return index, &repairedMs, notes
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
