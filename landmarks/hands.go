package landmarks

import (
	"errors"
	"fmt"
	"image"

	"pipeline/landmarks/tflite"
	"pipeline/third_party/mediapipe"
)

// NumHandLandmarks is the number of landmarks per hand, in MediaPipe's
// order: wrist, then four per finger from thumb to little finger.
const NumHandLandmarks = 21

// HandOptions configures a HandLandmarker. The zero value of a field means
// MediaPipe's default, given beside it.
type HandOptions struct {
	NumHands int // maximum number of hands (default 2)

	// MinDetectionConfidence is the palm detector's minimum score
	// (default 0.5).
	MinDetectionConfidence float64

	// MinPresenceConfidence is the landmark model's minimum hand presence
	// score (default 0.5).
	MinPresenceConfidence float64

	// MinTrackingConfidence is the minimum hand presence score of a hand
	// tracked from the previous video frame (default 0.5). DetectVideo
	// drops a tracked hand below it, and Detect does not use it.
	MinTrackingConfidence float64

	// Lite selects palm_detection_lite and hand_landmark_lite (MediaPipe's
	// model complexity 0) instead of the full models.
	Lite bool

	// WholeImageFallback makes Detect, when it finds no hand from palm
	// detections, run the landmark model on the whole image (made square
	// by repeating its edge pixels) and keep that hand if its presence
	// score reaches MinPresenceConfidence. It finds hands that fill the image, as in
	// close-up photos, which the palm detector often misses. MediaPipe has
	// no such option. DetectVideo uses it only on frames where no hand was
	// tracked.
	WholeImageFallback bool

	// KeepDuplicates keeps hands that repeat another hand of the same
	// image. By default they are dropped, as MediaPipe Tasks' hand
	// landmarker does (see duplicateHands). MediaPipe's older hands
	// solution keeps them. In video mode it reports a hand twice when a
	// palm region and a tracked region of it overlap too little to merge.
	KeepDuplicates bool

	// Threads is the number of goroutines each model inference may use
	// (default 1). More threads help when one landmarker has the cores to
	// itself, as when DetectVideo tracks one video. The results are the
	// same bits for any number, and Close stops the goroutines.
	Threads int
}

func (o HandOptions) withDefaults() HandOptions {
	if o.NumHands == 0 {
		o.NumHands = 2
	}
	if o.MinDetectionConfidence == 0 {
		o.MinDetectionConfidence = 0.5
	}
	if o.MinPresenceConfidence == 0 {
		o.MinPresenceConfidence = 0.5
	}
	if o.MinTrackingConfidence == 0 {
		o.MinTrackingConfidence = 0.5
	}
	return o
}

// Landmark is one keypoint. For image landmarks X and Y are normalised to
// the image width and height and Z is depth relative to the wrist, on
// about the scale of X (smaller is nearer the camera). For world landmarks
// all three are metres from the hand's centre.
type Landmark struct{ X, Y, Z float64 }

// Hand is one detected hand.
type Hand struct {
	Landmarks      [NumHandLandmarks]Landmark
	WorldLandmarks [NumHandLandmarks]Landmark

	// Handedness is MediaPipe's label, "Left" or "Right", with its score.
	// MediaPipe's model assumes a mirrored (selfie) image, so on a plain,
	// unmirrored photo "Left" is the person's right hand: use
	// PersonHandedness for the anatomical hand.
	Handedness      string
	HandednessScore float64

	Presence  float64 // hand presence score of the landmark model
	PalmScore float64 // score of the palm detection that found the hand
	Region    Rect    // the rotated region the landmark model saw
}

// PersonHandedness returns which hand of the person this is, given
// whether the image was mirrored (as a selfie camera preview is).
func (h Hand) PersonHandedness(mirrored bool) string {
	if mirrored {
		return h.Handedness
	}
	if h.Handedness == "Left" {
		return "Right"
	}
	return "Left"
}

// Settings of MediaPipe's palm_detection_cpu and hand_landmark_cpu graphs
// (hands solution 0.4).
const (
	palmInputSize      = 192
	palmNMSThreshold   = 0.3
	handInputSize      = 224
	handRectIoUToMerge = 0.5 // AssociationNormRectCalculator threshold
	// Depth scale of hand_landmark's TensorsToLandmarksCalculator
	// (normalize_z), for the z distribution of the training data.
	handNormalizeZ = 0.4
)

