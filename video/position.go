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
// error for the frame at index, which did not read. Any stream ends after
// maxReadFailures failed reads in a row.
func (c *capture) readFailed(index int) error {
	if !c.live && c.pastEnd(index) {
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

// pastEnd reports whether a failed read of a video file at index is past
// the end of its stream. It is when the file declares no frame count, when
// index reaches the count, or when the last frame read reaches the
// duration that the count implies.
//
// OpenCV 4.6 takes the count from the container (MP4, AVI) or, where the
// container declares none (Matroska, WebM), estimates it as duration × fps.
// A variable-frame-rate stream has fewer frames than that estimate, so
// reads past its last frame fail before index reaches the count. The
// last frame is taken to reach the duration when its timestamp plus one
// frame period, or plus the interval before it when that is longer, is at
// least (count − 0.5) periods: the estimate rounds to a whole frame.
//
// NOTE: a variable-frame-rate file cut so that the frames lost span less
// than the interval before its last frame read ends without an error. At a
// constant frame rate, the rule ends the stream only after the last frame.
func (c *capture) pastEnd(index int) bool {
	if c.frameCount == 0 || index >= c.frameCount {
		return true
	}
	if c.framesRead == 0 || c.fps == 0 {
		return false
	}
	periodMs := c.timestamps.periodMs
	durationMs := (float64(c.frameCount) - 0.5) * periodMs
	return c.previousMs+max(periodMs, c.intervalMs) >= durationMs
}
