package video

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"pipeline/internal/shareddata"
)

// clipFrames, clipFPS and clipLevel describe testdata/clip.avi, written by
// testdata/generate.go: frame i is a uniform grey of level 20·i.
const (
	clipFrames = 10
	clipFPS    = 25
)

func clipLevel(index int) int { return 20 * index }

// checkGrey fails t unless every byte of f.RGB is within tol of level;
// MJPEG is lossy.
func checkGrey(t *testing.T, f Frame, level, tol int) {
	t.Helper()
	for i, v := range f.RGB {
		if diff := int(v) - level; diff < -tol || diff > tol {
			t.Fatalf("frame %d byte %d = %d, want %d ± %d", f.Index, i, v, level, tol)
		}
	}
}

func TestVideoClipFrames(t *testing.T) {
	source, err := OpenVideo("testdata/clip.avi")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	for i := 0; i < clipFrames; i++ {
		f, err := source.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.Index != i {
			t.Errorf("frame %d: Index = %d", i, f.Index)
		}
		if f.Width != 64 || f.Height != 48 || len(f.RGB) != 64*48*3 {
			t.Errorf("frame %d: %d×%d with %d bytes, want 64×48 with %d",
				i, f.Width, f.Height, len(f.RGB), 64*48*3)
		}
		wantMs := float64(i) * 1000 / clipFPS
		if f.TimestampMs == nil || math.Abs(*f.TimestampMs-wantMs) > 1e-6 {
			t.Errorf("frame %d: TimestampMs = %v, want %v", i, f.TimestampMs, wantMs)
		}
		if f.Source != "testdata/clip.avi" || f.Path != f.Source {
			t.Errorf("frame %d: Source %q, Path %q", i, f.Source, f.Path)
		}
		checkGrey(t, f, clipLevel(i), 3)
	}
	for range 2 {
		if _, err := source.Next(); err != io.EOF {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
	}
}

// The frame at index 5 of corrupt-frame.avi holds broken JPEG data.
func TestVideoCorruptFrameGoesOn(t *testing.T) {
	source, err := OpenVideo("testdata/corrupt-frame.avi")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	for i := 0; i < clipFrames; i++ {
		f, err := source.Next()
		if f.Index != i {
			t.Errorf("frame %d: Index = %d", i, f.Index)
		}
		if i != 5 {
			if err != nil {
				t.Fatalf("frame %d: %v", i, err)
			}
			checkGrey(t, f, clipLevel(i), 3)
			continue
		}
		if !errors.Is(err, ErrDecode) {
			t.Fatalf("frame 5: error %v, want ErrDecode", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "testdata/corrupt-frame.avi frame 5") {
			t.Errorf("frame 5: error %q does not name the file and frame", msg)
		}
		t.Logf("frame 5: %v", err)
	}
	if _, err := source.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

func TestOpenVideoErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.avi")
	if err := os.WriteFile(text, []byte("not a video\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.mp4")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name, path string
		want       []string // substrings of the error
	}{
		{"missing file", filepath.Join(dir, "missing.avi"), []string{"missing.avi",
			"no such file"}},
		{"folder", dir, []string{"it is a folder"}},
		{"unknown codec", "testdata/unknown-codec.avi", []string{"unknown-codec.avi",
			`AVI file with video codec "ZZZZ"`}},
		{"not a video", text, []string{"notes.avi", "not a video container"}},
		{"empty file", empty, []string{"empty.mp4", "the file is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			source, err := OpenVideo(tt.path)
			if err == nil {
				source.Close()
				t.Fatal("OpenVideo succeeded")
			}
			if !errors.Is(err, ErrOpen) {
				t.Errorf("error %v does not wrap ErrOpen", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			t.Log(err)
		})
	}
}

// The webcam path is tested on a video file, since these machines have no
// camera: only the clock differs.
func TestWebcamCaptureOnVideoFile(t *testing.T) {
	source, err := openVideoAsWebcam("testdata/clip.avi")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	previousMs := math.Inf(-1)
	for i := 0; i < clipFrames; i++ {
		f, err := source.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		checkGrey(t, f, clipLevel(i), 3)
		if f.TimestampMs == nil {
			t.Fatalf("frame %d: no timestamp", i)
		}
		if *f.TimestampMs <= previousMs {
			t.Errorf("frame %d: timestamp %v ms is not after %v ms", i, *f.TimestampMs,
				previousMs)
		}
		if *f.TimestampMs < 0 || *f.TimestampMs > 60_000 {
			t.Errorf("frame %d: wall-clock timestamp %v ms is not within a minute",
				i, *f.TimestampMs)
		}
		previousMs = *f.TimestampMs
	}
}

func TestOpenWebcamWithoutCamera(t *testing.T) {
	source, err := OpenWebcam(63)
	if err == nil {
		source.Close()
		t.Skip("a camera 63 exists on this machine")
	}
	if !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "webcam:63") {
		t.Errorf("error %v, want ErrOpen naming webcam:63", err)
	}
}

func TestParseWebcam(t *testing.T) {
	tests := []struct {
		src        string
		wantDevice int
		wantOK     bool
		wantErr    bool
	}{
		{"webcam", 0, true, false},
		{"webcam:0", 0, true, false},
		{"webcam:2", 2, true, false},
		{"webcam:", 0, true, true},
		{"webcam:-1", 0, true, true},
		{"webcam:x", 0, true, true},
		{"webcams", 0, false, false},
		{"clip.avi", 0, false, false},
	}
	for _, tt := range tests {
		device, ok, err := ParseWebcam(tt.src)
		if device != tt.wantDevice || ok != tt.wantOK || (err != nil) != tt.wantErr {
			t.Errorf("ParseWebcam(%q) = %d, %v, %v; want %d, %v, error %v", tt.src,
				device, ok, err, tt.wantDevice, tt.wantOK, tt.wantErr)
		}
	}
}

func TestOpenChoosesSource(t *testing.T) {
	tests := []struct {
		src       string
		wantVideo bool
	}{
		{"testdata/clip.avi", true},
		{"testdata/folder", false},
		{"testdata/bgr.png", false},
		{"testdata/halves.jpg", false},
	}
	for _, tt := range tests {
		source, err := Open(tt.src)
		if err != nil {
			t.Fatalf("Open(%q): %v", tt.src, err)
		}
		_, isVideo := source.(*capture)
		if isVideo != tt.wantVideo {
			t.Errorf("Open(%q) is %T", tt.src, source)
		}
		source.Close()
	}
	if _, err := Open("webcam:x"); !errors.Is(err, ErrOpen) {
		t.Errorf("Open(webcam:x): %v, want ErrOpen", err)
	}
	if _, err := Open("testdata/missing.avi"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(missing): %v, want os.ErrNotExist", err)
	}
}

func TestCaptureCloseTwice(t *testing.T) {
	source, err := OpenVideo("testdata/clip.avi")
	if err != nil {
		t.Fatal(err)
	}
	if err := source.Close(); err != nil {
		t.Fatal(err)
	}
	if err := source.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := source.Next(); err == nil || err == io.EOF {
		t.Errorf("Next after Close: %v, want an error", err)
	}
}

// people/video.avi is an H.264 MP4 (despite its name) of 205 frames at
// 50 fps, 1280×720. FFmpeg gives no timestamp for its last two frames, so
// they take index·1000/fps.
func TestSharedVideoTimestamps(t *testing.T) {
	source, err := OpenVideo(shareddata.Path(t, "people/video.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	frames := 0
	for ; ; frames++ {
		f, err := source.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("frame %d: %v", frames, err)
		}
		if f.Width != 1280 || f.Height != 720 {
			t.Fatalf("frame %d: %d×%d, want 1280×720", frames, f.Width, f.Height)
		}
		if wantMs := float64(frames) * 20; math.Abs(*f.TimestampMs-wantMs) > 1e-6 {
			t.Errorf("frame %d: TimestampMs = %v, want %v", frames, *f.TimestampMs, wantMs)
		}
	}
	if frames != 205 {
		t.Errorf("read %d frames, want 205", frames)
	}
}

// The H.264 files of testdata/generate.go hold 64×48 frames at 25 fps in
// which frame i is a uniform grey of level 8·i.
func h264Level(index int) int { return 8 * index }

// truncated-h264.mp4 is the first 2,000 bytes of a 30-frame H.264 MP4 with
// B-frames. The cut is inside frame 9, which the file stores after frames 6,
// 4 and 5 and before 7 and 8. The read that fails on frame 9 consumes no
// frame: the next reads return frames 5 and 6 from the decoder. The reads
// after them fail, and the stream stops after maxReadFailures of them.
func TestVideoTruncatedH264Indices(t *testing.T) {
	source, err := OpenVideo("testdata/truncated-h264.mp4")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	var indices, errorIndices []int
	for {
		f, err := source.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !errors.Is(err, ErrDecode) {
				t.Fatalf("frame %d: error %v, want ErrDecode", f.Index, err)
			}
			errorIndices = append(errorIndices, f.Index)
			continue
		}
		indices = append(indices, f.Index)
		checkGrey(t, f, h264Level(f.Index), 4)
		wantMs := float64(f.Index) * 1000 / 25
		if math.Abs(*f.TimestampMs-wantMs) > 1e-6 {
			t.Errorf("frame %d: TimestampMs = %v, want %v", f.Index, *f.TimestampMs, wantMs)
		}
	}
	if want := []int{0, 1, 2, 3, 4, 5, 6}; !slices.Equal(indices, want) {
		t.Errorf("frames read %v, want %v", indices, want)
	}
	if want := []int{5, 7, 8, 9}; !slices.Equal(errorIndices, want) {
		t.Errorf("errors for frames %v, want %v", errorIndices, want)
	}
}

// variable-rate.mkv holds 10 frames: 5 at 40 ms intervals, then 5 at
// 200 ms. Matroska declares no frame count, so OpenCV estimates one from
// the duration and the 25 fps frame rate, and reads past the 10th frame
// fail.
func TestVideoVariableRateEndsCleanly(t *testing.T) {
	source, err := OpenVideo("testdata/variable-rate.mkv")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	if count := source.(*capture).frameCount; count <= 10 {
		t.Fatalf("OpenCV's frame count is %d; the test needs an estimate above 10", count)
	}

	wantMs := []float64{0, 40, 80, 120, 160, 200, 400, 600, 800, 1000}
	for i, want := range wantMs {
		f, err := source.Next()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if f.Index != i {
			t.Errorf("frame %d: Index = %d", i, f.Index)
		}
		if math.Abs(*f.TimestampMs-want) > 1e-6 {
			t.Errorf("frame %d: TimestampMs = %v, want %v", i, *f.TimestampMs, want)
		}
		checkGrey(t, f, h264Level(i), 4)
	}
	if _, err := source.Next(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

func TestCapturePastEnd(t *testing.T) {
	tests := []struct {
		name                   string
		frameCount, framesRead int
		fps                    float64
		previousMs, intervalMs float64
		index                  int
		want                   bool
	}{
		{"no frame count", 0, 5, 25, 160, 40, 5, true},
		{"index at the count", 10, 10, 25, 360, 40, 10, true},
		{"constant rate cut one frame short", 10, 9, 25, 320, 40, 9, false},
		{"variable rate at the estimated end", 26, 10, 25, 1000, 200, 10, true},
		{"variable rate cut early", 26, 6, 25, 400, 200, 6, false},
		{"nothing read", 10, 0, 25, 0, 0, 0, false},
		{"no frame rate", 10, 5, 0, 160, 40, 5, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &capture{frameCount: tt.frameCount, framesRead: tt.framesRead, fps: tt.fps,
				previousMs: tt.previousMs, intervalMs: tt.intervalMs,
				timestamps: newTimestampRepair(tt.fps)}
			if got := c.pastEnd(tt.index); got != tt.want {
				t.Errorf("pastEnd(%d) = %v, want %v", tt.index, got, tt.want)
			}
		})
	}
}

func TestCaptureLostFrames(t *testing.T) {
	tests := []struct {
		name        string
		failedReads int
		live        bool
		previousMs  float64
		clockMs     float64
		fromClock   bool
		want        int
	}{
		{"no failed read", 0, false, 160, 200, true, 0},
		{"gap of one frame", 1, false, 160, 240, true, 1},
		{"no gap", 1, false, 160, 200, true, 0},
		{"gap larger than the failed reads", 1, false, 160, 400, true, 1},
		{"no timestamp", 2, false, 160, 0, false, 0},
		{"webcam", 2, true, 160, 170, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &capture{failedReads: tt.failedReads, live: tt.live, fps: 25,
				previousMs: tt.previousMs, previousFromClock: true,
				timestamps: newTimestampRepair(25)}
			if got := c.lostFrames(tt.clockMs, tt.fromClock); got != tt.want {
				t.Errorf("lostFrames = %d, want %d", got, tt.want)
			}
		})
	}
}

// large-frames.avi declares 8000×8000 frames in its headers.
func TestOpenVideoTooLarge(t *testing.T) {
	source, err := OpenVideo("testdata/large-frames.avi")
	if err == nil {
		source.Close()
		t.Fatal("OpenVideo succeeded")
	}
	if !errors.Is(err, ErrOpen) {
		t.Errorf("error %v does not wrap ErrOpen", err)
	}
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v does not wrap ErrTooLarge", err)
	}
	for _, want := range []string{"large-frames.avi", "8000×8000"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// Opening a named pipe for reading blocks until a writer opens it, so each
// open runs with a deadline.
func TestOpenNamedPipe(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"pipe.avi", "pipe.png"} {
		path := filepath.Join(dir, name)
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
		t.Run(name, func(t *testing.T) {
			err := withDeadline(t, func() error {
				source, err := Open(path)
				if err == nil {
					source.Close()
				}
				return err
			})
			if !errors.Is(err, ErrOpen) {
				t.Errorf("error %v does not wrap ErrOpen", err)
			}
			if err == nil || !strings.Contains(err.Error(), "named pipe") {
				t.Errorf("error %v does not say it is a named pipe", err)
			}
		})
	}
}

// A named pipe with an image extension inside a folder becomes an error for
// that image, and the folder's other images still decode.
func TestImageFolderNamedPipe(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "a.png"), 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	png, err := os.ReadFile("testdata/bgr.png")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	source, err := OpenImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	err = withDeadline(t, func() error { _, err := source.Next(); return err })
	if err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("a.png: error %v, want one saying it is a named pipe", err)
	}
	if _, err := source.Next(); err != nil {
		t.Errorf("b.png: %v", err)
	}
}

// withDeadline returns what open returns, or fails t when open has not
// returned within 10 seconds.
func withDeadline(t *testing.T, open func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- open() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("still blocked after 10 s")
		return nil
	}
}
