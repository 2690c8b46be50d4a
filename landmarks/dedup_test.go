package landmarks

import (
	"image"
	"path/filepath"
	"slices"
	"testing"

	"pipeline/internal/shareddata"
)

func shiftedHand(hand Hand, dx, dy float64) Hand {
	for i := range hand.Landmarks {
		hand.Landmarks[i].X += dx
		hand.Landmarks[i].Y += dy
	}
	return hand
}

func TestDuplicateHands(t *testing.T) {
	hands, err := detectFile(newOneHandLandmarker(t), "testdata/sign-digits/4/IMG_5322.JPG")
	if err != nil || len(hands) != 1 {
		t.Fatalf("%d hands, error %v; expected one", len(hands), err)
	}
	hand := hands[0]
	in := []Hand{hand, shiftedHand(hand, 0.01, 0), shiftedHand(hand, 0.5, 0),
		shiftedHand(hand, 0.5, 0.01)}
	got := duplicateHands(in, 100, 100)
	// The near copy repeats the first hand, and the last repeats the far
	// copy, which is kept.
	if want := []bool{false, true, false, true}; !slices.Equal(got, want) {
		t.Errorf("duplicates %v, expected %v", got, want)
	}
}

// TestDetectVideoDropsDuplicates tracks through 40 consecutive photos of
// the shared reference, in its order, as frames of one video with
// NumHands 2, so the palm detector runs beside each tracked hand. Keeping
// duplicates, as MediaPipe's older solution does, some frames report the
// one hand twice (11 of 40 measured). By default 1 frame does, because
// its two hands differ too much for MediaPipe Tasks' rule.
func TestDetectVideoDropsDuplicates(t *testing.T) {
	path := shareddata.Path(t, "mediapipe-reference/sign-digits-hands.json")
	refs := readReference(t, path)[50:90]
	root := filepath.Dir(filepath.Dir(path))
	var frames []image.Image
	for _, ref := range refs {
		img, err := decodeFile(filepath.Join(root, ref.File))
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, img)
	}
	// twice counts the frames with more than one hand, and fails when a
	// frame reports a hand that the rule calls a duplicate.
	twice := func(opts HandOptions) int {
		h, err := NewHandLandmarker(opts)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for k, frame := range frames {
			hands, err := h.DetectVideo(frame, float64(33*k))
			if err != nil {
				t.Fatal(err)
			}
			if len(hands) > 1 {
				n++
			}
			b := frame.Bounds()
			if !opts.KeepDuplicates && slices.Contains(duplicateHands(hands, b.Dx(), b.Dy()), true) {
				t.Errorf("%s: a duplicate hand was reported", refs[k].File)
			}
		}
		return n
	}
	kept, dropped := twice(HandOptions{KeepDuplicates: true}), twice(HandOptions{})
	// Measured: 14 and 3. The three frames hold two hands apart from each
	// other, and MediaPipe reports two there as well.
	t.Logf("frames with two hands: %d keeping duplicates, %d dropping them", kept, dropped)
	if kept <= dropped {
		t.Errorf("as many frames have two hands with KeepDuplicates as without; " +
			"the test no longer shows duplicates")
	}
}
