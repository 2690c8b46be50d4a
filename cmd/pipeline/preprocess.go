package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"pipeline/audio"
	"pipeline/internal/atomicfile"
	"pipeline/spectro"
	"pipeline/speech"
	"pipeline/tables"
)

// preprocessSchema is stored in the footer of every file under the key
// pipeline.schema, so that readers can tell feature files apart.
const preprocessSchema = "features/1"

// preprocessJob is one run of the preprocess command.
type preprocessJob struct {
	sources    []string       // WAV files in byte order of names
	feature    string         // tables.LogMel or tables.MFCC
	preset     string         // name of the preset the config started from
	config     spectro.Config // parameters; SampleRate is set per clip
	sampleRate int            // Hz to resample to; 0 keeps each clip's rate
	to         string         // Parquet file
	workers    int            // clips computed at once

	// progress, when not nil, is updated after each clip and finished
	// before the closing line.
	progress clipReporter
}

// clipReporter shows how far a run is.
type clipReporter interface {
	update(done, failed int)
	finish()
}

// clipFailure is one line of the FILE.errors.jsonl side file.
type clipFailure struct {
	Source string `json:"source"`
	Error  string `json:"error"`
}

func newPreprocessCommand() *cobra.Command {
	var src, preset, feature, to string
	var nFFT, hop, nMels, nMFCC, sampleRate int
	cmd := &cobra.Command{
		Use: "preprocess --src DIR --features logmel|mfcc --to FILE.parquet\n" +
			"  pipeline preprocess --src DIR|IMAGE|VIDEO --landmarks hands|pose --to FILE.parquet",
		Short: "Write audio features or hand and pose keypoints to Parquet",
		Long: "With --features, preprocess computes the features of every .wav file in --src\n" +
			"(in byte order of names; subfolders are not read) and writes one row per clip\n" +
			"to --to: the features, their parameters, and the digit and speaker that Free\n" +
			"Spoken Digit Dataset names ({digit}_{speaker}_{index}.wav) carry.\n" +
			"A clip that fails is logged and left out, and its file and error go to\n" +
			"FILE.parquet.errors.jsonl; the exit code is then 1. A folder without .wav\n" +
			"files gives a file with the schema and no rows.\n\n" +
			"With --landmarks, preprocess finds MediaPipe hand or pose landmarks in every\n" +
			"image under --src (subfolders included, in byte order of paths), in one image,\n" +
			"or in every frame of a video, and writes one row per hand or body found. The\n" +
			"label column holds the digit of a parent folder named 0 … 9. Images or frames\n" +
			"with nothing found go to FILE.parquet.empty.jsonl, and those that fail to\n" +
			"decode to FILE.parquet.errors.jsonl (exit code 1).\n\n" +
			"docs/parquet.md lists the columns. Ctrl-C stops early and still writes a\n" +
			"complete file of the inputs done.",
		Args: noArguments,
	}
	f := cmd.Flags()
	f.StringVar(&src, "src", "", "folder of .wav files or images, a .wav file, an image or "+
		"a video")
	f.StringVar(&feature, "features", "", "features to compute: logmel or mfcc")
	f.StringVar(&preset, "preset", "torchaudio", "parameter defaults: torchaudio or librosa")
	f.IntVar(&nFFT, "n-fft", 0, "FFT size in samples (default: the preset's)")
	f.IntVar(&hop, "hop", 0, "samples between frame starts (default: the preset's)")
	f.IntVar(&nMels, "n-mels", 0, "mel bands (default: the preset's)")
	f.IntVar(&nMFCC, "n-mfcc", 0, "MFCCs kept, with --features mfcc (default: the preset's)")
	f.IntVar(&sampleRate, "sample-rate", 0,
		"Hz to resample every clip to; 0 keeps each clip's rate")
	f.StringVar(&to, "to", "", "Parquet file to write, replaced if it exists")
	landmarkFlags := addLandmarkFlags(cmd)

	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		mode, err := preprocessMode(cmd)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		go func() {
			// After the first Ctrl-C, a second one kills the process at once.
			<-ctx.Done()
			stop()
		}()
		if mode == "landmarks" {
			job, err := landmarkFlags.job(src, to)
			if err != nil {
				return err
			}
			return job.run(ctx, cmd.ErrOrStderr())
		}

		job := &preprocessJob{feature: feature, preset: preset, sampleRate: sampleRate,
			to: to, workers: runtime.GOMAXPROCS(0)}
		overrides := map[string]int{"n-fft": nFFT, "hop": hop, "n-mels": nMels, "n-mfcc": nMFCC}
		if err := job.configure(cmd, overrides); err != nil {
			return err
		}
		sources, err := listWAVFiles(src)
		if err != nil {
			return err
		}
		job.sources = sources
		job.progress = newClipProgress(cmd.ErrOrStderr(), len(sources), "clips")
		return job.run(ctx, cmd.ErrOrStderr())
	}
	return cmd
}

