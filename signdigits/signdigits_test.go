package signdigits

import (
	"math"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/landmarks"
)

func TestInputIgnoresPositionAndSize(t *testing.T) {
	var hand landmarks.Hand
	for i := range hand.Landmarks {
		hand.Landmarks[i] = landmarks.Landmark{X: 0.3 + 0.01*float64(i%5),
			Y: 0.6 - 0.02*float64(i/4), Z: 0.001 * float64(i)}
	}
	moved := hand
	for i, p := range hand.Landmarks {
		moved.Landmarks[i] = landmarks.Landmark{X: 0.1 + 2*(p.X-0.3), Y: 0.2 + 2*(p.Y-0.6),
			Z: 2 * p.Z}
	}
	a := Input(nil, &hand, 200, 100)
	b := Input(nil, &moved, 200, 100)
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			t.Fatalf("value %d: %g for the hand, %g moved and doubled", i, a[i], b[i])
		}
	}
	if a[0] != 0 || a[Points] != 0 {
		t.Errorf("wrist at (%g, %g), want the origin", a[0], a[Points])
	}
	if d := math.Hypot(float64(a[9]), float64(a[Points+9])); math.Abs(d-1) > 1e-6 {
		t.Errorf("wrist to middle MCP %g, want 1", d)
	}
}

func TestBestHand(t *testing.T) {
	if BestHand(nil) != nil {
		t.Error("no hands gave a hand")
	}
	hands := []landmarks.Hand{{Presence: 0.7}, {Presence: 0.9}, {Presence: 0.8}}
	if got := BestHand(hands); got.Presence != 0.9 {
		t.Errorf("best presence %g, want 0.9", got.Presence)
	}
}

func TestSplitIsFixed(t *testing.T) {
	photos, err := ListPhotos(shareddata.Path(t, "sign-digits"))
	if err != nil {
		t.Fatal(err)
	}
	train, test := Split(photos)
	again, _ := Split(photos)
	if len(train)+len(test) != len(photos) {
		t.Fatalf("%d + %d photos after the split, want %d", len(train), len(test), len(photos))
	}
	if share := float64(len(test)) / float64(len(photos)); share < 0.19 || share > 0.2 {
		t.Errorf("test share %.3f, want about 0.2", share)
	}
	for i := range train {
		if train[i] != again[i] {
			t.Fatalf("split differs at %d: %v vs %v", i, train[i], again[i])
		}
	}
}