var palmAnchors = ssdAnchors(anchorOptions{
	inputWidth: palmInputSize, inputHeight: palmInputSize,
	strides: []int{8, 16, 16, 16}, offsetX: 0.5, offsetY: 0.5, anchorsPerLayer: 2,
})

var palmDecode = decodeOptions{
	numCoords: 18, numKeypoints: 7, keypointOffset: 4,
	scaleX: palmInputSize, scaleY: palmInputSize,
	scaleW: palmInputSize, scaleH: palmInputSize,
	scoreClipThreshold: 100,
}

// The hand region from a palm: rotated so wrist (keypoint 0) → middle
// finger MCP (keypoint 2) points up, moved half its height toward the
// fingers, squared on the long side and enlarged 2.6 times.
var palmToHandRegion = rectTransform{scaleX: 2.6, scaleY: 2.6, shiftY: -0.5, squareLong: true}

// HandLandmarker finds hands in images with MediaPipe's palm detector and
// hand landmark model. It is not safe for concurrent use; create one per
// goroutine.
type HandLandmarker struct {
	opts     HandOptions
	palm     *tflite.Interpreter
	landmark *tflite.Interpreter

	video        videoState
	palmRuns     int // palm detector invocations, for tests and benchmarks
	landmarkRuns int // landmark model invocations
}

// NewHandLandmarker loads the embedded models.
func NewHandLandmarker(opts HandOptions) (*HandLandmarker, error) {
	opts = opts.withDefaults()
	if opts.NumHands < 1 {
		return nil, fmt.Errorf("landmarks: NumHands %d, expected at least 1", opts.NumHands)
	}
	palmName, handName := mediapipe.PalmDetectionFull, mediapipe.HandLandmarkFull
	if opts.Lite {
		palmName, handName = mediapipe.PalmDetectionLite, mediapipe.HandLandmarkLite
	}
	palm, err := loadModel(palmName)
	if err != nil {
		return nil, err
	}
	landmark, err := loadModel(handName)
	if err != nil {
		return nil, err
	}
	palm.SetThreads(opts.Threads)
	landmark.SetThreads(opts.Threads)
	return &HandLandmarker{opts: opts, palm: palm, landmark: landmark}, nil
}

func loadModel(name string) (*tflite.Interpreter, error) {
	data, err := mediapipe.Load(name)
	if err != nil {
		return nil, fmt.Errorf("landmarks: %w", err)
	}
	ip, err := tflite.New(data)
	if err != nil {
		return nil, fmt.Errorf("landmarks: load %s: %w", name, err)
	}
	return ip, nil
}

// Close stops the goroutines that the Threads option started. It is safe to
// call more than once, and the landmarker still works after it, on one
// thread.
func (h *HandLandmarker) Close() error {
	h.palm.Close()
	h.landmark.Close()
	return nil
}

// ErrEmptyImage is returned for an image with no pixels.
var ErrEmptyImage = errors.New("landmarks: empty image")

// Detect returns the hands in img, at most NumHands, in the order of their
// palm detections (highest score first). As MediaPipe's static image mode
// does, it runs palm detection on every call and may report one hand twice
// when two palm detections of it overlap too little to be merged. With
// WholeImageFallback, an image where no palm leads to a hand may yield one
// hand whose PalmScore is 0.
func (h *HandLandmarker) Detect(img image.Image) ([]Hand, error) {
	if img.Bounds().Empty() {
		return nil, ErrEmptyImage
	}
	rgb := newRGBImage(img)
	var hands []Hand
	for _, region := range h.handRegions(rgb) {
		hand, ok := h.landmarksIn(rgb, region.rect, h.opts.MinPresenceConfidence)
		if ok {
			hand.PalmScore = region.score
			hands = append(hands, hand)
		}
	}
	if len(hands) == 0 && h.opts.WholeImageFallback {
		whole := Rect{XCenter: 0.5, YCenter: 0.5, Width: 1, Height: 1}
		if hand, ok := h.landmarksIn(rgb, whole, h.opts.MinPresenceConfidence); ok {
			hands = append(hands, hand)
		}
	}
	return h.dropDuplicates(hands, rgb.width, rgb.height), nil
}

