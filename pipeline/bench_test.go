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
