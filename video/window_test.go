package video

import (
	"errors"
	"testing"
)

// TestWindowShowsFrames needs an X display; run it under Xvfb with
// xvfb-run go test -run Window ./video.
func TestWindowShowsFrames(t *testing.T) {
	if !DisplayAvailable() {
		t.Skip("DISPLAY is not set; run under xvfb-run to test the window")
	}
	source, err := OpenVideo("testdata/clip.avi")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	window, err := NewWindow("video test")
	if err != nil {
		t.Fatal(err)
	}
	defer window.Close()

	for i := 0; i < 3; i++ {
		f, err := source.Next()
		if err != nil {
			t.Fatal(err)
		}
		if err := window.Show(f); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		window.WaitKey(1)
	}
	if err := window.Show(Frame{Width: 2, Height: 2, RGB: make([]uint8, 3)}); err == nil {
		t.Error("Show accepted 3 bytes of RGB for a 2×2 frame")
	}
	if err := window.Close(); err != nil {
		t.Fatal(err)
	}
	if err := window.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNewWindowWithoutDisplay(t *testing.T) {
	t.Setenv("DISPLAY", "")
	if _, err := NewWindow("video test"); !errors.Is(err, ErrNoDisplay) {
		t.Errorf("NewWindow without DISPLAY: %v, want ErrNoDisplay", err)
	}
}
