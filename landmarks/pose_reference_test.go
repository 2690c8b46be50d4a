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

// poseAgreement compares PoseLandmarker.Detect with a MediaPipe pose
// reference. presence is the share of photos where both or neither find a
// body. all and visible are mean landmark distances in normalised units
// (x over the width, y over the height) over the bodies both find: over
// all 33 landmarks, and over those MediaPipe calls visible (visibility at
// least 0.5).
type poseAgreement struct {
	presence, all, visible float64
	poses                  int
}

// check checks a against a minimum presence share and maximum mean
// distances over all and over visible landmarks.
func (a poseAgreement) check(t *testing.T, presence, all, visible float64) {
	t.Helper()
	if a.presence < presence {
		t.Errorf("pose presence agrees on %.1f%% of photos, expected at least %.0f%%",
			100*a.presence, 100*presence)
	}
	if a.all > all {
		t.Errorf("mean landmark distance %.4f, expected at most %g", a.all, all)
	}
	if a.visible > visible {
		t.Errorf("mean distance over visible landmarks %.4f, expected at most %g",
			a.visible, visible)
	}
}

// comparePoses runs Detect on every photo of the reference file refFile,
// whose paths are relative to the shared data folder.
func comparePoses(t *testing.T, refFile string) poseAgreement {
	t.Helper()
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "people/video.avi")))
	data, err := os.ReadFile(refFile)
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
	var a poseAgreement
	agree := 0
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
		a.all += all
		a.visible += visible
		a.poses++
	}
	a.presence = float64(agree) / float64(len(refs))
	a.all /= float64(max(a.poses, 1))
	a.visible /= float64(max(a.poses, 1))
	t.Logf("%d photos: presence agrees %.1f%%; over %d poses, mean landmark distance %.4f, "+
		"%.4f over visible landmarks", len(refs), 100*a.presence, a.poses, a.all, a.visible)
	return a
}

// TestPoseAgreesWithMediaPipe compares PoseLandmarker.Detect with
// MediaPipe pose 0.5 (JavaScript solution, full model, float32 inference
// on the CPU) run on one people photo at a time. The reference,
// testdata/people-pose-static-cpu.json, was made by
// tools/oracle/mediapipe_static.sh with the solution's useCpuInference
// option.
//
// The shared people-pose.json is not used: the reference tool sends all
// photos to one solution, which has no static image mode, so each photo's
// body was searched for in the region tracked from the photo before it.
// On 9 of the 20 photos that gave a body 0.18–0.99 away from the one
// MediaPipe finds in the photo on its own, and on 3 no body at all.
func TestPoseAgreesWithMediaPipe(t *testing.T) {
	a := comparePoses(t, "testdata/people-pose-static-cpu.json")
	// Measured: all 20 agree, and 17 of the 18 bodies within 0.0001.
	// 544.jpg (0.0076) carries a camera ICC profile, which Chromium
	// converts with other rounding than DecodeImage; the mean is 0.0004.
	a.check(t, 1, 0.002, 0.002)
}

// TestPoseAgreesWithMediaPipeGPU compares Detect with the same solution at
// its default in a desktop browser: inference on the GPU, here in software
// WebGL (testdata/people-pose-static.json).
func TestPoseAgreesWithMediaPipeGPU(t *testing.T) {
	a := comparePoses(t, "testdata/people-pose-static.json")
	// Measured: all 20 agree; over the 18 bodies 0.0133, and 0.0115 over
	// visible landmarks. The package documentation explains why this is
	// far from the CPU reference's 0.0004.
	a.check(t, 0.98, 0.014, 0.012)
}
