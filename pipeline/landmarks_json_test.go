package pipeline

import (
	"encoding/json"
	"math"
	"testing"

	"pipeline/landmarks"
)

func TestAppendHandsHandedness(t *testing.T) {
	// MediaPipe labels hands as seen in a mirrored image, so its "Left" is
	// the person's right hand unless the frame is mirrored.
	cases := []struct {
		name     string
		label    string
		mirrored bool
		want     string
	}{
		{"plain left", "Left", false, "Right"},
		{"plain right", "Right", false, "Left"},
		{"mirrored left", "Left", true, "Left"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			hands := []landmarks.Hand{{Handedness: tc.label, Presence: 0.9}}
			var entries []struct{ Handedness string }
			if err := json.Unmarshal(AppendHands(nil, hands, tc.mirrored), &entries); err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 || entries[0].Handedness != tc.want {
				t.Errorf("entries %+v, want handedness %s", entries, tc.want)
			}
		})
	}
}

func TestAppendHandsPoints(t *testing.T) {
	var hand landmarks.Hand
	hand.Landmarks[0] = landmarks.Landmark{X: -0.25, Y: 1.5, Z: 0.125}
	hand.Landmarks[1] = landmarks.Landmark{X: math.NaN()}
	hand.WorldLandmarks[20] = landmarks.Landmark{X: 0.01, Y: -0.02, Z: 0.03}
	var entries []struct {
		Kind   string
		Score  float64
		Points [][]*float64
		World  [][]*float64
	}
	text := AppendHands(nil, []landmarks.Hand{hand}, false)
	if err := json.Unmarshal(text, &entries); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
	entry := entries[0]
	if entry.Kind != "hand" || len(entry.Points) != 21 || len(entry.World) != 21 {
		t.Fatalf("entry kind %s, %d points, %d world points", entry.Kind, len(entry.Points),
			len(entry.World))
	}
	// Points off the image keep their values outside [0, 1].
	if p := entry.Points[0]; *p[0] != -0.25 || *p[1] != 1.5 || *p[2] != 0.125 {
		t.Errorf("point 0 %v, want [-0.25 1.5 0.125]", p)
	}
	if entry.Points[1][0] != nil {
		t.Errorf("NaN written as %v, want null", *entry.Points[1][0])
	}
	if w := entry.World[20]; *w[0] != 0.01 || *w[1] != -0.02 || *w[2] != 0.03 {
		t.Errorf("world point 20 %v, want [0.01 -0.02 0.03]", w)
	}
}

func TestAppendPoses(t *testing.T) {
	if got := string(AppendPoses(nil, nil)); got != "[]" {
		t.Errorf("no pose written as %s, want []", got)
	}
	var pose landmarks.Pose
	pose.Presence = 0.75
	pose.Landmarks[32] = landmarks.PoseLandmark{X: 0.5, Y: 0.25, Z: -1, Visibility: 0.125}
	var entries []struct {
		Kind       string
		Handedness *string
		Score      float64
		Points     [][]float64
		World      [][]float64
	}
	if err := json.Unmarshal(AppendPoses(nil, &pose), &entries); err != nil {
		t.Fatal(err)
	}
	entry := entries[0]
	if entry.Kind != "pose" || entry.Handedness != nil || entry.Score != 0.75 {
		t.Errorf("entry kind %s, handedness %v, score %v", entry.Kind, entry.Handedness,
			entry.Score)
	}
	if len(entry.Points) != 33 || len(entry.World) != 33 || len(entry.World[0]) != 3 {
		t.Fatalf("%d points, %d world points", len(entry.Points), len(entry.World))
	}
	want := []float64{0.5, 0.25, -1, 0.125}
	for i, v := range entry.Points[32] {
		if v != want[i] {
			t.Errorf("point 32 %v, want %v (x, y, z, visibility)", entry.Points[32], want)
			break
		}
	}
}
