package video

import (
	"errors"
	"fmt"
	"os"

	"gocv.io/x/gocv"
)

// ErrNoDisplay is returned by NewWindow when DISPLAY is not set.
var ErrNoDisplay = errors.New("video: no display: DISPLAY is not set")

// DisplayAvailable reports whether an X display is set, so that a window
// (for --show) can open.
func DisplayAvailable() bool {
	return os.Getenv("DISPLAY") != ""
}

// Window shows frames in an OpenCV HighGUI window. gocv locks the calling
// goroutine to its OS thread from NewWindow to Close, so one goroutine must
// create, use and close the window.
type Window struct {
	window *gocv.Window
	rgb    gocv.Mat // the frame being shown
	bgr    gocv.Mat // the same in OpenCV's BGR order
	closed bool
}

// NewWindow opens a window titled title. It returns ErrNoDisplay without
// DISPLAY, because OpenCV's GTK backend aborts the process when it cannot
// reach a display.
func NewWindow(title string) (*Window, error) {
	if !DisplayAvailable() {
		return nil, ErrNoDisplay
	}
	return &Window{window: gocv.NewWindow(title), rgb: gocv.NewMat(),
		bgr: gocv.NewMat()}, nil
}

// Show draws f in the window. The window repaints only while WaitKey runs.
func (w *Window) Show(f Frame) error {
	if w.closed {
		return errors.New("video: show: window is closed")
	}
	if len(f.RGB) != 3*f.Width*f.Height || len(f.RGB) == 0 {
		return fmt.Errorf("video: show %s frame %d: %d bytes of RGB for %d×%d",
			f.Source, f.Index, len(f.RGB), f.Width, f.Height)
	}

	// The frame is copied into OpenCV's memory, because C code must not
	// keep a pointer into Go memory.
	if w.rgb.Rows() != f.Height || w.rgb.Cols() != f.Width {
		w.rgb.Close()
		w.rgb = gocv.NewMatWithSize(f.Height, f.Width, gocv.MatTypeCV8UC3)
	}
	pixels, err := w.rgb.DataPtrUint8()
	if err != nil {
		return fmt.Errorf("video: show %s frame %d: %w", f.Source, f.Index, err)
	}
	copy(pixels, f.RGB)
	gocv.CvtColor(w.rgb, &w.bgr, gocv.ColorBGRToRGB) // the same swap as RGB to BGR
	w.window.IMShow(w.bgr)
	return nil
}

// WaitKey processes window events for delayMs milliseconds (0: until a
// key is pressed) and returns the key pressed, or -1 for none.
func (w *Window) WaitKey(delayMs int) int {
	if w.closed {
		return -1
	}
	return w.window.WaitKey(delayMs)
}

// Close closes the window. It may be called more than once.
func (w *Window) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	w.rgb.Close()
	w.bgr.Close()
	return w.window.Close()
}
