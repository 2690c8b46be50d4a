package landmarks

import (
	"fmt"
	"image"
	"math"

	"pipeline/landmarks/tflite"
	"pipeline/third_party/mediapipe"
)

// NumPoseLandmarks is the number of body landmarks, in MediaPipe's order
// (0 nose, 11–12 shoulders, 23–24 hips, 31–32 foot index).
const NumPoseLandmarks = 33

// PoseModel selects the pose landmark model.
type PoseModel int

const (
	PoseFull  PoseModel = iota // pose_landmark_full, MediaPipe's model complexity 1
	PoseLite                   // pose_landmark_lite, complexity 0
	PoseHeavy                  // pose_landmark_heavy, complexity 2 (needs -tags mediapipe_heavy)
)

// PoseOptions configures a PoseLandmarker. A zero confidence means
// MediaPipe's default, 0.5.
type PoseOptions struct {
	MinDetectionConfidence float64 // minimum score of the pose detector
	MinPresenceConfidence  float64 // minimum pose presence score of the landmark model

	// MinTrackingConfidence is the minimum pose presence score of a body
	// tracked from the previous video frame. DetectVideo ends the track
	// below it, and Detect does not use it.
	MinTrackingConfidence float64

	Model PoseModel

	// Threads is the number of goroutines each model inference may use
	// (default 1), as HandOptions.Threads.
	Threads int
}

// PoseLandmark is one body keypoint: X and Y normalised to the image, Z
// depth on about the scale of X with the hips' midpoint at 0 (world
// landmarks: metres from the hips' midpoint), and the model's visibility
// and presence probabilities.
type PoseLandmark struct {
	X, Y, Z              float64
	Visibility, Presence float64
}

// Pose is one detected body.
type Pose struct {
	Landmarks      [NumPoseLandmarks]PoseLandmark
	WorldLandmarks [NumPoseLandmarks]PoseLandmark
	Presence       float64 // pose presence score of the landmark model
	DetectionScore float64 // score of the pose detection that found the body
	Region         Rect    // the rotated region the landmark model saw
}

// Settings of MediaPipe's pose_detection_cpu, pose_detection_to_roi and
// pose_landmark_by_roi_cpu graphs (pose solution 0.5).
const (
	poseDetectorSize  = 224
	poseLandmarkSize  = 256
	poseNMSThreshold  = 0.3
	poseHeatmapSize   = 64
	poseRefineKernel  = 7 // RefineLandmarksFromHeatmapCalculator kernel_size
	poseRefineMinimum = 0.5
	poseRawLandmarks  = 39 // 33 landmarks and 6 auxiliary points
	numAuxPoints      = 2  // auxiliary points that place the next frame's region

	poseSegmentationOutput = 2 // the landmark model's mask, not computed
)

var poseAnchors = ssdAnchors(anchorOptions{
	inputWidth: poseDetectorSize, inputHeight: poseDetectorSize,
	strides: []int{8, 16, 32, 32, 32}, offsetX: 0.5, offsetY: 0.5, anchorsPerLayer: 2,
})

var poseDecode = decodeOptions{
	numCoords: 12, numKeypoints: 4, keypointOffset: 4,
	scaleX: poseDetectorSize, scaleY: poseDetectorSize,
	scaleW: poseDetectorSize, scaleH: poseDetectorSize,
	scoreClipThreshold: 100,
}

// PoseLandmarker finds one body per image with MediaPipe's pose detector
// and pose landmark model. It is not safe for concurrent use.
type PoseLandmarker struct {
	opts     PoseOptions
	detector *tflite.Interpreter
	landmark *tflite.Interpreter

	video        poseVideoState
	detectorRuns int // pose detector invocations, for tests and benchmarks
	landmarkRuns int // landmark model invocations
}

