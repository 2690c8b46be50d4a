package landmarks

import (
	"errors"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"pipeline/internal/shareddata"
)

// shiftedFrames returns n frames of img, frame k moved k·stepPx pixels
// right and k·stepPx/2 down, with the edge pixels repeated into the gap.
func shiftedFrames(img image.Image, n, stepPx int) []image.Image {
	b := img.Bounds()
	frames := make([]image.Image, n)
	for k := range frames {
		dx, dy := k*stepPx, k*stepPx/2
		frame := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				srcX := b.Min.X + max(x-dx, 0)
				srcY := b.Min.Y + max(y-dy, 0)
				frame.Set(x, y, img.At(srcX, srcY))
			}
		}
		frames[k] = frame
	}
	return frames
}

// blankFrame returns a uniform grey frame of the given size.
func blankFrame(width, height int) image.Image {
	frame := image.NewRGBA(image.Rect(0, 0, width, height))
	for i := range frame.Pix {
		frame.Pix[i] = 128
	}
	return frame
}

func readPhoto(tb testing.TB, path string) image.Image {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	img, err := DecodeImage(filepath.Base(path), raw)
	if err != nil {
		tb.Fatal(err)
	}
	return img
}

func newOneHandLandmarker(tb testing.TB) *HandLandmarker {
	tb.Helper()
	h, err := NewHandLandmarker(HandOptions{NumHands: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Close() })
	return h
}

// meanLandmarkDistance returns the mean 2D distance between the image
// landmarks of a and b, in normalised units.
func meanLandmarkDistance(a, b Hand) float64 {
	sum := 0.0
	for i := range a.Landmarks {
		sum += math.Hypot(a.Landmarks[i].X-b.Landmarks[i].X, a.Landmarks[i].Y-b.Landmarks[i].Y)
	}
	return sum / NumHandLandmarks
}

// trackingRun is the outcome of DetectVideo over a sequence of frames.
type trackingRun struct {
	palmRuns      int // palm detector invocations
	framesTracked int // frames with exactly one hand
	// Mean landmark distance to Detect on the same frame (normalised
	// units), over the frames where both find one hand.
	meanDistance, maxDistance float64
}

// trackSequence runs DetectVideo with one hand over frames and compares
// each frame's landmarks with those of Detect.
//
// The two modes differ even on a still video because they crop the hand
// differently: a region from the previous landmarks, enlarged 2.0 times,
// against one from the palm detection, enlarged 2.6 times.
func trackSequence(tb testing.TB, frames []image.Image) trackingRun {
	tb.Helper()
	video := newOneHandLandmarker(tb)
	still := newOneHandLandmarker(tb)
	var run trackingRun
	compared := 0
	for k, frame := range frames {
		hands, err := video.DetectVideo(frame, float64(33*k))
		if err != nil {
			tb.Fatal(err)
		}
		want, err := still.Detect(frame)
		if err != nil {
			tb.Fatal(err)
		}
		if len(hands) != 1 {
			continue
		}
		run.framesTracked++
		if len(want) != 1 {
			continue
		}
		d := meanLandmarkDistance(hands[0], want[0])
		run.meanDistance += d
		run.maxDistance = max(run.maxDistance, d)
		compared++
	}
	run.palmRuns = video.palmRuns
	if compared > 0 {
		run.meanDistance /= float64(compared)
	}
	return run
}

// TestDetectVideoTracksShiftedPhoto tracks a sample photo moved one pixel
// per frame. The distances to image mode measured 0.010–0.014 per frame.
// Detect misses the hand on frame 4, which DetectVideo keeps.
func TestDetectVideoTracksShiftedPhoto(t *testing.T) {
	img := readPhoto(t, "testdata/sign-digits/0/IMG_4543.JPG")
	run := trackSequence(t, shiftedFrames(img, 10, 1))
	if run.palmRuns != 1 {
		t.Errorf("palm detector ran %d times over 10 frames, expected once", run.palmRuns)
	}
	if run.framesTracked != 10 {
		t.Errorf("one hand in %d of 10 frames, expected all", run.framesTracked)
	}
	if run.maxDistance > 0.02 {
		t.Errorf("max mean distance to image mode %.4f, expected at most 0.02",
			run.maxDistance)
	}
}

// TestDetectVideoTracksSharedPhotos repeats the shifted-photo check on the
// first 20 photos of the shared sign-digit set that image mode finds a
// hand in, with limits on the whole set. Measured, 19 of 20 are tracked
// through all frames from one palm detection. IMG_4049.JPG, whose image
// mode landmarks are 0.16 off MediaPipe's, loses the hand on frame 2 and
// detects it again on frame 3. The per-photo mean distances to image mode
// are 0.008–0.042, median 0.013, and IMG_1118.JPG settles about 0.05 away
// even on a still video.
func TestDetectVideoTracksSharedPhotos(t *testing.T) {
	if testing.Short() {
		t.Skip("400 landmark model runs take about 10 s")
	}
	dir := shareddata.Path(t, "sign-digits/0")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	still := newOneHandLandmarker(t)
	var distances []float64
	fullyTracked := 0
	for _, entry := range entries {
		if len(distances) == 20 {
			break
		}
		img := readPhoto(t, filepath.Join(dir, entry.Name()))
		frames := shiftedFrames(img, 10, 1)
		if hands, err := still.Detect(frames[0]); err != nil || len(hands) != 1 {
			continue
		}

		run := trackSequence(t, frames)
		t.Logf("%s: %+v", entry.Name(), run)
		distances = append(distances, run.meanDistance)
		if run.palmRuns == 1 && run.framesTracked == len(frames) {
			fullyTracked++
		}
	}
	if len(distances) < 20 {
		t.Fatalf("image mode found a hand in %d photos in %s, expected 20",
			len(distances), dir)
	}

	if fullyTracked < 18 {
		t.Errorf("%d of 20 photos tracked through all frames from one palm detection,"+
			" expected at least 18", fullyTracked)
	}
	slices.Sort(distances)
	if median := distances[len(distances)/2]; median > 0.02 {
		t.Errorf("median of the mean distances to image mode %.4f, expected at most 0.02",
			median)
	}
}