func init() { extraCommands = append(extraCommands, newPreprocessCommand) }

// configure checks the flags other than --src and builds the feature
// parameters from the preset and the flags that override it.
func (j *preprocessJob) configure(cmd *cobra.Command, overrides map[string]int) error {
	if err := checkOutputPath(j.to); err != nil {
		return err
	}
	if j.feature != tables.LogMel && j.feature != tables.MFCC {
		return usageErrorf("--features %q: expected logmel or mfcc", j.feature)
	}
	if j.sampleRate < 0 {
		return usageErrorf("--sample-rate %d: expected 0 (each clip's own) or above", j.sampleRate)
	}
	config, err := spectro.Preset(j.preset, 0)
	if err != nil {
		return usageErrorf("--preset: %w", err)
	}
	if err := applyOverrides(cmd, &config, overrides); err != nil {
		return err
	}
	if j.feature == tables.LogMel {
		if cmd.Flags().Changed("n-mfcc") {
			return usageErrorf("--n-mfcc applies only to --features mfcc")
		}
		// With no coefficients the plan computes no DCT.
		config.NMFCC = 0
	}

	// The presets derive f_max from the sample rate, so a config valid at
	// a placeholder rate is valid at every clip's rate.
	check := config
	check.SampleRate = cmp.Or(j.sampleRate, 16000)
	if _, err := spectro.NewPlan(check); err != nil {
		return usageErrorf("feature parameters: %w", err)
	}
	j.config = config
	return nil
}

// checkOutputPath rejects a missing --to and one that is a folder.
func checkOutputPath(to string) error {
	if to == "" {
		return usageErrorf("--to is required: the Parquet file to write")
	}
	if info, err := os.Stat(to); err == nil && info.IsDir() {
		return usageErrorf("--to %s: is a folder, expected a file name", to)
	}
	return nil
}

// applyOverrides sets the fields of config whose flags were given.
func applyOverrides(cmd *cobra.Command, config *spectro.Config, overrides map[string]int) error {
	fields := map[string]*int{"n-fft": &config.NFFT, "hop": &config.HopLength,
		"n-mels": &config.NMels, "n-mfcc": &config.NMFCC}
	for _, name := range slices.Sorted(maps.Keys(overrides)) {
		if !cmd.Flags().Changed(name) {
			continue
		}
		if overrides[name] < 1 {
			return usageErrorf("--%s %d: expected 1 or above", name, overrides[name])
		}
		*fields[name] = overrides[name]
	}
	return nil
}

// listWAVFiles returns src itself when it is a file, or the .wav files
// directly inside the folder src in byte order of names. An empty folder
// gives an empty list.
func listWAVFiles(src string) ([]string, error) {
	if src == "" {
		return nil, usageErrorf("--src is required: a folder of .wav files or one .wav file")
	}
	info, err := os.Stat(src)
	if err != nil {
		return nil, usageErrorf("--src: %w", err)
	}
	if !info.IsDir() {
		return []string{src}, nil
	}
	entries, err := os.ReadDir(src) // sorted by name
	if err != nil {
		return nil, usageErrorf("--src: %w", err)
	}
	var paths []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			paths = append(paths, filepath.Join(src, e.Name()))
		}
	}
	// The Free Spoken Digit Dataset keeps its clips in recordings/.
	recordings := filepath.Join(src, "recordings")
	if len(paths) == 0 {
		if sub, err := listWAVFiles(recordings); err == nil && len(sub) > 0 {
			return nil, usageErrorf("--src %s contains no .wav files, but %s contains %d "+
				"(subfolders are not read): pass --src %s", src, recordings, len(sub), recordings)
		}
	}
	return paths, nil
}

// run computes the features of every source and writes them to j.to. On
// cancellation of ctx it writes the clips finished so far.
func (j *preprocessJob) run(ctx context.Context, stderr io.Writer) error {
	start := time.Now()
	if len(j.sources) == 0 {
		slog.Warn("no .wav files found; writing a file without rows", "to", j.to)
	}
	writer, err := tables.Create[tables.FeatureRow](j.to, tables.Options{
		Metadata: map[string]string{"pipeline.schema": preprocessSchema},
	})
	if err != nil {
		return usageErrorf("--to: %w", err)
	}
	defer writer.Close()

	failures, err := j.writeRows(ctx, writer)
	if err != nil {
		return err
	}
	if err := writer.Commit(); err != nil {
		return err
	}
	if err := writeSideFile(j.to+".errors.jsonl", failures); err != nil {
		return err
	}
	return j.summarize(stderr, writer.Rows(), failures, time.Since(start))
}

