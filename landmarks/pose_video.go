package landmarks

import (
	"image"
	"math"
)

// poseVideoState is the tracking state that PoseLandmarker.DetectVideo
// carries from one frame to the next.
type poseVideoState struct {
	region         *Rect   // from the previous frame's auxiliary points
	detectionScore float64 // of the detection that started the track
	filter         auxFilter
	clock          videoClock
}

// DetectVideo returns the body in img, one frame of a video, tracking it
// from the previous frame as MediaPipe's pose_landmark_cpu graph does:
//
//   - while a body is tracked, the pose detector does not run. The
//     landmark model looks in the region given by the previous frame's
//     auxiliary points, the hips' midpoint and a scale point. They are
//     smoothed over time as below, and the region is enlarged 1.25× and
//     squared;
//   - when the pose presence score in that region falls below
//     MinTrackingConfidence, the frame has no body and the next frame runs
//     the detector again (a newly detected body needs
//     MinPresenceConfidence);
//   - the auxiliary points are smoothed with MediaPipe's one-euro filter
//     (minimum cutoff 0.01 Hz, beta 10, derivative cutoff 1 Hz, velocity
//     divided by the size of the region the points span), which MediaPipe
//     applies whether or not landmark smoothing is on. The returned
//     landmarks are not smoothed.
//
// DetectionScore of a tracked body is that of the detection that started
// its track. timestampMs must be greater than that of the previous call
// since NewPoseLandmarker or Reset; otherwise DetectVideo returns an error
// wrapping ErrTimestampOrder and changes nothing. Detect neither reads nor
// changes the tracking state.
func (p *PoseLandmarker) DetectVideo(img image.Image, timestampMs float64) (*Pose, error) {
	v := &p.video
	if err := v.clock.accept(img, timestampMs); err != nil {
		return nil, err
	}

	rgb := newRGBImage(img)
	minPresence := p.opts.MinTrackingConfidence
	if v.region == nil {
		det, ok := p.detectBody(rgb)
		if !ok {
			v.filter.reset()
			return nil, nil
		}
		region := bodyRegion(det, rgb.width, rgb.height)
		v.region, v.detectionScore = &region, det.score
		minPresence = p.opts.MinPresenceConfidence
	}
	pose, aux, ok := p.landmarksIn(rgb, *v.region, minPresence)
	if !ok {
		v.region = nil
		v.filter.reset()
		return nil, nil
	}
	pose.DetectionScore = v.detectionScore
	smoothed := v.filter.apply(aux, timestampMs, rgb.width, rgb.height)
	next := alignedBodyRegion([2]float64{smoothed[0][0], smoothed[0][1]},
		[2]float64{smoothed[1][0], smoothed[1][1]}, rgb.width, rgb.height)
	v.region = &next
	return pose, nil
}

// Reset clears the tracked body and the last timestamp, so the next
// DetectVideo call starts a new video.
func (p *PoseLandmarker) Reset() { p.video = poseVideoState{} }

// Settings of the auxiliary points' LandmarksSmoothingCalculator in
// MediaPipe's pose_landmark_filtering graph, as @mediapipe/pose 0.5 runs
// it. Another MediaPipe version's graph uses beta 1 and scales velocities
// by the points' bounding box. With those settings the results differ
// from the solution's video mode from the fourth frame on (checked
// against its output).
const (
	auxMinCutoff        = 0.01
	auxBeta             = 10.0
	auxDerivativeCutoff = 1.0
	auxMinObjectScale   = 1e-6
)

// auxFilter smooths the auxiliary points as MediaPipe's
// LandmarksSmoothingCalculator with a one-euro filter does. Each
// coordinate, in pixels (z scaled by the width), has its own filter.
// Velocities are divided by the object scale, so smoothing does not depend
// on the body's size. The scale is the side of the square region that
// AlignmentPointsRectsCalculator makes from the two points: twice their
// distance.
type auxFilter struct {
	filters [numAuxPoints][3]oneEuro
	active  bool
}

func (f *auxFilter) reset() { *f = auxFilter{} }

// apply returns the smoothed points, normalised like points.
func (f *auxFilter) apply(points [numAuxPoints][3]float64, timestampMs float64, width, height int) [numAuxPoints][3]float64 {
	w, h := float64(width), float64(height)
	var px [numAuxPoints][3]float64
	for i, p := range points {
		px[i] = [3]float64{p[0] * w, p[1] * h, p[2] * w}
	}
	if !f.active {
		for i := range f.filters {
			for j := range f.filters[i] {
				f.filters[i][j] = newOneEuro(auxMinCutoff, auxBeta, auxDerivativeCutoff)
			}
		}
		f.active = true
	}
	scale := 2 * math.Hypot(px[1][0]-px[0][0], px[1][1]-px[0][1])
	if scale < auxMinObjectScale {
		return points
	}
	var out [numAuxPoints][3]float64
	for i := range px {
		for j := range px[i] {
			out[i][j] = f.filters[i][j].apply(timestampMs, 1/scale, px[i][j])
		}
		out[i] = [3]float64{out[i][0] / w, out[i][1] / h, out[i][2] / w}
	}
	return out
}

// oneEuro is the one-euro filter (Casiez, Roussel and Vogel, CHI 2012) as
// MediaPipe's OneEuroFilter implements it: a low-pass filter whose cutoff
// rises with the smoothed speed of the value.
type oneEuro struct {
	minCutoff, beta, derivativeCutoff float64
	frequency                         float64 // Hz, from the last two timestamps
	lastMs                            float64
	x, dx                             lowPass
}

func newOneEuro(minCutoff, beta, derivativeCutoff float64) oneEuro {
	return oneEuro{minCutoff: minCutoff, beta: beta, derivativeCutoff: derivativeCutoff,
		frequency: 30}
}

// apply filters value at timestampMs. valueScale converts the value's
// change into the units that beta expects. As in MediaPipe, a timestamp
// not after the last one (which starts at 0) returns value unfiltered, and
// the sampling frequency stays at its initial 30 Hz until two nonzero
// timestamps have been seen.
func (f *oneEuro) apply(timestampMs, valueScale, value float64) float64 {
	if f.lastMs >= timestampMs {
		return value
	}
	if f.lastMs != 0 && timestampMs != 0 {
		f.frequency = 1000 / (timestampMs - f.lastMs)
	}
	f.lastMs = timestampMs
	speed := 0.0
	if f.x.initialized {
		speed = (value - f.x.raw) * valueScale * f.frequency
	}
	smoothedSpeed := f.dx.apply(speed, f.alpha(f.derivativeCutoff))
	cutoff := f.minCutoff + f.beta*math.Abs(smoothedSpeed)
	return f.x.apply(value, f.alpha(cutoff))
}

// alpha is the smoothing factor of a first-order low-pass filter with the
// given cutoff (Hz) at the current sampling frequency.
func (f *oneEuro) alpha(cutoff float64) float64 {
	te := 1 / f.frequency
	tau := 1 / (2 * math.Pi * cutoff)
	return 1 / (1 + tau/te)
}

// lowPass is an exponential moving average that remembers its last raw
// input.
type lowPass struct {
	raw, stored float64
	initialized bool
}

func (l *lowPass) apply(value, alpha float64) float64 {
	out := value
	if l.initialized {
		out = alpha*value + (1-alpha)*l.stored
	}
	l.raw, l.stored, l.initialized = value, out, true
	return out
}
