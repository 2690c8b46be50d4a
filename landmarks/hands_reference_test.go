package landmarks

import (
	"path/filepath"
	"sync"
	"testing"

	"pipeline/internal/shareddata"
)

// TestHandsAgreeWithMediaPipe compares HandLandmarker with MediaPipe hands
// 0.4 (the JavaScript solution, full models, at most 2 hands) on all 1,961
// sign-digit photos, and checks the agreement targets: the same photos have
// a hand (98%), handedness agrees (98%), and the mean landmark distance
// is at most 0.01 in normalised units.
//
// The reference tool sends all photos, in the order of its output, to one
// solution, and @mediapipe/hands 0.4 has no static image mode (its
// setOptions ignores staticImageMode): each photo is searched with the
// hand regions tracked from the photo before it. So this test runs
// DetectVideo over the photos in the same order. Two workers take one half
// each; the second starts warmUp photos early so that its tracking state
// has caught up by the first photo it counts. TestHandsAgreeStatic checks
// Detect against MediaPipe run on one photo at a time.
func TestHandsAgreeWithMediaPipe(t *testing.T) {
	path := shareddata.Path(t, "mediapipe-reference/sign-digits-hands.json")
	refs := readReference(t, path)
	root := filepath.Dir(filepath.Dir(path))
	if testing.Short() {
		refs = refs[:200]
	}

	const warmUp = 5
	half := len(refs) / 2
	chunks := [][2]int{{0, half}, {half, len(refs)}}
	results := make([]*agreement, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	for i, c := range chunks {
		// MediaPipe's hands solution keeps duplicate hands. Dropping them
		// measured 99.63% handedness and mean distance 0.0060.
		h, err := NewHandLandmarker(HandOptions{KeepDuplicates: true})
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			from := max(0, c[0]-warmUp)
			results[i], errs[i] = compareVideo(h, root, refs[from:c[1]], c[0]-from)
		}()
	}
	wg.Wait()
	a := &agreement{}
	for i, r := range results {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		a.merge(r)
	}
	t.Log(a)
	// Measured: 99.80% presence, 99.91% handedness, mean distance 0.0024
	// (median 0.0014). In about 2% of photos one side reports the same
	// hand twice and the other once.
	checkTargets(t, a)
}

// checkTargets checks the agreement targets: the same photos have a hand
// (98%), handedness agrees (98%), mean landmark distance at most 0.01.
func checkTargets(t *testing.T, a *agreement) {
	t.Helper()
	checkAgreement(t, a, 0.98, 0.98, 0.01)
}

// checkAgreement checks a against minimum presence and handedness shares
// and a maximum mean landmark distance.
func checkAgreement(t *testing.T, a *agreement, presence, handedness, distance float64) {
	t.Helper()
	if got := a.presence(); got < presence {
		t.Errorf("hand presence agrees on %.2f%% of photos, expected at least %.0f%%",
			100*got, 100*presence)
	}
	if got := a.handedness(); got < handedness {
		t.Errorf("handedness agrees on %.2f%% of hands, expected at least %.0f%%",
			100*got, 100*handedness)
	}
	if got := a.distance(); got > distance {
		t.Errorf("mean landmark distance %.4f, expected at most %g", got, distance)
	}
}

// compareVideo runs h in video mode over refs, a run of consecutive
// reference photos under root, and counts all but the first skip.
func compareVideo(h *HandLandmarker, root string, refs []referenceImage, skip int) (*agreement, error) {
	a := &agreement{}
	for i, ref := range refs {
		img, err := decodeFile(filepath.Join(root, ref.File))
		if err != nil {
			return nil, err
		}
		// Any increasing timestamps do: nothing in the hand graph depends
		// on the time between frames.
		hands, err := h.DetectVideo(img, float64(i+1)*1000)
		if err != nil {
			return nil, err
		}
		if i >= skip {
			a.add(ref.File, ref, hands)
		}
	}
	return a, nil
}

// TestHandsVideoAgreesWithMediaPipe runs DetectVideo over the first 60
// photos of the shared reference's sequence and compares with MediaPipe
// hands 0.4 in video mode with float32 inference on the CPU
// (testdata/sign-digits-hands-video-cpu.json, made by
// tools/oracle/mediapipe_video.js). Like that solution it keeps duplicate
// hands. Measured: presence and handedness agree on all 60 photos and 70
// hands, mean distance 0.0001 (worst hand 0.0027).
func TestHandsVideoAgreesWithMediaPipe(t *testing.T) {
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "sign-digits/0")))
	refs := readReference(t, "testdata/sign-digits-hands-video-cpu.json")
	h, err := NewHandLandmarker(HandOptions{KeepDuplicates: true})
	if err != nil {
		t.Fatal(err)
	}
	a, err := compareVideo(h, root, refs, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(a)
	checkAgreement(t, a, 1, 1, 0.001)
}

// TestHandsAgreeStatic compares Detect (image mode) with MediaPipe hands
// 0.4 run on one photo at a time with float32 inference on the CPU
// (tools/oracle/mediapipe_static.sh with useCpuInference), on every 20th
// of the sign-digit photos in the shared reference's order.
func TestHandsAgreeStatic(t *testing.T) {
	a := compareStatic(t, "testdata/sign-digits-hands-static-cpu.json")
	// Measured: 98 of 99 photos agree, handedness 100%, mean distance
	// 0.0003 (median 0.0002). On 7/IMG_5904.JPG the palm detector scores
	// 0.498 here, just below the 0.5 threshold that MediaPipe's score
	// passes. Like most of these photos it carries a Display P3 profile,
	// which Chromium converts with other rounding than DecodeImage.
	checkAgreement(t, a, 0.98, 0.98, 0.001)
}

// TestHandsAgreeStaticGPU compares Detect with the same solution at its
// default in a desktop browser: inference on the GPU, here in software
// WebGL (testdata/sign-digits-hands-static.json).
func TestHandsAgreeStaticGPU(t *testing.T) {
	a := compareStatic(t, "testdata/sign-digits-hands-static.json")
	// Measured: 98 of 99 photos agree, handedness 100%, mean distance
	// 0.0009. MediaPipe finds a hand in 91 of the 99 photos and reports
	// two hands in one, where the shared reference, made with tracking,
	// has 11 photos with two.
	checkTargets(t, a)
}

// compareStatic runs Detect on every photo of the reference file refFile,
// whose paths are relative to the shared data folder.
func compareStatic(t *testing.T, refFile string) *agreement {
	t.Helper()
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "sign-digits/0")))
	refs := readReference(t, refFile)
	h, err := NewHandLandmarker(HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := compareAll(h, root, refs)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(a)
	return a
}
