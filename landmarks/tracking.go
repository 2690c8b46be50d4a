package landmarks

import (
	"errors"
	"fmt"
	"image"
	"math"
)

// ErrTimestampOrder is returned by DetectVideo for a frame whose timestamp
// is not after the previous frame's.
var ErrTimestampOrder = errors.New("landmarks: video timestamps must strictly increase")

// videoState is the tracking state that DetectVideo carries from one frame
// to the next.
type videoState struct {
	tracked []trackedHand
	clock   videoClock
}

// videoClock checks that video frames come with increasing timestamps.
type videoClock struct {
	lastMs  float64
	started bool // a frame has been accepted since the last Reset
}

// accept checks a frame's timestamp and image, and records the timestamp
// when both are valid.
func (c *videoClock) accept(img image.Image, timestampMs float64) error {
	if c.started && !(timestampMs > c.lastMs) {
		return fmt.Errorf("%w: frame at %g ms follows one at %g ms",
			ErrTimestampOrder, timestampMs, c.lastMs)
	}
	if img.Bounds().Empty() {
		return ErrEmptyImage
	}
	c.lastMs, c.started = timestampMs, true
	return nil
}

// trackedHand is the region in which to look for a hand in the next
// frame, derived from its landmarks in the previous one.
type trackedHand struct {
	region    Rect
	palmScore float64 // of the palm detection that started the track
}

// videoRegion is a region to run the landmark model on in a video frame.
type videoRegion struct {
	scoredRect
	tracked bool // from the previous frame's landmarks, not a palm detection
}

// Settings of MediaPipe's hand_landmark_landmarks_to_roi graph. The region
// for the next frame is the rotated bounding box of the wrist and of the
// lower joints of each finger. It is moved a tenth of its height toward
// the wrist, squared on the long side and doubled.
var (
	landmarksToHandRegion = rectTransform{scaleX: 2, scaleY: 2, shiftY: -0.1, squareLong: true}

	// trackingLandmarks are the landmarks that the bounding box encloses:
	// the wrist, the thumb's CMC, MCP and IP joints, and the MCP and PIP
	// joints of the other four fingers. Fingertips are left out because
	// they move the most between frames.
	// Hands 0.4 uses this subset: with all 21 landmarks instead, the
	// mean distance to MediaPipe's own video-mode landmarks on the
	// sign-digit photos grows from 0.003 to 0.028.
	trackingLandmarks = []int{0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18}
)

// DetectVideo returns the hands in img, one frame of a video, tracking
// them from the previous frame as MediaPipe's hand_landmark_tracking_cpu
// graph does:
//
//   - each hand found in the previous frame gives this frame's region for
//     it: the rotated box around its wrist and finger joints, enlarged
//     (see landmarksToHandRegion);
//   - the palm detector runs only while fewer than NumHands hands are
//     tracked, and a palm region that overlaps a tracked region with IoU
//     above 0.5 is dropped in favour of the tracked one;
//   - a tracked hand whose presence score falls below
//     MinTrackingConfidence is dropped, and a newly detected one needs
//     MinPresenceConfidence;
//   - with WholeImageFallback, a frame in which no hand was tracked and no
//     palm leads to one gets the whole-image search that Detect does, and
//     a hand found that way is tracked.
//
// Hands come in MediaPipe's order: those from palm detections that overlap
// no tracked hand, then the tracked ones. A hand that repeats an earlier
// one is then dropped, and not tracked, unless KeepDuplicates is set. As in
// MediaPipe, the result can hold more than NumHands hands, when palms are
// searched for (fewer than NumHands tracked) and NumHands new palms
// overlap none of the tracked hands.
// PalmScore of a tracked hand is the score of the palm detection that
// started its track.
//
// timestampMs must be greater than that of the previous call since
// NewHandLandmarker or Reset. Otherwise DetectVideo returns an error
// wrapping ErrTimestampOrder and leaves the tracking state unchanged, so a
// caller with repeated or out-of-order timestamps must repair them first.
// Detect neither reads nor changes the tracking state.
func (h *HandLandmarker) DetectVideo(img image.Image, timestampMs float64) ([]Hand, error) {
	v := &h.video
	if err := v.clock.accept(img, timestampMs); err != nil {
		return nil, err
	}

	rgb := newRGBImage(img)
	var hands []Hand
	var next []trackedHand
	for _, region := range h.videoRegions(rgb) {
		minPresence := h.opts.MinPresenceConfidence
		if region.tracked {
			minPresence = h.opts.MinTrackingConfidence
		}
		hand, ok := h.landmarksIn(rgb, region.rect, minPresence)
		if !ok {
			continue
		}
		hand.PalmScore = region.score
		hands = append(hands, hand)
	}
	if len(hands) == 0 && len(v.tracked) == 0 && h.opts.WholeImageFallback {
		whole := Rect{XCenter: 0.5, YCenter: 0.5, Width: 1, Height: 1}
		if hand, ok := h.landmarksIn(rgb, whole, h.opts.MinPresenceConfidence); ok {
			hands = append(hands, hand)
		}
	}
	// A duplicate is dropped before its region is tracked, so the next
	// frame does not find it again.
	hands = h.dropDuplicates(hands, rgb.width, rgb.height)
	for _, hand := range hands {
		next = append(next, trackedHand{
			region:    handRegionFromLandmarks(hand.Landmarks, rgb.width, rgb.height),
			palmScore: hand.PalmScore,
		})
	}
	v.tracked = next
	return hands, nil
}

