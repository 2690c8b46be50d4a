package main

import (
	"encoding/json"
	"runtime"

	"github.com/spf13/cobra"

	"pipeline/landmarks"
	"pipeline/tables"
)

// landmarkFlags are the flags of `preprocess --landmarks`.
type landmarkFlags struct {
	cmd                    *cobra.Command
	landmarks              string
	numHands               int
	handModel, poseModel   string
	minDetectionConfidence float64
	minPresenceConfidence  float64
	minTrackingConfidence  float64
	track                  bool
	wholeImageFallback     bool
	mirrored               bool
	maxFrames              int
}

// featureOnlyFlags and landmarkOnlyFlags apply to one mode of preprocess.
var (
	featureOnlyFlags  = []string{"preset", "n-fft", "hop", "n-mels", "n-mfcc", "sample-rate"}
	landmarkOnlyFlags = []string{"num-hands", "hand-model", "pose-model",
		"min-detection-confidence", "min-presence-confidence", "min-tracking-confidence",
		"track", "whole-image-fallback", "mirrored", "max-frames"}
)

func addLandmarkFlags(cmd *cobra.Command) *landmarkFlags {
	flags := &landmarkFlags{cmd: cmd}
	f := cmd.Flags()
	f.StringVar(&flags.landmarks, "landmarks", "", "keypoints to find: hands or pose")
	f.IntVar(&flags.numHands, "num-hands", 2, "maximum hands per image, with "+
		"--landmarks hands; 2 is MediaPipe's default")
	f.StringVar(&flags.handModel, "hand-model", "full", "hand models: full or lite "+
		"(MediaPipe's model complexity 1 or 0)")
	f.StringVar(&flags.poseModel, "pose-model", "full", "pose landmark model: lite, full or "+
		"heavy (heavy needs a build with -tags mediapipe_heavy)")
	f.Float64Var(&flags.minDetectionConfidence, "min-detection-confidence", 0.5,
		"minimum palm or pose detector score, above 0 and at most 1")
	f.Float64Var(&flags.minPresenceConfidence, "min-presence-confidence", 0.5,
		"minimum hand or pose presence score of the landmark model, above 0 and at most 1")
	f.Float64Var(&flags.minTrackingConfidence, "min-tracking-confidence", 0.5,
		"with --track: minimum presence score of a hand or body tracked from the previous "+
			"frame, below which the detector runs again; above 0 and at most 1")
	f.BoolVar(&flags.track, "track", false, "track hands or the body from one video or "+
		"webcam frame to the next, as MediaPipe's video mode does, running the detector "+
		"only when tracking is lost; images are always searched each on its own")
	f.BoolVar(&flags.wholeImageFallback, "whole-image-fallback", false, "when no palm "+
		"leads to a hand, run the hand landmark model on the whole image and keep that "+
		"hand if it reaches --min-presence-confidence; not a MediaPipe option; "+
		"run --model signdigits turns it on unless given =false, as its weights were "+
		"trained with it")
	f.BoolVar(&flags.mirrored, "mirrored", false, "the images are mirrored (a selfie "+
		"preview), so MediaPipe's handedness label is the person's hand")
	f.IntVar(&flags.maxFrames, "max-frames", 0, "maximum number of images or video "+
		"frames to read from each --src; 0 reads all")
	return flags
}

// preprocessMode returns "features" or "landmarks", whichever flag was
// given, and rejects the flags of the other mode.
func preprocessMode(cmd *cobra.Command) (string, error) {
	flags := cmd.Flags()
	features, keypoints := flags.Changed("features"), flags.Changed("landmarks")
	switch {
	case features && keypoints:
		return "", usageErrorf("--features and --landmarks exclude each other: " +
			"write audio features and keypoints to separate files")
	case !features && !keypoints:
		return "", usageErrorf("--features logmel|mfcc or --landmarks hands|pose is required")
	}
	mode, foreign, owner := "features", landmarkOnlyFlags, "--landmarks"
	if keypoints {
		mode, foreign, owner = "landmarks", featureOnlyFlags, "--features"
	}
	for _, name := range foreign {
		if flags.Changed(name) {
			return "", usageErrorf("--%s applies only to %s", name, owner)
		}
	}
	return mode, nil
}

