package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"pipeline/landmarks"
	"pipeline/tables"
	"pipeline/video"
)

// keypointJob is one run of `preprocess --landmarks`: it finds hands or
// bodies in every image or video frame of src and writes one row per hand
// or body to a Parquet file.
type keypointJob struct {
	src       string   // as given with --src
	images    []string // image files in byte order of paths; nil for a video
	video     string   // the video file; "" for images
	kind      string   // tables.KindHand or tables.KindPose
	hands     landmarks.HandOptions
	pose      landmarks.PoseOptions
	mirrored  bool // the input is mirrored, as a selfie preview is
	maxFrames int  // images or frames read at most; 0 reads all
	to        string
	workers   int         // images or frames searched at once
	track     bool        // track video frames with one landmarker
	metadata  [][2]string // footer key-value pairs besides the schema
	progress  clipReporter

	// exhausted is set when the inputs ran out, not stopped by cancellation.
	exhausted atomic.Bool
}

// frameInput is an image file to decode, or a decoded video frame.
type frameInput struct {
	path  string      // image file; "" for a video frame
	frame video.Frame // the video frame, which the input owns
	err   error       // error of reading the video frame
}

// frameResult holds the rows of one image or frame, or why it has none.
type frameResult struct {
	source      string
	frameIndex  int
	timestampMs *float64
	rows        []tables.KeypointRow
	notes       []string // on decoding, also kept when nothing was found
	err         error
}

// frameFailure is one line of the FILE.errors.jsonl side file.
type frameFailure struct {
	Source     string `json:"source"`
	FrameIndex int    `json:"frame_index"`
	Error      string `json:"error"`
}

// emptyFrame is one line of the FILE.empty.jsonl side file: an image or
// frame in which nothing was found.
type emptyFrame struct {
	Source      string   `json:"source"`
	FrameIndex  int      `json:"frame_index"`
	TimestampMs *float64 `json:"timestamp_ms,omitempty"`
	Notes       []string `json:"notes,omitempty"`
}

// keypointCounts sums up a run.
type keypointCounts struct {
	done     int // images or frames read, failed ones included
	empty    []emptyFrame
	failures []frameFailure
	complete bool // every input was read, not stopped by cancellation
}

// listImageFiles returns the image files (video.IsImageFile) in dir and in
// its subfolders at any depth, in byte order of paths, so that photos in
// the sign-digits layout DIR/0 … DIR/9 come out as signdigits.ListPhotos
// lists them. Links to files and folders are followed and each folder is
// read once. Hidden files and folders are skipped, and so are broken links
// unless they are named like images, which then fail as inputs.
func listImageFiles(dir string) ([]string, error) {
	var paths []string
	if err := appendImageFiles(&paths, dir, map[string]bool{}); err != nil {
		return nil, usageErrorf("--src: %w", err)
	}
	slices.Sort(paths)
	return paths, nil
}

// appendImageFiles appends the image files under dir to paths. seen holds
// the folders already read, by their paths without links, so that a link
// to a folder above does not loop.
func appendImageFiles(paths *[]string, dir string, seen map[string]bool) error {
	resolved, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if seen[resolved] {
		return nil
	}
	seen[resolved] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		if strings.HasPrefix(entry.Name(), ".") {
			continue
		}
		info, err := os.Stat(path) // follows links
		if err != nil && video.IsImageFile(path) {
			// A broken link named like an image fails when it is read,
			// which lists it in the errors file.
			*paths = append(*paths, path)
			continue
		}
		if err != nil {
			slog.Warn("skipping an entry of --src", "path", path, "error", err)
			continue
		}
		if info.IsDir() {
			if err := appendImageFiles(paths, path, seen); err != nil {
				return err
			}
		} else if video.IsImageFile(path) {
			*paths = append(*paths, path)
		}
	}
	return nil
}

// setSource decides from src whether the job reads images or a video.
func (j *keypointJob) setSource(src string) error {
	if src == "" {
		return usageErrorf("--src is required: a folder of images, an image or a video")
	}
	info, err := os.Stat(src)
	if err != nil {
		return usageErrorf("--src: %w", err)
	}
	j.src = src
	switch {
	case info.IsDir():
		j.images, err = listImageFiles(src)
		return err
	case video.IsImageFile(src):
		j.images = []string{src}
	default:
		j.video = src
	}
	return nil
}

// run finds the keypoints of every image or frame and writes them to j.to.
// On cancellation of ctx it writes the images or frames finished so far.
func (j *keypointJob) run(ctx context.Context, stderr io.Writer) error {
	start := time.Now()
	inputs, closeInputs, err := j.inputs()
	if err != nil {
		return err
	}
	defer closeInputs()
	workers, err := j.newWorkers()
	if err != nil {
		return err
	}
	if j.video == "" && len(j.images) == 0 {
		slog.Warn("no image files found; writing a file without rows", "src", j.src, "to", j.to)
	}
	writer, err := tables.Create[tables.KeypointRow](j.to, tables.Options{
		Metadata: j.footer(),
	})
	if err != nil {
		return usageErrorf("--to: %w", err)
	}
	defer writer.Close()

	counts, err := j.writeRows(writer, runOrdered(ctx, inputs, workers))
	if err != nil {
		return err
	}
	if err := writer.Commit(); err != nil {
		return err
	}
	if err := writeSideFile(j.to+".errors.jsonl", counts.failures); err != nil {
		return err
	}
	if err := writeSideFile(j.to+".empty.jsonl", counts.empty); err != nil {
		return err
	}
	return j.summarize(stderr, writer.Rows(), counts, time.Since(start))
}