// NewPoseLandmarker loads the embedded models.
func NewPoseLandmarker(opts PoseOptions) (*PoseLandmarker, error) {
	if opts.MinDetectionConfidence == 0 {
		opts.MinDetectionConfidence = 0.5
	}
	if opts.MinPresenceConfidence == 0 {
		opts.MinPresenceConfidence = 0.5
	}
	if opts.MinTrackingConfidence == 0 {
		opts.MinTrackingConfidence = 0.5
	}
	names := map[PoseModel]string{PoseFull: mediapipe.PoseLandmarkFull,
		PoseLite: mediapipe.PoseLandmarkLite, PoseHeavy: mediapipe.PoseLandmarkHeavy}
	name, ok := names[opts.Model]
	if !ok {
		return nil, fmt.Errorf("landmarks: unknown pose model %d", opts.Model)
	}
	detector, err := loadModel(mediapipe.PoseDetection)
	if err != nil {
		return nil, err
	}
	landmark, err := loadModel(name)
	if err != nil {
		return nil, err
	}
	// Output 2 is the segmentation mask, which nothing here reads.
	if err := landmark.SkipOutputs(poseSegmentationOutput); err != nil {
		return nil, fmt.Errorf("landmarks: %s: %w", name, err)
	}
	detector.SetThreads(opts.Threads)
	landmark.SetThreads(opts.Threads)
	return &PoseLandmarker{opts: opts, detector: detector, landmark: landmark}, nil
}

// Close stops the goroutines that the Threads option started. It is safe to
// call more than once, and the landmarker still works after it, on one
// thread.
func (p *PoseLandmarker) Close() error {
	p.detector.Close()
	p.landmark.Close()
	return nil
}

// Detect returns the body in img with the highest detection score, or nil
// when there is none.
func (p *PoseLandmarker) Detect(img image.Image) (*Pose, error) {
	if img.Bounds().Empty() {
		return nil, ErrEmptyImage
	}
	rgb := newRGBImage(img)
	det, ok := p.detectBody(rgb)
	if !ok {
		return nil, nil
	}
	region := bodyRegion(det, rgb.width, rgb.height)
	pose, _, ok := p.landmarksIn(rgb, region, p.opts.MinPresenceConfidence)
	if !ok {
		return nil, nil
	}
	pose.DetectionScore = det.score
	return pose, nil
}

// detectBody runs the pose detector and returns its best detection,
// normalised to the image.
func (p *PoseLandmarker) detectBody(img *rgbImage) (detection, bool) {
	whole := pixelRect{xCenter: float64(img.width) / 2, yCenter: float64(img.height) / 2,
		width: float64(img.width), height: float64(img.height)}
	region, pad := fitRect(whole, poseDetectorSize, poseDetectorSize)
	warpTensor(p.detector.Input(0).Data, poseDetectorSize, poseDetectorSize, img, region,
		-1, 1, borderZero)
	p.detector.Invoke()
	p.detectorRuns++

	opts := poseDecode
	opts.minScore = p.opts.MinDetectionConfidence
	dets := decodeDetections(p.detector.Output(0).Data, p.detector.Output(1).Data,
		poseAnchors, opts)
	dets = weightedNMS(dets, poseNMSThreshold)
	if len(dets) == 0 {
		return detection{}, false
	}
	return dets[0].removeLetterbox(pad), true
}

// bodyRegion returns the region around a body as pose_detection_to_roi
// makes it from a detection's first two keypoints.
func bodyRegion(d detection, width, height int) Rect {
	return alignedBodyRegion(d.keypoints[0], d.keypoints[1], width, height)
}

// alignedBodyRegion returns the region around a body given two alignment
// points normalised to a width×height image, as MediaPipe's
// AlignmentPointsRectsCalculator and RectTransformationCalculator make it.
// The region is centred on the hips' midpoint and twice as wide as its
// distance to the scale point. It is rotated so that the vector between
// them points up, then enlarged 1.25× and squared.
func alignedBodyRegion(center, scale [2]float64, width, height int) Rect {
	w, h := float64(width), float64(height)
	cx, cy := center[0]*w, center[1]*h
	sx, sy := scale[0]*w, scale[1]*h
	size := 2 * math.Hypot(sx-cx, sy-cy)
	r := Rect{XCenter: cx / w, YCenter: cy / h, Width: size / w, Height: size / h,
		Rotation: rotationFromKeypoints(cx, cy, sx, sy, 90)}
	return rectTransform{scaleX: 1.25, scaleY: 1.25, squareLong: true}.apply(r, width, height)
}