// job checks the flags and returns the job they describe.
func (f *landmarkFlags) job(src, to string) (*keypointJob, error) {
	if err := checkOutputPath(to); err != nil {
		return nil, err
	}
	job := &keypointJob{to: to, maxFrames: f.maxFrames, mirrored: f.mirrored,
		workers: runtime.GOMAXPROCS(0), track: f.track}
	var err error
	switch f.landmarks {
	case "hands":
		job.kind = tables.KindHand
		job.hands, err = f.handOptions()
	case "pose":
		job.kind = tables.KindPose
		job.pose, err = f.poseOptions()
	default:
		err = usageErrorf("--landmarks %q: expected hands or pose", f.landmarks)
	}
	if err != nil {
		return nil, err
	}

	if err := f.checkCommon(); err != nil {
		return nil, err
	}
	if err := job.setSource(src); err != nil {
		return nil, err
	}

	job.metadata = f.footer(src)
	total, unit := job.inputCount(), "images"
	if job.video != "" {
		unit = "frames"
	}
	job.progress = newClipProgress(f.cmd.ErrOrStderr(), total, unit)
	return job, nil
}

func (f *landmarkFlags) checkCommon() error {
	confidences := []struct {
		name  string
		value float64
	}{
		{"min-detection-confidence", f.minDetectionConfidence},
		{"min-presence-confidence", f.minPresenceConfidence},
		{"min-tracking-confidence", f.minTrackingConfidence},
	}
	for _, c := range confidences {
		if !(c.value > 0 && c.value <= 1) {
			return usageErrorf("--%s %g: expected above 0 and at most 1", c.name, c.value)
		}
	}
	if f.cmd.Flags().Changed("min-tracking-confidence") && !f.track {
		return usageErrorf("--min-tracking-confidence applies only with --track")
	}
	if f.maxFrames < 0 {
		return usageErrorf("--max-frames %d: expected 0 (all) or above", f.maxFrames)
	}
	return nil
}

func (f *landmarkFlags) handOptions() (landmarks.HandOptions, error) {
	if f.cmd.Flags().Changed("pose-model") {
		return landmarks.HandOptions{}, usageErrorf("--pose-model applies only to " +
			"--landmarks pose")
	}
	if f.numHands < 1 {
		return landmarks.HandOptions{}, usageErrorf("--num-hands %d: expected 1 or above",
			f.numHands)
	}
	if f.handModel != "full" && f.handModel != "lite" {
		return landmarks.HandOptions{}, usageErrorf("--hand-model %q: expected full or lite",
			f.handModel)
	}
	return landmarks.HandOptions{NumHands: f.numHands, Lite: f.handModel == "lite",
		MinDetectionConfidence: f.minDetectionConfidence,
		MinPresenceConfidence:  f.minPresenceConfidence,
		MinTrackingConfidence:  f.minTrackingConfidence,
		WholeImageFallback:     f.wholeImageFallback}, nil
}

func (f *landmarkFlags) poseOptions() (landmarks.PoseOptions, error) {
	for _, name := range []string{"num-hands", "hand-model", "whole-image-fallback",
		"mirrored"} {
		if f.cmd.Flags().Changed(name) {
			return landmarks.PoseOptions{}, usageErrorf("--%s applies only to "+
				"--landmarks hands", name)
		}
	}
	models := map[string]landmarks.PoseModel{"lite": landmarks.PoseLite,
		"full": landmarks.PoseFull, "heavy": landmarks.PoseHeavy}
	model, ok := models[f.poseModel]
	if !ok {
		return landmarks.PoseOptions{}, usageErrorf("--pose-model %q: expected lite, full "+
			"or heavy", f.poseModel)
	}
	return landmarks.PoseOptions{Model: model,
		MinDetectionConfidence: f.minDetectionConfidence,
		MinPresenceConfidence:  f.minPresenceConfidence,
		MinTrackingConfidence:  f.minTrackingConfidence}, nil
}

// footer returns the footer keys that record how the file was made:
// pipeline.src, and pipeline.landmarks with the options as JSON.
func (f *landmarkFlags) footer(src string) [][2]string {
	options := map[string]any{
		"landmarks":                f.landmarks,
		"min_detection_confidence": f.minDetectionConfidence,
		"min_presence_confidence":  f.minPresenceConfidence,
		"max_frames":               f.maxFrames,
		"track":                    f.track,
	}
	if f.track {
		options["min_tracking_confidence"] = f.minTrackingConfidence
	}
	if f.landmarks == "hands" {
		options["num_hands"], options["hand_model"] = f.numHands, f.handModel
		options["mirrored"] = f.mirrored
		options["whole_image_fallback"] = f.wholeImageFallback
	} else {
		options["pose_model"] = f.poseModel
	}
	encoded, _ := json.Marshal(options) // a map of strings, numbers and booleans
	return [][2]string{{"pipeline.src", src}, {"pipeline.landmarks", string(encoded)}}
}
