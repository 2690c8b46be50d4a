package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"math"
	"os"
	"path/filepath"

	"pipeline/explain"
	"pipeline/landmarks"
	"pipeline/pipeline"
	"pipeline/video"
)

// Colours of keypoint overlays.
var (
	boneColor      = color.RGBA{255, 255, 255, 255}
	otherHandColor = color.RGBA{160, 160, 160, 255} // points of hands not predicted
	poseColor      = color.RGBA{0, 255, 0, 255}
)

// keypointOverlayWriter returns an Observe function that draws each
// frame's keypoints and writes the picture to dir as PNG, shows it in
// window, or both. It returns nil when dir is "" and window is nil.
func keypointOverlayWriter(dir string, window *overlayWindow) (
	func(*pipeline.Record, []float32) error, error) {
	if dir == "" && window == nil {
		return nil, nil
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, usageErrorf("--overlay-dir: %w", err)
		}
	}
	names := &overlayNames{}
	return func(r *pipeline.Record, _ []float32) error {
		frame, ok := r.Attachment.(*pipeline.KeypointFrame)
		if !ok {
			return nil // an error record has no frame
		}
		img := drawKeypoints(frame, importance(r))
		if window != nil {
			window.send(img)
		}
		if dir == "" {
			return nil
		}
		err := writePNG(filepath.Join(dir, names.next(r)), img)
		if err != nil {
			slog.Error("overlay not written", "source", r.Source, "index", r.Index,
				"error", err)
		}
		return err
	}, nil
}

// importance returns the per-point importance of a record's prediction
// scaled to [0, 1]: Grad-CAM as it is, or saliency magnitudes divided by
// their maximum when only saliency was computed. It returns nil without
// maps.
func importance(r *pipeline.Record) []float32 {
	if r.GradCAM != nil {
		return r.GradCAM.Values
	}
	if r.Saliency == nil {
		return nil
	}
	values := make([]float32, len(r.Saliency.Values))
	var peak float32
	for i, v := range r.Saliency.Values {
		values[i] = float32(math.Abs(float64(v)))
		peak = max(peak, values[i])
	}
	if peak > 0 {
		for i := range values {
			values[i] /= peak
		}
	}
	return values
}

// drawKeypoints returns the frame with its hands' or body's skeleton drawn
// over it. The points of the predicted hand are coloured by importance,
// from blue (0) to red (1), or white without importance values.
func drawKeypoints(kf *pipeline.KeypointFrame, importance []float32) *image.RGBA {
	img := kf.Frame.RGBA(nil)
	width, height := kf.Frame.Width, kf.Frame.Height
	radius := max(2, min(width, height)/100)
	if kf.Pose != nil {
		points := posePixels(kf.Pose, width, height)
		explain.DrawSkeleton(img, points, landmarks.PoseConnections, radius, boneColor,
			func(int) color.RGBA {
				return poseColor
			})
	}
	for i := range kf.Hands {
		points := handPixels(&kf.Hands[i], width, height)
		pointColor := func(int) color.RGBA { return otherHandColor }
		if i == kf.Best {
			pointColor = func(k int) color.RGBA {
				if k < len(importance) {
					return heatColor(importance[k])
				}
				return boneColor
			}
		}
		explain.DrawSkeleton(img, points, landmarks.HandConnections, radius, boneColor,
			pointColor)
	}
	return img
}

// heatColor maps v in [0, 1] to blue → cyan → yellow → red; NaN is grey.
func heatColor(v float32) color.RGBA {
	if v != v {
		return otherHandColor
	}
	v = min(max(v, 0), 1)
	ramp := func(x float32) uint8 { return uint8(255 * min(max(x, 0), 1)) }
	return color.RGBA{R: ramp(2*v - 0.5), G: ramp(1.5 - math32Abs(2*v-1)*1.5),
		B: ramp(1.5 - 2*v), A: 255}
}

func math32Abs(x float32) float32 { return float32(math.Abs(float64(x))) }

func writePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("write overlay %s: %w", path, err)
	}
	return f.Close()
}

// overlayWindow shows overlays in a window owned by one goroutine, as
// video.Window requires.
type overlayWindow struct {
	frames chan *image.RGBA
	done   chan struct{}
}

// startOverlayWindow opens the window on its own goroutine. Pressing q or
// Esc in it, or a window that fails to show, calls stop. The goroutine
// then keeps taking frames without showing them until close.
func startOverlayWindow(stop func()) *overlayWindow {
	w := &overlayWindow{frames: make(chan *image.RGBA, 2), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.run(stop)
	}()
	return w
}

func (w *overlayWindow) run(stop func()) {
	window, err := video.NewWindow("pipeline run")
	if err != nil {
		slog.Error("window not opened", "error", err)
		stop()
	}
	showing := err == nil
	for img := range w.frames {
		if !showing {
			continue
		}
		frame := video.Frame{RGB: rgbBytes(img), Width: img.Rect.Dx(),
			Height: img.Rect.Dy(), Source: "overlay"}
		if err := window.Show(frame); err != nil {
			slog.Error("window stopped", "error", err)
			showing = false
		}
		if key := window.WaitKey(1); key == 'q' || key == 27 {
			showing = false
		}
		if !showing {
			window.Close()
			stop()
		}
	}
	if showing {
		window.Close()
	}
}

// send hands img to the window, waiting while it draws the previous ones.
func (w *overlayWindow) send(img *image.RGBA) { w.frames <- img }

// close waits until the window has closed. Nothing may be sent after it.
func (w *overlayWindow) close() {
	close(w.frames)
	<-w.done
}

// rgbBytes returns the packed RGB pixels of img.
func rgbBytes(img *image.RGBA) []uint8 {
	rgb := make([]uint8, 0, 3*img.Rect.Dx()*img.Rect.Dy())
	for i := 0; i < len(img.Pix); i += 4 {
		rgb = append(rgb, img.Pix[i], img.Pix[i+1], img.Pix[i+2])
	}
	return rgb
}
