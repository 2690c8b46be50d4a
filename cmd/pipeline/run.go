package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"pipeline/explain"
	"pipeline/internal/atomicfile"
	"pipeline/pipeline"
	"pipeline/speech"
)

func init() { extraCommands = append(extraCommands, newRunCommand) }

// runOptions are the flags of `pipeline run`.
type runOptions struct {
	sources      []string
	weights      string
	methods      string
	target       string
	gradCAMLayer string
	saliency     string
	out          string
	overlayDir   string
	show         bool // show keypoint overlays in a window
	batch        int
	window, hop  time.Duration // audio windows; 0 takes each clip whole
}

func newRunCommand() *cobra.Command {
	var opts runOptions
	cmd := &cobra.Command{
		Use: "run [--src PATH]... [--model NAME | --weights FILE | --landmarks hands|pose] " +
			"[--out FILE]",
		Short: "Predict and explain inputs, one JSON line per input",
		Long: "run streams inputs through a model and writes one JSON line per input:\n" +
			"the prediction, the class probabilities and the saliency and Grad-CAM maps,\n" +
			"or an error naming the input. The record format is docs/record.schema.json.\n\n" +
			"--src takes an MNIST IDX image file (gzip or raw), a PNG or JPEG digit image,\n" +
			"or a folder of them (read in byte order of names; files with other\n" +
			"extensions are skipped). Repeat --src for several sources. Without --src,\n" +
			"the first 10 MNIST test digits, embedded in the binary, are used.\n\n" +
			"With an audio model (--model audiocnn), --src takes a WAV file, a folder of\n" +
			"them or - for one WAV stream on stdin, and each clip becomes one line, or\n" +
			"each window of it with --window 1s --hop 0.5s. Without --src, five FSDD\n" +
			"clips embedded in the binary are used.\n\n" +
			"--landmarks hands|pose finds keypoints with MediaPipe's landmark models in\n" +
			"each frame of a video, webcam or webcam:N, an image or a folder of images,\n" +
			"and writes them without a model (model, prediction: null). With a keypoint\n" +
			"model (--model signdigits) each frame's best hand is also predicted and\n" +
			"explained per point; a frame without a hand gets the note \"no hand found\".\n" +
			"--overlay-dir and --show draw the hand with each point coloured by its\n" +
			"importance. Each frame is searched on its own (MediaPipe's image mode), or\n" +
			"with --track, frames of a video or webcam are tracked from the one before\n" +
			"(MediaPipe's video mode).\n\n" +
			"Exit codes: 0 when no input became an error line (a frame without a hand is\n" +
			"not an error), 1 when some did, 2 for bad flags or a source that cannot be\n" +
			"opened.",
		Args: noArguments,
	}
	model := addModelFlags(cmd)
	addRunFlags(cmd, &opts)
	keypoints := addLandmarkFlags(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runPipeline(cmd, model, keypoints, opts)
	}
	return cmd
}

func addRunFlags(cmd *cobra.Command, opts *runOptions) {
	f := cmd.Flags()
	f.StringArrayVar(&opts.sources, "src", nil, "input: IDX file, image or folder of images; "+
		"for keypoint runs also a video, webcam or webcam:N; for audio models a WAV file, "+
		"a folder of them or - for stdin (repeatable; default: the embedded samples)")
	f.StringVar(&opts.weights, "weights", "", "weights file: .safetensors or PyTorch .pth "+
		"(default: the model's built-in weights)")
	f.StringVar(&opts.methods, "explain", "saliency,gradcam", "explanations to attach, "+
		"comma-separated: saliency, gradcam, or none")
	f.StringVar(&opts.target, "target", "", "class number to explain "+
		"(default: each input's predicted class)")
	f.StringVar(&opts.gradCAMLayer, "gradcam-layer", "", "layer for Grad-CAM (default: "+
		"the last convolution's activation, e.g. act2; conv2 for its raw output)")
	f.StringVar(&opts.saliency, "saliency", "abs", "saliency values: abs (largest gradient "+
		"magnitude over channels) or signed")
	f.StringVar(&opts.out, "out", "", "write the JSON lines to FILE, replaced atomically "+
		"at the end (default: stdout)")
	f.StringVar(&opts.overlayDir, "overlay-dir", "", "also write a PNG per input to DIR: "+
		"the input with its maps blended over it")
	f.BoolVar(&opts.show, "show", false, "keypoint runs: show each frame with its keypoints "+
		"and their importance in a window (needs a display; q or Esc stops)")
	f.DurationVar(&opts.window, "window", 0, "audio: cut recordings into windows of this "+
		"length, e.g. 1s (default: one line per whole clip)")
	f.DurationVar(&opts.hop, "hop", 0, "audio: distance between window starts, e.g. 0.5s "+
		"(default: the window length)")
	f.IntVar(&opts.batch, "batch", pipeline.DefaultBatch, "inputs per forward pass "+
		"(memory grows with it, about 0.3 MB per input for LeNet-5 with both maps)")
}

