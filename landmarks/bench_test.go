package landmarks

import (
	"os"
	"syscall"
	"testing"
	"time"
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
