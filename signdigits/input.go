package signdigits

import (
	"math"

	"pipeline/landmarks"
)

// Model input geometry: x, y and z of the 21 hand landmarks.
const (
	Channels = 3
	Points   = landmarks.NumHandLandmarks
)

// Input writes the model input of a hand, [3, 21] values (all x, then all
// y, then all z), into dst (allocated when nil) and returns it. The
// landmarks are taken to pixels, moved so that the wrist is the origin and
// divided by the hand size, the distance from the wrist to the middle
// finger's MCP joint (landmark 9). MediaPipe gives z on about the scale of
// x, so z is scaled by the image width the same way. The result does not
// depend on where the hand is or how large it appears.
func Input(dst []float32, hand *landmarks.Hand, width, height int) []float32 {
	if dst == nil {
		dst = make([]float32, Channels*Points)
	}
	w, h := float64(width), float64(height)
	wrist := hand.Landmarks[0]
	mcp := hand.Landmarks[9]
	size := math.Hypot((mcp.X-wrist.X)*w, (mcp.Y-wrist.Y)*h)
	if size == 0 {
		size = 1
	}
	for i, p := range hand.Landmarks {
		dst[i] = float32((p.X - wrist.X) * w / size)
		dst[Points+i] = float32((p.Y - wrist.Y) * h / size)
		dst[2*Points+i] = float32((p.Z - wrist.Z) * w / size)
	}
	return dst
}

// HandOptions returns the options with which the signdigits model finds
// hands, in training and in prediction: MediaPipe's defaults plus
// landmarks.HandOptions.WholeImageFallback. Without the fallback, 254 of
// the 1,961 sign-digit photos (100×100 close-ups) get no hand.
func HandOptions() landmarks.HandOptions {
	return landmarks.HandOptions{WholeImageFallback: true}
}

// BestHand returns the hand with the highest presence score, or nil.
func BestHand(hands []landmarks.Hand) *landmarks.Hand {
	var best *landmarks.Hand
	for i := range hands {
		if best == nil || hands[i].Presence > best.Presence {
			best = &hands[i]
		}
	}
	return best
}