// footer returns the key-value pairs stored in the file footer.
func (j *keypointJob) footer() map[string]string {
	footer := map[string]string{tables.SchemaKey: tables.KeypointSchema}
	for _, pair := range j.metadata {
		footer[pair[0]] = pair[1]
	}
	return footer
}

// writeRows writes the rows of every result in order and counts the
// images or frames. Only an error of the writer stops it.
func (j *keypointJob) writeRows(writer *tables.Writer[tables.KeypointRow],
	results <-chan frameResult) (keypointCounts, error) {
	defer func() {
		// Let the workers finish the inputs they hold before returning.
		for range results {
		}
	}()

	var counts keypointCounts
	for result := range results {
		counts.done++
		switch {
		case result.err != nil:
			slog.Warn("input failed", "source", result.source, "frame_index", result.frameIndex,
				"error", result.err)
			counts.failures = append(counts.failures,
				frameFailure{result.source, result.frameIndex, result.err.Error()})
		case len(result.rows) == 0:
			counts.empty = append(counts.empty,
				emptyFrame{result.source, result.frameIndex, result.timestampMs, result.notes})
		}
		if err := writer.Write(result.rows...); err != nil {
			return counts, err
		}
		if j.progress != nil {
			j.progress.update(counts.done, len(counts.failures))
		}
	}
	if j.progress != nil {
		j.progress.finish()
	}
	counts.complete = j.exhausted.Load()
	return counts, nil
}

// inputCount returns the number of images, or 0 for a video, whose frame
// count is not known in advance.
func (j *keypointJob) inputCount() int {
	if j.video != "" {
		return 0
	}
	if j.maxFrames > 0 {
		return min(j.maxFrames, len(j.images))
	}
	return len(j.images)
}

// inputs returns the images or video frames to search, and a function
// that closes the video.
func (j *keypointJob) inputs() (iter.Seq[frameInput], func(), error) {
	if j.video == "" {
		images := j.images[:j.inputCount()]
		return func(yield func(frameInput) bool) {
			for _, path := range images {
				if !yield(frameInput{path: path}) {
					return
				}
			}
			j.exhausted.Store(true)
		}, func() {}, nil
	}
	// Images decode through landmarks.DecodeImage in the workers, but video
	// frames only through OpenCV, which reads the container.
	source, err := video.OpenVideo(j.video)
	if err != nil {
		return nil, nil, usageErrorf("--src: %w", err)
	}
	closeSource := func() {
		if err := source.Close(); err != nil {
			slog.Warn("closing the video failed", "source", j.video, "error", err)
		}
	}
	return j.videoFrames(source), closeSource, nil
}

// videoFrames yields copies of the frames of source, at most j.maxFrames
// when it is above 0. A frame that does not decode is yielded with its
// error.
func (j *keypointJob) videoFrames(source video.Source) iter.Seq[frameInput] {
	return func(yield func(frameInput) bool) {
		for read := 0; j.maxFrames <= 0 || read < j.maxFrames; read++ {
			frame, err := source.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if !yield(frameInput{frame: frame.Clone(), err: err}) {
				return
			}
		}
		j.exhausted.Store(true)
	}
}

// summarize prints the closing line and returns the command's error: nil
// when every input was read, errSomeFailed when some failed, and an error
// naming the inputs done when the run was interrupted. Inputs with nothing
// found are not failures.
func (j *keypointJob) summarize(stderr io.Writer, written int64, counts keypointCounts,
	elapsed time.Duration) error {
	unit, found := "images", j.kind+"s"
	if j.video != "" {
		unit = "frames"
	}
	fmt.Fprintf(stderr, "preprocess: %d %s read in %.1f s (%.1f %s/s), %d rows written to %s",
		counts.done, unit, elapsed.Seconds(), float64(counts.done)/max(elapsed.Seconds(), 1e-9),
		unit, written, j.to)
	if len(counts.empty) > 0 {
		fmt.Fprintf(stderr, ", %d %s without %s listed in %s.empty.jsonl", len(counts.empty),
			unit, found, j.to)
	}
	if len(counts.failures) > 0 {
		messages := make([]string, len(counts.failures))
		for i, failure := range counts.failures {
			messages[i] = failure.Error
		}
		fmt.Fprintf(stderr, ", %d failed: %s; all failures in %s.errors.jsonl",
			len(counts.failures), listErrors(messages, 3), j.to)
	}
	fmt.Fprintln(stderr)

	if !counts.complete {
		return fmt.Errorf("preprocess interrupted after %d %s; %s is complete with their "+
			"%d rows", counts.done, unit, j.to, written)
	}
	if len(counts.failures) > 0 {
		return errSomeFailed
	}
	return nil
}