func runPipeline(cmd *cobra.Command, model *modelFlags, keypoints *landmarkFlags,
	opts runOptions) error {
	if landmarksOnly(cmd, opts) {
		return runLandmarksOnly(cmd, keypoints, opts)
	}
	cfg, err := opts.engineConfig()
	if err != nil {
		return err
	}
	net, digest, err := model.loadNet(opts.weights)
	if err != nil {
		return err
	}
	cfg.Net = net
	cfg.Model = pipeline.ModelInfo{Name: net.Spec.Name, SHA256: digest}
	if net.Spec.InputKind == "keypoints" {
		return runKeypointModel(cmd, keypoints, opts, cfg)
	}
	if err := rejectKeypointFlags(cmd, net.Spec.Name); err != nil {
		return err
	}
	if opts.overlayDir != "" {
		if cfg.Observe, err = overlayWriter(opts.overlayDir); err != nil {
			return err
		}
	}
	engine, err := pipeline.New(cfg)
	if err != nil {
		return usageError{err}
	}
	var sources []pipeline.Source
	if net.Spec.InputKind == "spectrogram" {
		sources, err = openAudioSources(opts)
	} else if opts.window != 0 || opts.hop != 0 {
		err = usageErrorf("--window and --hop apply to audio models such as audiocnn, "+
			"not %s", net.Spec.Name)
	} else {
		sources, err = openSources(opts.sources)
	}
	if err != nil {
		return err
	}
	return streamRecords(cmd, engine, &cfg, sources, opts.out)
}

// maxBatch bounds --batch: memory grows with it (about 0.3 MB per LeNet-5
// input with both maps), and larger batches are no faster.
const maxBatch = 4096

// engineConfig turns the explanation flags into an engine configuration
// without the model.
func (opts runOptions) engineConfig() (pipeline.Config, error) {
	cfg := pipeline.Config{Batch: opts.batch}
	if opts.batch < 1 || opts.batch > maxBatch {
		return cfg, usageErrorf("--batch %d: expected 1 to %d", opts.batch, maxBatch)
	}

	for _, method := range strings.Split(opts.methods, ",") {
		switch strings.TrimSpace(method) {
		case "saliency":
			cfg.Explain.Saliency = true
		case "gradcam":
			cfg.Explain.GradCAM = true
		case "none", "":
		default:
			return cfg, usageErrorf("--explain %q: unknown method %q (expected saliency, "+
				"gradcam or none)", opts.methods, method)
		}
	}

	mode, err := explain.ParseSaliencyMode(opts.saliency)
	if err != nil {
		return cfg, usageErrorf("--saliency: %w", err)
	}
	cfg.Explain.SaliencyMode = mode
	if cfg.Explain.Target, err = parseTarget(opts.target); err != nil {
		return cfg, err
	}
	cfg.Explain.GradCAMLayer = opts.gradCAMLayer
	if opts.gradCAMLayer != "" && !cfg.Explain.GradCAM {
		return cfg, usageErrorf("--gradcam-layer needs --explain gradcam")
	}
	return cfg, nil
}

// parseTarget parses --target: a class number, or "" for each input's
// predicted class.
func parseTarget(text string) (int, error) {
	if text == "" {
		return explain.PredictedClass, nil
	}
	target, err := strconv.Atoi(text)
	if err != nil || target < 0 {
		return 0, usageErrorf("--target %q: expected a class number from 0", text)
	}
	return target, nil
}