func TestDetectVideoRedetectsAfterBlankFrame(t *testing.T) {
	img := readPhoto(t, "testdata/sign-digits/0/IMG_4543.JPG")
	frames := shiftedFrames(img, 3, 1)
	b := img.Bounds()
	frames = slices.Insert(frames, 2, blankFrame(b.Dx(), b.Dy()))
	wantHands := []int{1, 1, 0, 1}
	wantPalmRuns := []int{1, 1, 1, 2}

	h := newOneHandLandmarker(t)
	for k, frame := range frames {
		hands, err := h.DetectVideo(frame, float64(33*k))
		if err != nil {
			t.Fatal(err)
		}
		if len(hands) != wantHands[k] {
			t.Errorf("frame %d: %d hands, expected %d", k, len(hands), wantHands[k])
		}
		if len(h.video.tracked) != wantHands[k] {
			t.Errorf("frame %d: %d hands tracked, expected %d", k, len(h.video.tracked),
				wantHands[k])
		}
		if h.palmRuns != wantPalmRuns[k] {
			t.Errorf("frame %d: palm detector ran %d times in all, expected %d", k,
				h.palmRuns, wantPalmRuns[k])
		}
	}
}

func TestDetectVideoRejectsTimestamps(t *testing.T) {
	frame := blankFrame(32, 32)
	h := newOneHandLandmarker(t)
	if _, err := h.DetectVideo(frame, 100); err != nil {
		t.Fatal(err)
	}
	for _, ts := range []float64{100, 99, math.NaN()} {
		if _, err := h.DetectVideo(frame, ts); !errors.Is(err, ErrTimestampOrder) {
			t.Errorf("timestamp %g after 100: error %v, expected ErrTimestampOrder", ts, err)
		}
	}
	if _, err := h.DetectVideo(frame, 101); err != nil {
		t.Errorf("timestamp 101 after 100: %v", err)
	}
	h.Reset()
	if _, err := h.DetectVideo(frame, 0); err != nil {
		t.Errorf("timestamp 0 after Reset: %v", err)
	}
}

func TestDetectVideoRejectsEmptyImage(t *testing.T) {
	h := newOneHandLandmarker(t)
	if _, err := h.DetectVideo(imageOf(0, 0), 0); err != ErrEmptyImage {
		t.Errorf("DetectVideo of an empty image: %v, expected ErrEmptyImage", err)
	}
}

// TestHandRegionFromLandmarksUpright checks the region of an upright hand
// drawn as a vertical line of joints: no rotation, centred on the joints'
// box moved up a tenth of its height, and twice its long side wide.
func TestHandRegionFromLandmarksUpright(t *testing.T) {
	var lms [NumHandLandmarks]Landmark
	for i := range lms {
		lms[i] = Landmark{X: 0.5, Y: 0.8}
	}
	for _, i := range []int{5, 9, 13} {
		lms[i] = Landmark{X: 0.5, Y: 0.6}
	}
	lms[1] = Landmark{X: 0.4, Y: 0.8}
	r := handRegionFromLandmarks(lms, 100, 100)
	// Box: x 0.4–0.5, y 0.6–0.8, so 0.1×0.2 centred at (0.45, 0.7).
	checks := []struct {
		name      string
		got, want float64
	}{
		{"rotation", r.Rotation, 0},
		{"x centre", r.XCenter, 0.45},
		{"y centre", r.YCenter, 0.7 - 0.1*0.2},
		{"width", r.Width, 0.4},
		{"height", r.Height, 0.4},
	}
	for _, c := range checks {
		if !near(c.got, c.want, 1e-9) {
			t.Errorf("%s %g, expected %g", c.name, c.got, c.want)
		}
	}
}

// BenchmarkHandVideo compares Detect with DetectVideo on ten frames of a
// sample photo shifted one pixel per frame. DetectVideo runs the palm
// detector once and then only the landmark model.
func BenchmarkHandVideo(b *testing.B) {
	frames := shiftedFrames(readPhoto(b, "testdata/sign-digits/4/IMG_5322.JPG"), 10, 1)
	for _, mode := range []string{"Detect", "DetectVideo"} {
		b.Run(mode, func(b *testing.B) {
			h := newOneHandLandmarker(b)
			b.ReportAllocs()
			k := 0
			for b.Loop() {
				var err error
				if mode == "Detect" {
					_, err = h.Detect(frames[k%len(frames)])
				} else {
					_, err = h.DetectVideo(frames[k%len(frames)], float64(33*k))
				}
				if err != nil {
					b.Fatal(err)
				}
				k++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}
