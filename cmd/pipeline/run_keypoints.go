package main

import (
	"context"
	"image"
	"slices"

	"github.com/spf13/cobra"

	"pipeline/landmarks"
	"pipeline/pipeline"
	"pipeline/signdigits"
	"pipeline/video"
)

// keypointBatch is the batch size of keypoint runs when --batch is not
// given. The engine keeps up to 2·batch + 2·decode workers frames in
// flight, each holding its pixels (0.9 MB at 640×480). Small batches cost
// little here, because the landmark search, not the signdigits model,
// takes most of the time per frame.
const keypointBatch = 8

// landmarksOnly reports whether the run finds keypoints without a model:
// --landmarks given, and neither --model nor --weights.
func landmarksOnly(cmd *cobra.Command, opts runOptions) bool {
	flags := cmd.Flags()
	return flags.Changed("landmarks") && !flags.Changed("model") && opts.weights == ""
}

// runLandmarksOnly streams the keypoints of every frame with no model:
// the records have landmarks, notes and no prediction.
func runLandmarksOnly(cmd *cobra.Command, keypoints *landmarkFlags, opts runOptions) error {
	for _, name := range []string{"explain", "target", "gradcam-layer", "saliency"} {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s needs a model: --landmarks alone finds keypoints "+
				"only (add --model signdigits for hand predictions)", name)
		}
	}
	if opts.batch < 1 {
		return usageErrorf("--batch %d: expected at least 1", opts.batch)
	}
	cfg := pipeline.Config{Batch: opts.batch}
	return runKeypoints(cmd, keypoints, opts, cfg)
}

// runKeypointModel streams every frame's hands through a keypoint model
// (signdigits), which takes the best hand's 21 landmarks. Unless
// --whole-image-fallback is given, it takes signdigits.HandOptions' value,
// the one the model was trained with.
func runKeypointModel(cmd *cobra.Command, keypoints *landmarkFlags, opts runOptions,
	cfg pipeline.Config) error {
	if !cmd.Flags().Changed("landmarks") {
		keypoints.landmarks = "hands"
	}
	if !cmd.Flags().Changed("whole-image-fallback") {
		keypoints.wholeImageFallback = signdigits.HandOptions().WholeImageFallback
	}
	if keypoints.landmarks != "hands" {
		return usageErrorf("--landmarks %q: model %s takes hand keypoints (--landmarks "+
			"hands)", keypoints.landmarks, cfg.Net.Spec.Name)
	}
	return runKeypoints(cmd, keypoints, opts, cfg)
}

// rejectKeypointFlags returns a usage error when a keypoint flag is given
// for a model that takes no keypoints.
func rejectKeypointFlags(cmd *cobra.Command, modelName string) error {
	for _, name := range append(slices.Clone(landmarkOnlyFlags), "landmarks", "show") {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s applies to keypoint runs (--landmarks, or a keypoint "+
				"model such as signdigits), not to model %s", name, modelName)
		}
	}
	return nil
}

// runKeypoints opens the keypoint sources and streams their records.
func runKeypoints(cmd *cobra.Command, keypoints *landmarkFlags, opts runOptions,
	cfg pipeline.Config) error {
	if opts.window != 0 || opts.hop != 0 {
		return usageErrorf("--window and --hop apply to audio models, not to keypoint runs")
	}
	if len(opts.sources) == 0 {
		return usageErrorf("--src is required for keypoint runs: a video, webcam, webcam:N, " +
			"an image or a folder of images")
	}
	if opts.show && !video.DisplayAvailable() {
		return usageErrorf("--show needs a display, and DISPLAY is not set " +
			"(--overlay-dir DIR writes the same overlays as PNG files)")
	}
	finderOpts, err := keypoints.finderOptions()
	if err != nil {
		return err
	}
	finderOpts.Attach = opts.overlayDir != "" || opts.show
	finderOpts.Track = keypoints.track
	if !cmd.Flags().Changed("batch") {
		cfg.Batch = keypointBatch
	}

	finder, err := pipeline.NewKeypointFinder(finderOpts)
	if err != nil {
		return err
	}
	defer finder.Close()
	var window *overlayWindow
	if opts.show {
		ctx, cancel := context.WithCancel(cmd.Context())
		defer cancel()
		cmd.SetContext(ctx)
		window = startOverlayWindow(cancel)
		defer window.close()
		cfg.EncodeWorkers = 1 // so that Observe gets the frames in order
	}
	if cfg.Observe, err = keypointOverlayWriter(opts.overlayDir, window); err != nil {
		return err
	}

	engine, err := pipeline.New(cfg)
	if err != nil {
		return usageError{err}
	}
	sources, err := openKeypointSources(finder, opts.sources)
	if err != nil {
		return err
	}
	return streamRecords(cmd, engine, &cfg, sources, opts.out)
}

// finderOptions checks the landmark flags shared with preprocess.
func (f *landmarkFlags) finderOptions() (pipeline.KeypointOptions, error) {
	opts := pipeline.KeypointOptions{Mirrored: f.mirrored, MaxFrames: f.maxFrames}
	var err error
	switch f.landmarks {
	case "hands":
		opts.Kind = pipeline.KindHand
		opts.Hands, err = f.handOptions()
	case "pose":
		opts.Kind = pipeline.KindPose
		opts.Pose, err = f.poseOptions()
	default:
		err = usageErrorf("--landmarks %q: expected hands or pose", f.landmarks)
	}
	if err != nil {
		return opts, err
	}
	return opts, f.checkCommon()
}

// openKeypointSources opens every --src path as frames for finder.
func openKeypointSources(finder *pipeline.KeypointFinder,
	paths []string) ([]pipeline.Source, error) {
	var sources []pipeline.Source
	for _, path := range paths {
		source, err := finder.Open(path)
		if err != nil {
			closeSources(sources)
			return nil, usageError{err}
		}
		sources = append(sources, source)
	}
	return sources, nil
}

// handPixels returns the hand's 21 points in pixels of a width×height
// frame.
func handPixels(hand *landmarks.Hand, width, height int) []image.Point {
	points := make([]image.Point, len(hand.Landmarks))
	for i, p := range hand.Landmarks {
		points[i] = image.Pt(int(p.X*float64(width)), int(p.Y*float64(height)))
	}
	return points
}

// posePixels returns the body's 33 points in pixels of a width×height
// frame.
func posePixels(pose *landmarks.Pose, width, height int) []image.Point {
	points := make([]image.Point, len(pose.Landmarks))
	for i, p := range pose.Landmarks {
		points[i] = image.Pt(int(p.X*float64(width)), int(p.Y*float64(height)))
	}
	return points
}