// openSources opens every --src path, or the embedded sample digits when
// there is none. A path that does not exist is a usage error.
func openSources(paths []string) ([]pipeline.Source, error) {
	if len(paths) == 0 {
		return []pipeline.Source{pipeline.SampleDigits()}, nil
	}
	var sources []pipeline.Source
	for _, path := range paths {
		if err := checkDigitSource(path); err != nil {
			closeSources(sources)
			return nil, err
		}
		source, err := pipeline.OpenSource(path)
		if err != nil {
			for _, s := range sources {
				s.Close()
			}
			return nil, usageError{err}
		}
		sources = append(sources, source)
	}
	return sources, nil
}

// checkDigitSource rejects, with a hint, the inputs that a digit model
// cannot read but another mode can.
func checkDigitSource(path string) error {
	extension := strings.ToLower(filepath.Ext(path))
	switch {
	case path == "-":
		return usageErrorf("--src -: standard input is read only by audio models; " +
			"use --model audiocnn for a WAV stream, or pass a file")
	case extension == ".wav":
		return usageErrorf("--src %s: a WAV file needs an audio model: --model audiocnn", path)
	case slices.Contains([]string{".avi", ".mp4", ".mov", ".mkv", ".webm"}, extension):
		return usageErrorf("--src %s: a video needs --landmarks hands|pose or "+
			"--model signdigits", path)
	}
	return nil
}

// openAudioSources opens every --src path as WAV audio, or the embedded
// sample clips when there is none.
func openAudioSources(opts runOptions) ([]pipeline.Source, error) {
	audioOpts := pipeline.AudioOptions{
		WindowMs: float64(opts.window) / float64(time.Millisecond),
		HopMs:    float64(opts.hop) / float64(time.Millisecond),
	}
	if len(opts.sources) == 0 {
		source, err := pipeline.NewEmbeddedAudio(speech.Samples(), audioOpts)
		if err != nil {
			return nil, usageError{err}
		}
		return []pipeline.Source{source}, nil
	}
	var sources []pipeline.Source
	for _, path := range opts.sources {
		source, err := pipeline.OpenAudio(path, audioOpts)
		if err != nil {
			closeSources(sources)
			return nil, usageError{err}
		}
		sources = append(sources, source)
	}
	return sources, nil
}

// streamRecords runs the engine to stdout or to an atomically written
// file. Ctrl-C stops the sources; the lines already made are kept.
func streamRecords(cmd *cobra.Command, engine *pipeline.Engine, cfg *pipeline.Config,
	sources []pipeline.Source, outPath string) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first Ctrl-C, a second one kills the process at once.
		<-ctx.Done()
		stop()
	}()

	var out io.Writer = cmd.OutOrStdout()
	var file *atomicfile.File
	if outPath != "" {
		var err error
		if file, err = atomicfile.Create(outPath); err != nil {
			closeSources(sources)
			return usageError{err}
		}
		defer file.Close()
		out = file
	}

	progress := newProgressLine(cmd.ErrOrStderr())
	cfg.Progress = progress.update
	start := time.Now()
	stats, err := engine.Run(ctx, sources, out)
	progress.finish()
	interrupted := errors.Is(err, context.Canceled)
	if err != nil && !interrupted {
		return err
	}
	if file != nil {
		if err := file.Commit(); err != nil {
			return err
		}
	}
	logRun(stats, time.Since(start), interrupted)
	switch {
	case interrupted:
		return fmt.Errorf("interrupted after %d records", stats.Records)
	case stats.Errors > 0 || stats.ObserveErrors > 0:
		return errSomeFailed
	}
	return nil
}

func closeSources(sources []pipeline.Source) {
	for _, s := range sources {
		s.Close()
	}
}

func logRun(stats pipeline.Stats, elapsed time.Duration, interrupted bool) {
	attrs := []any{"records", stats.Records, "errors", stats.Errors,
		"seconds", elapsed.Seconds()}
	if stats.ObserveErrors > 0 {
		attrs = append(attrs, "overlay_errors", stats.ObserveErrors)
	}
	if seconds := elapsed.Seconds(); seconds > 0 {
		attrs = append(attrs, "records_per_s", float64(stats.Records)/seconds)
	}
	if interrupted {
		slog.Warn("run interrupted", attrs...)
		return
	}
	slog.Info("run finished", attrs...)
}
