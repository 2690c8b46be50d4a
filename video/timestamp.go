package video

import "fmt"

// timestampRepair keeps a stream's timestamps strictly increasing.
type timestampRepair struct {
	previousMs float64
	started    bool
	periodMs   float64 // one frame period, or 1 ms when the frame rate is unknown
}

func newTimestampRepair(fps float64) timestampRepair {
	periodMs := 1.0
	if fps > 0 {
		periodMs = 1000 / fps
	}
	return timestampRepair{periodMs: periodMs}
}

// next returns timestampMs, or the previous timestamp plus one frame period
// when timestampMs is not after the previous one, with a note on the repair.
func (r *timestampRepair) next(timestampMs float64) (float64, string) {
	note := ""
	if r.started && !(timestampMs > r.previousMs) {
		repairedMs := r.previousMs + r.periodMs
		note = fmt.Sprintf("timestamp %.3f ms is not after the previous %.3f ms; "+
			"set to %.3f ms", timestampMs, r.previousMs, repairedMs)
		timestampMs = repairedMs
	}
	r.previousMs, r.started = timestampMs, true
	return timestampMs, note
}
