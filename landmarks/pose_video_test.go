package landmarks

import (
	"encoding/json"
	"errors"
	"image"
	"math"
	"os"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/video"
)

func meanPoseDistance(a, b *Pose) float64 {
	sum := 0.0
	for i := range a.Landmarks {
		sum += math.Hypot(a.Landmarks[i].X-b.Landmarks[i].X, a.Landmarks[i].Y-b.Landmarks[i].Y)
	}
	return sum / NumPoseLandmarks
}

// TestPoseDetectVideoTracksShiftedPhoto tracks a people photo moved two
// pixels per frame: the detector runs on the first frame only, every frame
// has the body, and the landmarks stay near those of image mode.
func TestPoseDetectVideoTracksShiftedPhoto(t *testing.T) {
	img := readPhoto(t, shareddata.Path(t, "people/COCO_val2014_000000000241.jpg"))
	frames := shiftedFrames(img, 8, 2)
	video, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	still, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for k, frame := range frames {
		got, err := video.DetectVideo(frame, float64(33*k))
		if err != nil {
			t.Fatal(err)
		}
		want, err := still.Detect(frame)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || want == nil {
			t.Fatalf("frame %d: video mode found %v, image mode %v", k, got != nil, want != nil)
		}
		d := meanPoseDistance(got, want)
		t.Logf("frame %d: presence %.3f, mean distance to image mode %.4f", k, got.Presence, d)
		worst = max(worst, d)
	}
	if video.detectorRuns != 1 {
		t.Errorf("pose detector ran %d times, expected once", video.detectorRuns)
	}
	if worst > 0.03 {
		t.Errorf("largest mean distance to image mode %.4f, expected at most 0.03", worst)
	}
}

// TestPoseDetectVideoRedetects checks that a frame without a body ends
// the track, and the next frame runs the detector again.
func TestPoseDetectVideoRedetects(t *testing.T) {
	img := readPhoto(t, shareddata.Path(t, "people/COCO_val2014_000000000241.jpg"))
	b := img.Bounds()
	p, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, frame := range []image.Image{img, blankFrame(b.Dx(), b.Dy()), img} {
		pose, err := p.DetectVideo(frame, float64(k))
		if err != nil {
			t.Fatal(err)
		}
		if (pose != nil) != (k != 1) {
			t.Errorf("frame %d: found a body %v", k, pose != nil)
		}
	}
	if p.detectorRuns != 2 {
		t.Errorf("pose detector ran %d times, expected twice", p.detectorRuns)
	}
}

func TestPoseDetectVideoRejectsTimestamps(t *testing.T) {
	img := blankFrame(64, 48)
	p, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DetectVideo(img, 10); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []float64{10, 5} {
		if _, err := p.DetectVideo(img, ts); !errors.Is(err, ErrTimestampOrder) {
			t.Errorf("timestamp %g after 10: error %v, expected ErrTimestampOrder", ts, err)
		}
	}
	p.Reset()
	if _, err := p.DetectVideo(img, 5); err != nil {
		t.Errorf("after Reset: %v", err)
	}
}

// TestOneEuro checks the filter against values worked out by hand from
// MediaPipe's formulas: te = 1/frequency, tau = 1/(2π·cutoff),
// alpha = 1/(1 + tau/te).
func TestOneEuro(t *testing.T) {
	f := newOneEuro(0.01, 1, 1)
	if got := f.apply(1000, 1, 5); got != 5 {
		t.Errorf("first value: %g, expected it unfiltered", got)
	}
	// 100 ms later (10 Hz), a step of 1 with value scale 1: speed 10,
	// smoothed with alpha(1 Hz); the cutoff is 0.01 + |smoothed speed|.
	alpha := func(cutoff, hz float64) float64 { return 1 / (1 + hz/(2*math.Pi*cutoff)) }
	speed := alpha(1, 10) * 10
	want := 5 + alpha(0.01+speed, 10)*1
	if got := f.apply(1100, 1, 6); math.Abs(got-want) > 1e-12 {
		t.Errorf("step: %.12g, expected %.12g", got, want)
	}
	if got := f.apply(1100, 1, 7); got != 7 {
		t.Errorf("repeated timestamp: %g, expected the value unfiltered", got)
	}
	still := newOneEuro(0.01, 1, 1)
	for k := 1; k <= 5; k++ {
		if got := still.apply(float64(33*k), 1, 2.5); got != 2.5 {
			t.Errorf("constant input, frame %d: %g", k, got)
		}
	}
}

// TestPoseVideoAgreesWithMediaPipe runs DetectVideo over the first 30
// frames of the shared people video and compares with MediaPipe pose 0.5
// in video mode, float32 inference on the CPU, fed the same frames at the
// same timestamps (testdata/people-video-pose-cpu.json, made by
// tools/oracle/mediapipe_video.js). The first 8 frames must agree within
// 0.001 (measured: at most 0.0005). Later frames drift apart, because the
// tracked region feeds back into itself and the model amplifies rounding:
// moving one auxiliary point by 1e-6 pixels here makes this package
// differ from itself just as much. So the rest is held to a mean of 0.01
// (measured: 0.0053).
func TestPoseVideoAgreesWithMediaPipe(t *testing.T) {
	data, err := os.ReadFile("testdata/people-video-pose-cpu.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs []referencePose
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	source, err := video.Open(shareddata.Path(t, "people/video.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	p, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}

	sum := 0.0
	for i, ref := range refs {
		frame, err := source.Next()
		if err != nil {
			t.Fatal(err)
		}
		pose, err := p.DetectVideo(frame.RGBA(nil), *frame.TimestampMs)
		if err != nil {
			t.Fatal(err)
		}
		if pose == nil || ref.Landmarks == nil {
			t.Fatalf("frame %d: body found here %v, by MediaPipe %v", i, pose != nil,
				ref.Landmarks != nil)
		}
		d := 0.0
		for k, r := range ref.Landmarks {
			d += math.Hypot(r[0]-pose.Landmarks[k].X, r[1]-pose.Landmarks[k].Y)
		}
		d /= float64(len(ref.Landmarks))
		t.Logf("frame %d: mean landmark distance %.6f", i, d)
		if i < 8 && d > 0.001 {
			t.Errorf("frame %d: mean landmark distance %.4f, expected at most 0.001", i, d)
		}
		sum += d
	}

	mean := sum / float64(len(refs))
	t.Logf("%d frames: mean landmark distance %.4f", len(refs), mean)
	if mean > 0.01 {
		t.Errorf("mean landmark distance over %d frames %.4f, expected at most 0.01",
			len(refs), mean)
	}
}
