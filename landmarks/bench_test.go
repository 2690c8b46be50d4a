package landmarks

import (
	"fmt"
	"image"
	"os"
	"syscall"
	"testing"
	"time"

	"pipeline/internal/shareddata"
)

// BenchmarkHandLandmarker times Detect on one sample photo (100×100, one
// hand): palm detection plus one run of the landmark model. It reports
// frames/s from wall time and the process CPU time per frame, which stays
// meaningful when other work shares the cores.
func BenchmarkHandLandmarker(b *testing.B) {
	for _, tc := range []struct {
		name string
		lite bool
	}{{"full", false}, {"lite", true}} {
		b.Run(tc.name, func(b *testing.B) {
			raw, err := os.ReadFile("testdata/sign-digits/4/IMG_5322.JPG")
			if err != nil {
				b.Fatal(err)
			}
			img, err := DecodeImage("IMG_5322.JPG", raw)
			if err != nil {
				b.Fatal(err)
			}
			h, err := NewHandLandmarker(HandOptions{Lite: tc.lite})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpuStart := processCPUTime()
			for b.Loop() {
				if _, err := h.Detect(img); err != nil {
					b.Fatal(err)
				}
			}
			cpuSeconds := (processCPUTime() - cpuStart).Seconds()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
			b.ReportMetric(1000*cpuSeconds/float64(b.N), "cpu-ms/frame")
		})
	}
}

// processCPUTime returns the user and system CPU time of this process.
func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// BenchmarkVideo times DetectVideo on 60 frames of a moving subject, a
// sample photo shifted two pixels per frame: a hand photo enlarged into a
// 640×480 frame, and a people photo. Each landmarker runs its inferences
// on 1 or 2 threads. Besides frames/s and CPU time it reports the work per
// frame, counted from the detector and landmark model runs, and the
// GFLOP/s achieved in wall time.
func BenchmarkVideo(b *testing.B) {
	hand := handFrame(b)
	body := readPhoto(b, shareddata.Path(b, "people/COCO_val2014_000000000241.jpg"))
	for _, threads := range []int{1, 2} {
		for _, numHands := range []int{1, 2} {
			b.Run(fmt.Sprintf("hands%d/threads%d", numHands, threads), func(b *testing.B) {
				h, err := NewHandLandmarker(HandOptions{NumHands: numHands, Threads: threads})
				if err != nil {
					b.Fatal(err)
				}
				defer h.Close()
				frames := shiftedFrames(hand, 60, 2)
				runVideo(b, frames, func(img image.Image, ms float64) error {
					_, err := h.DetectVideo(img, ms)
					return err
				}, func() (int64, int) {
					return int64(h.palmRuns)*h.palm.FLOPs() +
						int64(h.landmarkRuns)*h.landmark.FLOPs(), h.palmRuns
				}, h.Reset)
			})
		}
		b.Run(fmt.Sprintf("pose/threads%d", threads), func(b *testing.B) {
			p, err := NewPoseLandmarker(PoseOptions{Threads: threads})
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			frames := shiftedFrames(body, 60, 2)
			runVideo(b, frames, func(img image.Image, ms float64) error {
				_, err := p.DetectVideo(img, ms)
				return err
			}, func() (int64, int) {
				return int64(p.detectorRuns)*p.detector.FLOPs() +
					int64(p.landmarkRuns)*p.landmark.FLOPs(), p.detectorRuns
			}, p.Reset)
		})
	}
}

// runVideo runs detect over frames b.N times, resetting the tracking
// state before each pass, and reports the rates. work returns the FLOPs
// and detector runs so far.
func runVideo(b *testing.B, frames []image.Image, detect func(image.Image, float64) error,
	work func() (int64, int), reset func()) {
	b.ReportAllocs()
	flops0, detections0 := work()
	cpuStart := processCPUTime()
	n := 0
	for b.Loop() {
		reset()
		for k, frame := range frames {
			if err := detect(frame, float64(20*k)); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	cpuSeconds := (processCPUTime() - cpuStart).Seconds()
	flops, detections := work()
	flops -= flops0
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "frames/s")
	b.ReportMetric(1000*cpuSeconds/float64(n), "cpu-ms/frame")
	b.ReportMetric(float64(flops)/float64(n)/1e9, "GFLOP/frame")
	b.ReportMetric(float64(flops)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(float64(detections-detections0)/float64(n), "detections/frame")
}

// handFrame returns a sample hand photo enlarged to 400×400 in the middle
// of a grey 640×480 frame, as a hand held before a webcam looks.
func handFrame(b *testing.B) image.Image {
	photo := readPhoto(b, "testdata/sign-digits/4/IMG_5322.JPG")
	frame := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for i := range frame.Pix {
		frame.Pix[i] = 128
	}
	pb := photo.Bounds()
	for y := 0; y < 400; y++ {
		for x := 0; x < 400; x++ {
			frame.Set(120+x, 40+y, photo.At(pb.Min.X+x*pb.Dx()/400, pb.Min.Y+y*pb.Dy()/400))
		}
	}
	return frame
}
