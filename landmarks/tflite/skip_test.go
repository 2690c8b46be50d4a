package tflite

import (
	"errors"
	"testing"

	"pipeline/third_party/mediapipe"
)

// poseSegmentation is the output of pose_landmark_lite and _full that
// holds the 256×256 segmentation mask (Identity_2).
const poseSegmentation = 2

// TestSkipOutputsKeepsOthers skips the segmentation mask of the pose
// landmark models and requires the same bits in the other outputs as a
// run of the whole model, with fewer FLOPs.
func TestSkipOutputsKeepsOthers(t *testing.T) {
	for _, name := range []string{"pose_landmark_lite.tflite", "pose_landmark_full.tflite"} {
		t.Run(name, func(t *testing.T) {
			model, err := mediapipe.Load(name)
			if errors.Is(err, mediapipe.ErrNotEmbedded) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := invokeOn(t, model, 1)

			ip, err := New(model)
			if err != nil {
				t.Fatal(err)
			}
			whole := ip.FLOPs()
			if err := ip.SkipOutputs(poseSegmentation); err != nil {
				t.Fatal(err)
			}
			if ip.FLOPs() >= whole {
				t.Errorf("FLOPs %d with the mask skipped, %d without", ip.FLOPs(), whole)
			}
			oracleInput(ip.Input(0))
			ip.Invoke()
			ip.Invoke()
			for i := range ip.NumOutputs() {
				if i != poseSegmentation {
					sameBits(t, 1, i, ip.Output(i).Data, want[i])
				}
			}

			if err := ip.SkipOutputs(); err != nil {
				t.Fatal(err)
			}
			if ip.FLOPs() != whole {
				t.Errorf("FLOPs %d after SkipOutputs(), expected %d", ip.FLOPs(), whole)
			}
		})
	}
}

func TestSkipOutputsRejectsBadIndex(t *testing.T) {
	model, err := mediapipe.Load("hand_landmark_lite.tflite")
	if errors.Is(err, mediapipe.ErrNotEmbedded) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ip, err := New(model)
	if err != nil {
		t.Fatal(err)
	}
	for _, index := range []int{-1, ip.NumOutputs()} {
		if err := ip.SkipOutputs(index); err == nil {
			t.Errorf("SkipOutputs(%d) returned no error", index)
		}
	}
}