// Reset clears the tracked hands and the last timestamp, so the next
// DetectVideo call starts a new video.
func (h *HandLandmarker) Reset() { h.video = videoState{} }

// videoRegions returns the regions to run the landmark model on. Palm
// detection runs only while fewer than NumHands hands are tracked. The palm
// regions and then the tracked ones are merged as
// AssociationNormRectCalculator does: each region replaces the earlier
// regions that it overlaps with IoU above 0.5 and goes to the end.
func (h *HandLandmarker) videoRegions(img *rgbImage) []videoRegion {
	var merged []videoRegion
	if len(h.video.tracked) < h.opts.NumHands {
		for _, r := range h.handRegions(img) {
			merged = append(merged, videoRegion{scoredRect: r})
		}
	}
	for _, t := range h.video.tracked {
		r := videoRegion{scoredRect{rect: t.region, score: t.palmScore}, true}
		merged = deleteOverlappingRegions(merged, r.rect)
		merged = append(merged, r)
	}

	return merged
}

func deleteOverlappingRegions(regions []videoRegion, r Rect) []videoRegion {
	kept := regions[:0]
	for _, other := range regions {
		if other.rect.iou(r) <= handRectIoUToMerge {
			kept = append(kept, other)
		}
	}
	return kept
}

// handRegionFromLandmarks returns the region in which to look for the
// hand in the next frame, as HandLandmarksToRectCalculator and then
// RectTransformationCalculator compute it. The rotation turns upright the
// vector from the wrist to the mean of the index, middle and ring finger
// MCP joints, with the middle one weighted twice. The box is the bounding
// box of trackingLandmarks in that rotated frame, measured in pixels of a
// width×height image.
func handRegionFromLandmarks(lms [NumHandLandmarks]Landmark, width, height int) Rect {
	w, h := float64(width), float64(height)
	wrist, index, middle, ring := lms[0], lms[5], lms[9], lms[13]
	towardX := ((index.X+ring.X)/2 + middle.X) / 2
	towardY := ((index.Y+ring.Y)/2 + middle.Y) / 2
	rotation := rotationFromKeypoints(wrist.X*w, wrist.Y*h, towardX*w, towardY*h, 90)

	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, i := range trackingLandmarks {
		minX, maxX = min(minX, lms[i].X), max(maxX, lms[i].X)
		minY, maxY = min(minY, lms[i].Y), max(maxY, lms[i].Y)
	}
	centerX, centerY := (minX+maxX)/2, (minY+maxY)/2

	// Bounds in pixels, in the frame rotated by −rotation about the
	// axis-aligned centre.
	cos, sin := math.Cos(-rotation), math.Sin(-rotation)
	minX, minY = math.Inf(1), math.Inf(1)
	maxX, maxY = math.Inf(-1), math.Inf(-1)
	for _, i := range trackingLandmarks {
		x, y := (lms[i].X-centerX)*w, (lms[i].Y-centerY)*h
		px, py := x*cos-y*sin, x*sin+y*cos
		minX, maxX = min(minX, px), max(maxX, px)
		minY, maxY = min(minY, py), max(maxY, py)
	}
	midX, midY := (minX+maxX)/2, (minY+maxY)/2
	cos, sin = math.Cos(rotation), math.Sin(rotation)
	r := Rect{
		XCenter:  centerX + (midX*cos-midY*sin)/w,
		YCenter:  centerY + (midX*sin+midY*cos)/h,
		Width:    (maxX - minX) / w,
		Height:   (maxY - minY) / h,
		Rotation: rotation,
	}
	return landmarksToHandRegion.apply(r, width, height)
}