// landmarksIn runs the landmark model on region; ok is false when the pose
// presence score is below minPresence. aux holds the two
// auxiliary points (hips' midpoint and scale point) that the model gives
// after the 33 landmarks, normalised to the image, for the next frame's
// region.
func (p *PoseLandmarker) landmarksIn(img *rgbImage, region Rect, minPresence float64) (pose *Pose, aux [numAuxPoints][3]float64, ok bool) {
	crop, pad := fitRect(region.toPixels(img.width, img.height), poseLandmarkSize,
		poseLandmarkSize)
	warpTensor(p.landmark.Input(0).Data, poseLandmarkSize, poseLandmarkSize, img, crop,
		0, 1, borderReplicate)
	p.landmark.Invoke()
	p.landmarkRuns++

	pose = &Pose{Region: region, Presence: float64(p.landmark.Output(1).Data[0])}
	if pose.Presence < minPresence {
		return nil, aux, false
	}
	raw := p.landmark.Output(0).Data
	heatmap := p.landmark.Output(3).Data
	world := p.landmark.Output(4).Data
	for i := 0; i < NumPoseLandmarks+numAuxPoints; i++ {
		v := raw[5*i : 5*i+5]
		x := float64(v[0]) / poseLandmarkSize
		y := float64(v[1]) / poseLandmarkSize
		x, y = refineFromHeatmap(heatmap, i, x, y)
		x, y = pad.remove(x, y)
		x, y = region.project(x, y)
		z := float64(v[2]) / poseLandmarkSize * region.Width
		if i >= NumPoseLandmarks {
			aux[i-NumPoseLandmarks] = [3]float64{x, y, z}
			continue
		}
		visibility := float64(sigmoid(v[3]))
		presence := float64(sigmoid(v[4]))
		pose.Landmarks[i] = PoseLandmark{x, y, z, visibility, presence}

		wx, wy := region.rotate(float64(world[3*i]), float64(world[3*i+1]))
		pose.WorldLandmarks[i] = PoseLandmark{wx, wy, float64(world[3*i+2]), visibility, presence}
	}
	return pose, aux, true
}

// refineFromHeatmap moves landmark i, normalised to the crop, to the
// confidence-weighted centre of the 7×7 heatmap cells around it, as
// RefineLandmarksFromHeatmapCalculator does, when the largest sigmoid
// confidence there reaches 0.5.
//
//	heatmap: [64, 64, 39]
func refineFromHeatmap(heatmap []float32, i int, x, y float64) (float64, float64) {
	col, row := int(x*poseHeatmapSize), int(y*poseHeatmapSize)
	if col < 0 || col >= poseHeatmapSize || row < 0 || row >= poseHeatmapSize {
		return x, y
	}
	half := (poseRefineKernel - 1) / 2
	var sum, sumCol, sumRow, best float64
	for r := max(0, row-half); r < min(poseHeatmapSize, row+half+1); r++ {
		for c := max(0, col-half); c < min(poseHeatmapSize, col+half+1); c++ {
			confidence := float64(sigmoid(heatmap[(r*poseHeatmapSize+c)*poseRawLandmarks+i]))
			sum += confidence
			sumCol += float64(c) * confidence
			sumRow += float64(r) * confidence
			best = max(best, confidence)
		}
	}
	if best < poseRefineMinimum || sum == 0 {
		return x, y
	}
	return sumCol / poseHeatmapSize / sum, sumRow / poseHeatmapSize / sum
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}