// dropDuplicates removes the hands that repeat an earlier one, unless
// KeepDuplicates is set.
func (h *HandLandmarker) dropDuplicates(hands []Hand, width, height int) []Hand {
	if h.opts.KeepDuplicates {
		return hands
	}
	duplicate := duplicateHands(hands, width, height)
	kept := hands[:0]
	for i, hand := range hands {
		if !duplicate[i] {
			kept = append(kept, hand)
		}
	}
	return kept
}

type scoredRect struct {
	rect  Rect
	score float64
}

// handRegions runs the palm detector and returns the hand regions, merged
// as AssociationNormRectCalculator does: a later region replaces earlier
// ones that it overlaps with IoU above 0.5.
func (h *HandLandmarker) handRegions(img *rgbImage) []scoredRect {
	palms := h.detectPalms(img)
	var regions []scoredRect
	for _, palm := range palms {
		r := palm.rect(0, 2, 90, img.width, img.height)
		r = palmToHandRegion.apply(r, img.width, img.height)
		regions = slicesDeleteOverlapping(regions, r)
		regions = append(regions, scoredRect{rect: r, score: palm.score})
	}
	return regions
}

func slicesDeleteOverlapping(regions []scoredRect, r Rect) []scoredRect {
	kept := regions[:0]
	for _, other := range regions {
		if other.rect.iou(r) <= handRectIoUToMerge {
			kept = append(kept, other)
		}
	}
	return kept
}

// detectPalms returns up to NumHands palm detections, normalised to the
// image, highest score first.
func (h *HandLandmarker) detectPalms(img *rgbImage) []detection {
	whole := pixelRect{xCenter: float64(img.width) / 2, yCenter: float64(img.height) / 2,
		width: float64(img.width), height: float64(img.height)}
	region, pad := fitRect(whole, palmInputSize, palmInputSize)
	warpTensor(h.palm.Input(0).Data, palmInputSize, palmInputSize, img, region,
		0, 1, borderZero)
	h.palm.Invoke()
	h.palmRuns++

	opts := palmDecode
	opts.minScore = h.opts.MinDetectionConfidence
	dets := decodeDetections(h.palm.Output(0).Data, h.palm.Output(1).Data, palmAnchors, opts)
	dets = weightedNMS(dets, palmNMSThreshold)
	if len(dets) > h.opts.NumHands {
		dets = dets[:h.opts.NumHands]
	}
	for i := range dets {
		dets[i] = dets[i].removeLetterbox(pad)
	}
	return dets
}

// landmarksIn runs the hand landmark model on region; ok is false when
// the hand presence score is below minPresence.
func (h *HandLandmarker) landmarksIn(img *rgbImage, region Rect,
	minPresence float64) (hand Hand, ok bool) {
	crop, pad := fitRect(region.toPixels(img.width, img.height), handInputSize, handInputSize)
	warpTensor(h.landmark.Input(0).Data, handInputSize, handInputSize, img, crop,
		0, 1, borderReplicate)
	h.landmark.Invoke()
	h.landmarkRuns++

	hand.Presence = float64(h.landmark.Output(1).Data[0])
	if hand.Presence < minPresence {
		return Hand{}, false
	}
	hand.Region = region
	hand.Handedness, hand.HandednessScore = handedness(h.landmark.Output(2).Data[0])
	screen := h.landmark.Output(0).Data
	world := h.landmark.Output(3).Data
	for i := 0; i < NumHandLandmarks; i++ {
		x, y := pad.remove(float64(screen[3*i])/handInputSize,
			float64(screen[3*i+1])/handInputSize)
		x, y = region.project(x, y)
		z := float64(screen[3*i+2]) / handInputSize / handNormalizeZ * region.Width
		hand.Landmarks[i] = Landmark{x, y, z}

		wx, wy := region.rotate(float64(world[3*i]), float64(world[3*i+1]))
		hand.WorldLandmarks[i] = Landmark{wx, wy, float64(world[3*i+2])}
	}
	return hand, true
}

// handedness turns the model's score for "Left" into the more likely label
// and its score, as TensorsToClassificationCalculator does with
// binary_classification and the labels Left, Right.
func handedness(leftScore float32) (string, float64) {
	if leftScore >= 0.5 {
		return "Left", float64(leftScore)
	}
	return "Right", 1 - float64(leftScore)
}
