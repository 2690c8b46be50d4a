package landmarks

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"pipeline/internal/shareddata"
)

// referencePose is one entry of the mediapipe-reference tool's pose
// output: landmarks [33][x, y, z, visibility], or null when MediaPipe found
// no body.
type referencePose struct {
	File      string       `json:"file"`
	Width     int          `json:"w"`
	Height    int          `json:"h"`
	Landmarks [][4]float64 `json:"landmarks"`
	World     [][4]float64 `json:"world"`
}

// TestPoseAgreesWithMediaPipe compares PoseLandmarker.Detect with
// MediaPipe pose 0.5 (JavaScript solution, full model) run on one people
// photo at a time. The reference, testdata/people-pose-static.json, was
// made by tools/oracle/mediapipe_static.sh. The test checks whether a body
// is found, and the mean landmark distance in normalised units (x over the
// width, y over the height). The distance is taken over all 33 landmarks
// and over those MediaPipe calls visible (visibility at least 0.5).
//
// The shared people-pose.json is not used: the reference tool sends all
// photos to one solution, which has no static image mode, so each photo's
// body was searched for in the region tracked from the photo before it.
// On 9 of the 20 photos that gave a body 0.18–0.99 away from the one
// MediaPipe finds in the photo on its own, and on 3 no body at all.
func TestPoseAgreesWithMediaPipe(t *testing.T) {
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "people/video.avi")))
	data, err := os.ReadFile("testdata/people-pose-static.json")
	if err != nil {
		t.Fatal(err)
	}
	var refs []referencePose
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatal(err)
	}
	p, err := NewPoseLandmarker(PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	agree, pairs := 0, 0
	var allSum, visibleSum float64
	for _, ref := range refs {
		img, err := decodeFile(filepath.Join(root, ref.File))
		if err != nil {
			t.Fatal(err)
		}
		pose, err := p.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		if (pose != nil) == (ref.Landmarks != nil) {
			agree++
		}
		if pose == nil || ref.Landmarks == nil {
			t.Logf("%s: ours %v, MediaPipe %v", ref.File, pose != nil, ref.Landmarks != nil)
			continue
		}
		all, visible, n := 0.0, 0.0, 0
		for k, r := range ref.Landmarks {
			d := math.Hypot(r[0]-pose.Landmarks[k].X, r[1]-pose.Landmarks[k].Y)
			all += d
			if r[3] >= 0.5 {
				visible += d
				n++
			}
		}
		all /= float64(len(ref.Landmarks))
		visible /= float64(max(n, 1))
		t.Logf("%s: mean landmark distance %.4f, %.4f over %d visible", ref.File, all, visible, n)
		allSum += all
		visibleSum += visible
		pairs++
	}
	presence := float64(agree) / float64(len(refs))
	all := allSum / float64(max(pairs, 1))
	visible := visibleSum / float64(max(pairs, 1))
	t.Logf("%d photos: presence agrees %.1f%%; over %d poses, mean landmark distance %.4f, "+
		"%.4f over visible landmarks", len(refs), 100*presence, pairs, all, visible)
	// Measured: all 20 agree; over the 18 bodies 0.0133, and 0.0115 over
	// visible landmarks. The package documentation explains why this is
	// noise: MediaPipe given the photos with ±1 added to each sample
	// differs from itself by 0.0054 and loses one of the 18 bodies.
	if presence < 0.98 {
		t.Errorf("pose presence agrees on %.1f%% of photos, expected at least 98%%", 100*presence)
	}
	if all > 0.014 {
		t.Errorf("mean landmark distance %.4f, expected at most 0.014", all)
	}
	if visible > 0.012 {
		t.Errorf("mean distance over visible landmarks %.4f, expected at most 0.012", visible)
	}
}
