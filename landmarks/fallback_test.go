package landmarks

import (
	"image"
	"os"
	"testing"
)

// TestWholeImageFallback uses 6/IMG_1256.JPG, a close-up in which the palm
// detector finds a palm (score 0.85) but the landmark model's presence
// score in that palm's region stays below 0.5. MediaPipe hands 0.4 finds
// no hand in it either. On the whole photo the presence score is 0.99.
func TestWholeImageFallback(t *testing.T) {
	const path = "testdata/sign-digits/6/IMG_1256.JPG"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	photo, err := DecodeImage(path, data)
	if err != nil {
		t.Fatal(err)
	}
	blank := image.NewRGBA(image.Rect(0, 0, 100, 100))

	plain, err := NewHandLandmarker(HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	fallback, err := NewHandLandmarker(HandOptions{WholeImageFallback: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fallback.Close()

	tests := []struct {
		name       string
		landmarker *HandLandmarker
		img        image.Image
		hands      int
	}{
		{"photo without fallback", plain, photo, 0},
		{"photo with fallback", fallback, photo, 1},
		{"black image with fallback", fallback, blank, 0},
	}
	for _, tt := range tests {
		hands, err := tt.landmarker.Detect(tt.img)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(hands) != tt.hands {
			t.Errorf("%s: %d hands, expected %d", tt.name, len(hands), tt.hands)
			continue
		}
		for _, hand := range hands {
			if hand.PalmScore != 0 {
				t.Errorf("%s: palm score %g, expected 0 for the fallback", tt.name,
					hand.PalmScore)
			}
			if hand.Presence < 0.5 {
				t.Errorf("%s: presence %g, expected at least 0.5", tt.name, hand.Presence)
			}
			if hand.Region != (Rect{XCenter: 0.5, YCenter: 0.5, Width: 1, Height: 1}) {
				t.Errorf("%s: region %+v, expected the whole image", tt.name, hand.Region)
			}
		}
	}
}

// TestWholeImageFallbackInVideo tracks the same photo over three frames:
// the first finds the hand through the fallback, and the next two track
// it without running the palm detector again (NumHands 1).
func TestWholeImageFallbackInVideo(t *testing.T) {
	photo := readPhoto(t, "testdata/sign-digits/6/IMG_1256.JPG")
	h, err := NewHandLandmarker(HandOptions{NumHands: 1, WholeImageFallback: true})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for k := range 3 {
		hands, err := h.DetectVideo(photo, float64(33*k))
		if err != nil {
			t.Fatal(err)
		}
		if len(hands) != 1 {
			t.Fatalf("frame %d: %d hands, expected 1", k, len(hands))
		}
	}
	if h.palmRuns != 1 {
		t.Errorf("palm detector ran %d times, expected once", h.palmRuns)
	}
}
