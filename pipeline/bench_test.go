package pipeline

import (
	"context"
	"io"
	"testing"

	"pipeline/explain"
	"pipeline/internal/shareddata"
	"pipeline/models"
)

// BenchmarkRunMNIST streams the 10,000 MNIST test digits through LeNet-5
// with saliency and Grad-CAM, as `pipeline run` does, and discards the
// lines. It reports records per wall second and per CPU second.
func BenchmarkRunMNIST(b *testing.B) {
	path := shareddata.Path(b, "mnist/t10k-images-idx3-ubyte.gz")
	net, err := models.Build(models.LeNet5(), 1)
	if err != nil {
		b.Fatal(err)
	}
	net.InitParams(7)
	cfg := Config{Net: net, Model: ModelInfo{Name: "lenet5"},
		Explain: explain.Config{Saliency: true, GradCAM: true, Target: explain.PredictedClass}}
	records := 0
	b.ReportAllocs()
	cpuStart := processCPUTime()
	for range b.N {
		source, err := OpenSource(path)
		if err != nil {
			b.Fatal(err)
		}
		stats, err := newEngine(b, cfg).Run(context.Background(), []Source{source}, io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		records += stats.Records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if cpu := processCPUTime() - cpuStart; cpu > 0 {
		b.ReportMetric(float64(records)/cpu.Seconds(), "records/cpu-s")
	}
}

// BenchmarkKeypointsVideo finds the pose or the hands in the first 50
// frames of people/video.avi with no model, as `pipeline run --landmarks`
// does, each frame on its own or tracked from the one before (--track),
// and discards the lines. Landmarker loading is included.
func BenchmarkKeypointsVideo(b *testing.B) {
	path := shareddata.Path(b, "people/video.avi")
	for _, tc := range []struct {
		kind  string
		track bool
	}{{KindPose, false}, {KindPose, true}, {KindHand, false}, {KindHand, true}} {
		name := tc.kind
		if tc.track {
			name += "/track"
		}
		b.Run(name, func(b *testing.B) {
			finder, err := NewKeypointFinder(KeypointOptions{Kind: tc.kind, MaxFrames: 50,
				Track: tc.track})
			if err != nil {
				b.Fatal(err)
			}
			defer finder.Close()
			frames := 0
			b.ReportAllocs()
			cpuStart := processCPUTime()
			for range b.N {
				source, err := finder.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				stats, err := newEngine(b, Config{Batch: 8}).Run(context.Background(),
					[]Source{source}, io.Discard)
				if err != nil {
					b.Fatal(err)
				}
				frames += stats.Records
			}
			b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
			if cpu := processCPUTime() - cpuStart; cpu > 0 {
				b.ReportMetric(float64(frames)/cpu.Seconds(), "frames/cpu-s")
			}
		})
	}
}