// writeRows writes the row of every clip that succeeds and returns the
// clips that failed. Only an error of the writer stops it.
func (j *preprocessJob) writeRows(ctx context.Context,
	writer *tables.Writer[tables.FeatureRow]) ([]clipFailure, error) {
	ctx, cancel := context.WithCancel(ctx)
	results := j.extractAll(ctx)
	defer func() {
		// Let the workers finish the clips they hold before returning.
		cancel()
		for range results {
		}
	}()

	var failures []clipFailure
	for result := range results {
		if result.err != nil {
			slog.Warn("clip failed", "source", result.source, "error", result.err)
			failures = append(failures, clipFailure{result.source, result.err.Error()})
		} else if err := writer.Write(result.row); err != nil {
			return failures, err
		}
		if j.progress != nil {
			j.progress.update(int(writer.Rows())+len(failures), len(failures))
		}
	}
	if j.progress != nil {
		j.progress.finish()
	}
	return failures, nil
}

// clipResult is the row of one clip, or why it has none.
type clipResult struct {
	source string
	row    tables.FeatureRow
	err    error
}

// extractAll computes the clips on j.workers goroutines and sends the
// results in the order of j.sources (see runOrdered).
func (j *preprocessJob) extractAll(ctx context.Context) <-chan clipResult {
	workers := make([]func(string) clipResult, j.workers)
	for i := range workers {
		extractor := newClipExtractor(j)
		workers[i] = func(source string) clipResult {
			row, err := extractor.extract(source)
			return clipResult{source, row, err}
		}
	}
	return runOrdered(ctx, slices.Values(j.sources), workers)
}

// runOrdered calls the functions of workers, each on its own goroutine, on
// the inputs, and sends the results in the order of the inputs. When ctx
// is done it takes no more inputs, finishes those started and closes the
// channel. At most three inputs per worker are in memory at once. The
// caller must receive until the channel is closed.
func runOrdered[In, Out any](ctx context.Context, inputs iter.Seq[In],
	workers []func(In) Out) <-chan Out {
	type task struct {
		input In
		done  chan<- Out
	}
	tasks := make(chan task, len(workers))
	pending := make(chan chan Out, 2*len(workers))
	go func() {
		defer close(tasks)
		defer close(pending)
		for input := range inputs {
			done := make(chan Out, 1)
			select {
			case <-ctx.Done():
				return
			case pending <- done:
			}
			tasks <- task{input, done}
		}
	}()

	for _, work := range workers {
		go func() {
			for t := range tasks {
				t.done <- work(t.input)
			}
		}()
	}

	results := make(chan Out)
	go func() {
		defer close(results)
		for done := range pending {
			results <- <-done
		}
	}()
	return results
}

// clipExtractor turns WAV files into feature rows. It keeps one plan per
// sample rate and is used by one goroutine.
type clipExtractor struct {
	job     *preprocessJob
	plans   map[int]*spectro.Plan
	params  map[int]tables.FeatureParams
	discard *spectro.Matrix // the feature not written, reused
}

func newClipExtractor(job *preprocessJob) *clipExtractor {
	return &clipExtractor{job: job, plans: map[int]*spectro.Plan{},
		params: map[int]tables.FeatureParams{}}
}

func (e *clipExtractor) extract(path string) (tables.FeatureRow, error) {
	clip, err := audio.ReadFile(path)
	if err != nil {
		return tables.FeatureRow{}, err
	}
	if clip.Frames() == 0 {
		return tables.FeatureRow{}, fmt.Errorf("features %s: clip has no samples", path)
	}
	samples, rate, notes := e.prepare(clip)
	plan, err := e.plan(rate)
	if err != nil {
		return tables.FeatureRow{}, fmt.Errorf("features %s: %w", path, err)
	}

	var features *spectro.Matrix
	if e.job.feature == tables.MFCC {
		e.discard, features = plan.Features(e.discard, nil, samples)
	} else {
		features, e.discard = plan.Features(nil, e.discard, samples)
	}
	row := tables.FeatureRow{
		Source:        path,
		SampleRate:    int32(rate),
		DurationMs:    float64(clip.Frames()) * 1000 / float64(clip.SampleRate),
		Feature:       e.job.feature,
		FeatureParams: e.params[rate],
		Shape:         []int32{int32(features.Rows), int32(features.Cols)},
		Values:        features.Data,
		Notes:         slices.Concat(notes, features.Notes),
	}
	if name, ok := speech.ParseName(path); ok {
		label := int32(name.Digit)
		row.Label, row.Speaker = &label, &name.Speaker
	}
	return row, nil
}

