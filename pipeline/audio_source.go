package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"pipeline/audio"
	"pipeline/models"
	"pipeline/speech"
)

// AudioOptions sets how recordings are cut into model inputs.
type AudioOptions struct {
	// WindowMs is the length of each window; 0 makes one input of each
	// whole clip, padded or cropped to the model's second.
	WindowMs float64
	// HopMs is the distance between window starts; 0 means WindowMs.
	HopMs float64
}

// audioSource yields the clips of WAV files, or windows of them. Each
// record's source is the WAV file (or - for standard input) and its index
// the window's position in that recording, 0 for a whole clip.
type audioSource struct {
	name  string
	paths []string
	fsys  fs.FS     // paths are names in fsys when set
	stdin io.Reader // read instead of paths when set
	opts  AudioOptions

	clip    []float32 // current recording, mono at 8 kHz
	notes   []string  // notes that apply to every window of the recording
	path    string
	windows int // window count of the current recording
	next    int // next window of the current recording
}

// OpenAudio returns a source for a WAV file, a folder of WAV files (in byte
// order of names, other files skipped) or "-", one WAV stream on standard
// input. A file that does not decode becomes one error record and the
// next file goes on; a path that does not exist is unusable.
func OpenAudio(path string, opts AudioOptions) (Source, error) {
	if opts.WindowMs < 0 || opts.HopMs < 0 || (opts.WindowMs == 0 && opts.HopMs > 0) {
		return nil, fmt.Errorf("pipeline: audio window %g ms, hop %g ms: expected a window "+
			"above 0 for a hop", opts.WindowMs, opts.HopMs)
	}
	if opts.HopMs == 0 {
		opts.HopMs = opts.WindowMs
	}
	s := &audioSource{name: path, opts: opts}
	if path == "-" {
		s.stdin = os.Stdin
		return s, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &unusableError{path, err}
	}
	if !info.IsDir() {
		s.paths = []string{path}
		return s, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, &unusableError{path, err}
	}
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			s.paths = append(s.paths, filepath.Join(path, e.Name()))
		}
	}
	slices.Sort(s.paths)
	if len(s.paths) == 0 {
		return nil, &unusableError{path,
			errors.New("the folder has no .wav files (subfolders are not read)")}
	}
	return s, nil
}

// NewEmbeddedAudio returns a source for the .wav files at the top of fsys,
// in byte order of names. Records name each clip embedded:NAME.
func NewEmbeddedAudio(fsys fs.FS, opts AudioOptions) (Source, error) {
	names, err := fs.Glob(fsys, "*.wav")
	if err != nil {
		return nil, err
	}
	if opts.HopMs == 0 {
		opts.HopMs = opts.WindowMs
	}
	return &audioSource{name: "embedded", paths: names, fsys: fsys, opts: opts}, nil
}

func (s *audioSource) Name() string { return s.name }

func (s *audioSource) Close() error { return nil }

func (s *audioSource) Next(ctx context.Context) (Input, bool) {
	for s.next >= s.windows {
		path, ok := s.nextRecording()
		if !ok {
			return Input{}, false
		}
		if err := s.load(path); err != nil {
			return Input{Source: s.path, Err: err}, true
		}
	}
	index := s.next
	s.next++
	return s.window(index), true
}

// nextRecording returns the path of the next recording, or false.
func (s *audioSource) nextRecording() (string, bool) {
	if s.stdin != nil {
		if s.path == "-" {
			return "", false
		}
		return "-", true
	}
	if len(s.paths) == 0 {
		return "", false
	}
	path := s.paths[0]
	s.paths = s.paths[1:]
	return path, true
}

// load decodes a recording and counts its windows.
func (s *audioSource) load(path string) error {
	s.path, s.clip, s.windows, s.next = path, nil, 0, 0
	var clip *audio.Clip
	var err error
	switch {
	case path == "-":
		var data []byte
		data, err = io.ReadAll(io.LimitReader(s.stdin, maxStdinBytes+1))
		if err == nil && len(data) > maxStdinBytes {
			err = fmt.Errorf("pipeline: -: WAV stream on stdin is larger than %d MiB; "+
				"pass it as a file", maxStdinBytes>>20)
		}
		if err == nil {
			clip, err = audio.Decode(bytes.NewReader(data), "-")
		}
	case s.fsys != nil:
		var data []byte
		name := path
		path = "embedded:" + name
		s.path = path
		if data, err = fs.ReadFile(s.fsys, name); err == nil {
			clip, err = audio.Decode(bytes.NewReader(data), path)
		}
	default:
		clip, err = audio.ReadFile(path)
	}
	if err != nil {
		return err
	}
	if clip.Frames() == 0 {
		return fmt.Errorf("pipeline: %s: recording has no samples", path)
	}
	s.clip, s.notes = speech.MonoAt8k(clip)
	s.windows = 1
	if s.opts.WindowMs > 0 {
		window, hop := s.samples(s.opts.WindowMs), s.samples(s.opts.HopMs)
		if n := len(s.clip); n > window {
			s.windows = 1 + (n-window+hop-1)/hop
		}
	}
	return nil
}

func (s *audioSource) samples(ms float64) int {
	return max(1, int(math.Round(ms*speech.SampleRate/1000)))
}

// window returns window index of the current recording as an input.
func (s *audioSource) window(index int) Input {
	samples := s.clip
	start := 0
	if s.opts.WindowMs > 0 {
		window, hop := s.samples(s.opts.WindowMs), s.samples(s.opts.HopMs)
		start = index * hop
		samples = samples[start:min(start+window, len(samples))]
	}
	timestamp := float64(start) * 1000 / speech.SampleRate
	duration := float64(len(samples)) * 1000 / speech.SampleRate
	notes := slices.Clone(s.notes)
	path := s.path
	decode := func(spec *models.Spec, dst []float32) ([]string, error) {
		return decodeAudioWindow(path, samples, spec, dst)
	}
	return Input{Source: path, Index: index, TimestampMs: &timestamp, DurationMs: &duration,
		Notes: notes, Decode: decode}
}

// maxStdinBytes bounds the WAV stream read from standard input, which is
// held in memory whole: 512 MiB is about 9 hours of 8 kHz 16-bit mono.
const maxStdinBytes = 512 << 20

// featurizers lends each decode worker its own log-mel scratch space.
var featurizers = sync.Pool{New: func() any { return speech.NewFeaturizer() }}

// decodeAudioWindow computes the log-mel input of 8 kHz mono samples and
// normalises it with the spec's mean and standard deviation.
func decodeAudioWindow(path string, samples []float32, spec *models.Spec,
	dst []float32) ([]string, error) {
	want := []int{1, speech.MelBands, speech.Frames}
	if !slices.Equal(spec.Input, want) {
		return nil, fmt.Errorf("pipeline: %s: audio becomes log-mel input %v, model %s "+
			"expects %v (use --model audiocnn)", path, want, spec.Name, spec.Input)
	}
	f := featurizers.Get().(*speech.Featurizer)
	defer featurizers.Put(f)
	_, notes := f.WindowInput(dst, samples, nil)
	for i, v := range dst {
		dst[i] = (v - spec.InputMean) / spec.InputStd
	}
	return notes, nil
}
