package video

import (
	"fmt"
	"io"
	"math"

	"gocv.io/x/gocv"
)

// frameIndex returns the index of the frame just read, whose timestamp is
// clockMs when fromClock is set.
//
// OpenCV 4.6's FFmpeg backend reports in CAP_PROP_POS_FRAMES how many
// frames it has decoded, so the position minus one is the index unless
// failed reads lost frames. A failed read may or may not consume a frame:
// an MJPEG frame that does not decode is skipped, but the read that fails
// on the cut end of an H.264 MP4 is followed by the frame it was reading.
// So a failed read counts as a lost frame only when the timestamps show
// the gap (or for a webcam, whose failed reads are missed frames).
//
// NOTE: frames that the demuxer drops without an error (an AVI chunk whose
// header is overwritten) leave no trace in OpenCV's API, so the frames
// after them have indices, and timestamps, too small by that many frames.
func (c *capture) frameIndex(clockMs float64, fromClock bool) int {
	index := c.nextIndex + c.lostFrames(clockMs, fromClock)
	position := c.device.Get(gocv.VideoCapturePosFrames)
	if position-1 > float64(index) && !math.IsInf(position, 0) {
		index = int(position) - 1
	}
	return index
}

// lostFrames returns how many of the failed reads since the last frame
// read consumed a frame, as far as the timestamps show.
func (c *capture) lostFrames(clockMs float64, fromClock bool) int {
	switch {
	case c.failedReads == 0:
		return 0
	case c.live:
		return c.failedReads
	case !fromClock || !c.previousFromClock || c.fps == 0:
		return 0
	}
	lost := int(math.Round((clockMs-c.previousMs)/c.timestamps.periodMs)) - 1
	return min(max(lost, 0), c.failedReads)
}

// readFailed returns io.EOF at the end of the stream, and otherwise an
// error for the frame at index, which did not read. A video file ends at
// its first failed read past its declared frame count, or at any failed
// read when it declares none. Any stream ends after maxReadFailures failed
// reads in a row.
func (c *capture) readFailed(index int) error {
	if !c.live && (c.frameCount == 0 || index >= c.frameCount) {
		c.ended = true
		return io.EOF
	}
	c.failedReads++
	if c.failedReads < maxReadFailures {
		return fmt.Errorf("video: %s frame %d: %w: OpenCV could not read or decode it",
			c.name, index, ErrDecode)
	}
	c.ended = true
	return fmt.Errorf("video: %s frame %d: %w: OpenCV could not read or decode it; "+
		"stopping after %d failed reads in a row", c.name, index, ErrDecode, maxReadFailures)
}