// prepare returns the mono samples of clip at the rate of the features,
// with the notes of decoding and of what prepare changed.
func (e *clipExtractor) prepare(clip *audio.Clip) ([]float32, int, []string) {
	notes := slices.Clone(clip.Notes)
	samples := clip.Mono()
	if clip.Channels > 1 {
		notes = append(notes, fmt.Sprintf("averaged %d channels to mono", clip.Channels))
	}
	rate := clip.SampleRate
	if target := e.job.sampleRate; target != 0 && target != rate {
		samples = audio.Resample(samples, rate, target)
		notes = append(notes, fmt.Sprintf("resampled from %d Hz to %d Hz", rate, target))
		rate = target
	}
	return samples, rate, notes
}

func (e *clipExtractor) plan(rate int) (*spectro.Plan, error) {
	if plan, ok := e.plans[rate]; ok {
		return plan, nil
	}
	config := e.job.config
	config.SampleRate = rate
	plan, err := spectro.NewPlan(config)
	if err != nil {
		return nil, err
	}
	e.plans[rate] = plan
	e.params[rate] = tables.NewFeatureParams(e.job.feature, e.job.preset, plan.Config())
	return plan, nil
}

// writeSideFile writes one JSON object per entry to path (JSON Lines), or
// removes the file that an earlier run left there when there are none.
func writeSideFile[T any](path string, entries []T) error {
	if len(entries) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old list %s: %w", path, err)
		}
		return nil
	}
	file, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer file.Close()
	encoder := json.NewEncoder(file)
	for _, entry := range entries {
		if err := encoder.Encode(entry); err != nil {
			return fmt.Errorf("write list %s: %w", path, err)
		}
	}
	return file.Commit()
}

// summarize prints the closing line and returns the command's error: nil
// when every clip was written, errSomeFailed when some failed, and an
// error naming the clips done when the run was interrupted.
func (j *preprocessJob) summarize(stderr io.Writer, written int64, failures []clipFailure,
	elapsed time.Duration) error {
	fmt.Fprintf(stderr, "preprocess: %d clips written to %s in %.1f s (%.0f clips/s)",
		written, j.to, elapsed.Seconds(), float64(written)/max(elapsed.Seconds(), 1e-9))
	if len(failures) > 0 {
		fmt.Fprintf(stderr, ", %d failed: %s; all failures in %s.errors.jsonl",
			len(failures), listErrors(failureMessages(failures), 3), j.to)
	}
	fmt.Fprintln(stderr)

	if done := int(written) + len(failures); done < len(j.sources) {
		return fmt.Errorf("preprocess interrupted after %d of %d clips; %s is complete "+
			"with the %d clips written", done, len(j.sources), j.to, written)
	}
	if len(failures) > 0 {
		return errSomeFailed
	}
	return nil
}

func failureMessages(failures []clipFailure) []string {
	messages := make([]string, len(failures))
	for i, failure := range failures {
		messages[i] = failure.Error
	}
	return messages
}

// listErrors joins the first n messages, then counts the rest.
func listErrors(messages []string, n int) string {
	parts := slices.Clone(messages[:min(n, len(messages))])
	if len(messages) > n {
		parts = append(parts, fmt.Sprintf("and %d more", len(messages)-n))
	}
	return strings.Join(parts, "; ")
}

// clipProgress redraws one line of counts, rate and remaining time on
// stderr at most every 200 ms, only when stderr is a terminal.
type clipProgress struct {
	out     io.Writer
	enabled bool
	unit    string // what is counted, plural: "clips", "images", "frames"
	total   int    // 0 when unknown; the line then shows no remaining time
	start   time.Time
	drawn   time.Time
	shown   bool
}

func newClipProgress(stderr io.Writer, total int, unit string) *clipProgress {
	file, ok := stderr.(*os.File)
	enabled := false
	if ok {
		info, err := file.Stat()
		enabled = err == nil && info.Mode()&os.ModeCharDevice != 0
	}
	return &clipProgress{out: stderr, enabled: enabled, unit: unit, total: total,
		start: time.Now()}
}

func (p *clipProgress) update(done, failed int) {
	now := time.Now()
	if !p.enabled || (now.Sub(p.drawn) < 200*time.Millisecond && done < p.total) {
		return
	}
	p.drawn = now
	elapsed := now.Sub(p.start).Seconds()
	rate := float64(done) / max(elapsed, 1e-9)
	if p.total == 0 {
		fmt.Fprintf(p.out, "\rpreprocess: %d %s, %d failed, %.1f %s/s ",
			done, p.unit, failed, rate, p.unit)
	} else {
		remaining := time.Duration(float64(p.total-done) / max(rate, 1e-9) * float64(time.Second))
		fmt.Fprintf(p.out, "\rpreprocess: %d/%d %s, %d failed, %.1f %s/s, %s left ",
			done, p.total, p.unit, failed, rate, p.unit, remaining.Round(time.Second))
	}
	p.shown = true
}

// finish ends the progress line so that later output starts on a new line.
func (p *clipProgress) finish() {
	if p.shown {
		fmt.Fprintln(p.out)
		p.shown = false
	}
}
