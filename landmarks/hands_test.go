package landmarks

import (
	"encoding/json"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/hands-golden.json")

// TestHandsMatchMediaPipeOnSamples runs the hand landmarker on the ten
// photos in testdata (nine with one hand, 6/IMG_1256.JPG with none) and
// compares with MediaPipe hands 0.4's own output for each photo on its
// own, with float32 inference on the CPU (tools/oracle/mediapipe_static.sh
// with useCpuInference). Tolerance: 0.001 mean landmark distance
// (normalised units) per hand; these photos agree to within
// 0.0001–0.0002. The rest comes from the photos' Display P3 profiles,
// which Chromium converts with other rounding than DecodeImage.
func TestHandsMatchMediaPipeOnSamples(t *testing.T) {
	refs := readReference(t, "testdata/sign-digits-hands.json")
	h, err := NewHandLandmarker(HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for _, ref := range refs {
		t.Run(ref.File, func(t *testing.T) {
			hands, err := detectFile(h, filepath.Join("testdata", ref.File))
			if err != nil {
				t.Fatal(err)
			}
			if (len(hands) > 0) != (len(ref.Landmarks) > 0) {
				t.Fatalf("%d hands, MediaPipe found %d", len(hands), len(ref.Landmarks))
			}
			for i, refHand := range ref.Landmarks {
				best := nearestHand(refHand, hands)
				if d := meanDistance(refHand, best); d > 0.001 {
					t.Errorf("hand %d: mean landmark distance %.4f, expected at most 0.001", i, d)
				}
				if best.Handedness != ref.Handedness[i].Label {
					t.Errorf("hand %d: handedness %s, MediaPipe %s", i, best.Handedness,
						ref.Handedness[i].Label)
				}
			}
		})
	}
}

func nearestHand(ref [][3]float64, hands []Hand) Hand {
	best := hands[0]
	for _, h := range hands[1:] {
		if meanDistance(ref, h) < meanDistance(ref, best) {
			best = h
		}
	}
	return best
}

// TestHandsGolden compares every output field on the sample photos with
// testdata/hands-golden.json, this package's own earlier output (rewrite
// it with -update after an intended change). Tolerance 1e-4: the matrix
// kernels may sum in another order on other machines.
func TestHandsGolden(t *testing.T) {
	refs := readReference(t, "testdata/sign-digits-hands.json")
	h, err := NewHandLandmarker(HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]Hand{}
	for _, ref := range refs {
		hands, err := detectFile(h, filepath.Join("testdata", ref.File))
		if err != nil {
			t.Fatal(err)
		}
		got[ref.File] = hands
	}
	const golden = "testdata/hands-golden.json"
	if *update {
		data, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]Hand
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	for file, hands := range want {
		compareHands(t, file, got[file], hands, 1e-4)
	}
}

func compareHands(t *testing.T, file string, got, want []Hand, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d hands, golden %d", file, len(got), len(want))
		return
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Handedness != w.Handedness {
			t.Errorf("%s hand %d: handedness %s, golden %s", file, i, g.Handedness, w.Handedness)
		}
		scores := [][2]float64{{g.HandednessScore, w.HandednessScore},
			{g.Presence, w.Presence}, {g.PalmScore, w.PalmScore},
			{g.Region.XCenter, w.Region.XCenter}, {g.Region.YCenter, w.Region.YCenter},
			{g.Region.Width, w.Region.Width}, {g.Region.Rotation, w.Region.Rotation}}
		for k, s := range scores {
			if math.Abs(s[0]-s[1]) > tol {
				t.Errorf("%s hand %d: score or region value %d is %g, golden %g", file, i, k,
					s[0], s[1])
			}
		}
		for k := range w.Landmarks {
			for _, pair := range [][2]Landmark{{g.Landmarks[k], w.Landmarks[k]},
				{g.WorldLandmarks[k], w.WorldLandmarks[k]}} {
				if distance3(pair[0], pair[1]) > tol {
					t.Errorf("%s hand %d landmark %d: %+v, golden %+v", file, i, k,
						pair[0], pair[1])
				}
			}
		}
	}
}

func distance3(a, b Landmark) float64 {
	return math.Sqrt((a.X-b.X)*(a.X-b.X) + (a.Y-b.Y)*(a.Y-b.Y) + (a.Z-b.Z)*(a.Z-b.Z))
}

func TestDetectRejectsEmptyImage(t *testing.T) {
	h, err := NewHandLandmarker(HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Detect(newRGBImage(imageOf(0, 0)).toRGBA()); err != ErrEmptyImage {
		t.Errorf("Detect of an empty image: %v, expected ErrEmptyImage", err)
	}
}

func TestNewHandLandmarkerRejectsNegativeHands(t *testing.T) {
	if _, err := NewHandLandmarker(HandOptions{NumHands: -1}); err == nil {
		t.Error("NumHands −1 returned no error")
	}
}

func TestPersonHandedness(t *testing.T) {
	tests := []struct {
		label    string
		mirrored bool
		want     string
	}{
		{"Left", true, "Left"}, {"Left", false, "Right"},
		{"Right", true, "Right"}, {"Right", false, "Left"},
	}
	for _, tc := range tests {
		if got := (Hand{Handedness: tc.label}).PersonHandedness(tc.mirrored); got != tc.want {
			t.Errorf("%s, mirrored %v: got %s, expected %s", tc.label, tc.mirrored, got, tc.want)
		}
	}
}
