package explain

import (
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/mnist"
	"pipeline/models"
)

// BenchmarkExplainMNIST explains the 10,000 MNIST test digits with saliency
// and Grad-CAM at the default layer, at batch 1000. docs/benchmarks.md
// lists the PyTorch command that does the same work.
func BenchmarkExplainMNIST(b *testing.B) {
	images, err := mnist.ReadImages(shareddata.Path(b, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		b.Fatal(err)
	}
	net := loadTestNet(b)
	x := models.NewTensor(images.N, 1, images.Rows, images.Cols)
	net.Spec.Normalize(x.Data, images.Pixels)
	e := newExplainer(b, net, Config{Saliency: true, GradCAM: true, Target: PredictedClass})

	const batch = 1000
	size := x.SampleLen()
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := processCPUTime()
	for range b.N {
		for lo := 0; lo < images.N; lo += batch {
			hi := min(lo+batch, images.N)
			chunk := models.FromData(x.Data[lo*size:hi*size], hi-lo, 1, images.Rows, images.Cols)
			if _, err := e.Explain(chunk); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*images.N)/b.Elapsed().Seconds(), "img/s")
	if cpu := processCPUTime() - cpuStart; cpu > 0 {
		b.ReportMetric(float64(b.N*images.N)/cpu.Seconds(), "img/cpu-s")
	}
}
