package report

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/mnist"
	"pipeline/models"
)

// TestWriteReport trains LeNet-5 for two epochs on 2,000 real MNIST digits
// and checks that the report has every section and every plot.
func TestWriteReport(t *testing.T) {
	dir := shareddata.Path(t, "mnist")
	train, test, err := mnist.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	spec := models.LeNet5()
	trainSet := subset(spec, train, 2000)
	testSet := subset(spec, test, 500)
	net, err := models.Build(spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(1)
	cfg := models.TrainConfig{Optimizer: "adam", LR: 0.001, Epochs: 2, Batch: 64, Seed: 1}
	trainer, err := models.NewTrainer(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var metrics []models.EpochMetrics
	for range cfg.Epochs {
		m, err := trainer.TrainEpoch(context.Background(), trainSet, testSet)
		if err != nil {
			t.Fatal(err)
		}
		metrics = append(metrics, m)
	}
	run := t.TempDir()
	runCfg := models.RunConfig{Model: spec, Train: cfg, Data: dir}
	if err := models.SaveRun(run, trainer, runCfg, metrics); err != nil {
		t.Fatal(err)
	}

	path, err := Write(Options{RunDir: run, Test: testSet, PCASize: 300, Samples: 3})
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Architecture", "Conv2d(6, 16, k=5)", "Training parameters",
		"Test results", "accuracy.png", "loss.png", "pca_fc1.png", "pca_fc2.png",
		"pca_fc3.png", "explain_002.png"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	for _, file := range []string{"accuracy.png", "loss.png", "pca_fc3.png", "explain_000.png"} {
		info, err := os.Stat(filepath.Join(run, file))
		if err != nil || info.Size() < 1000 {
			t.Errorf("%s missing or nearly empty: %v", file, err)
		}
	}
	if strings.Contains(string(html), "collapsed") {
		t.Errorf("a model at %.1f%% test accuracy is reported as collapsed",
			100*metrics[1].TestAcc)
	}
}

func subset(spec models.Spec, set *mnist.Set, n int) *models.Dataset {
	im := set.Images
	x := models.NewTensor(n, 1, im.Rows, im.Cols)
	spec.Normalize(x.Data, im.Pixels[:n*im.Rows*im.Cols])
	y := make([]int, n)
	for i := range y {
		y[i] = int(set.Labels[i])
	}
	return &models.Dataset{X: x, Y: y}
}

// TestDrawHandPanels draws a hand of 21 points on three panels: every
// point lands inside its panel, white on the first, in heat colours on
// the others.
func TestDrawHandPanels(t *testing.T) {
	input := make([]float32, 3*21)
	heat := make([]float32, 21)
	for k := range 21 {
		input[k], input[21+k] = float32(k%5)/4, -float32(k/5)/4
		heat[k] = float32(k) / 20
	}
	img := drawHandPanels(input, heat, heat)
	if b := img.Bounds(); b.Dx() != 3*handPanelSize || b.Dy() != handPanelSize {
		t.Fatalf("size %v, expected %d×%d", b, 3*handPanelSize, handPanelSize)
	}
	colored := 0
	for y := range handPanelSize {
		for x := range handPanelSize {
			if c := img.RGBAAt(handPanelSize+x, y); c.R != c.G || c.G != c.B {
				colored++
			}
		}
	}
	if colored == 0 {
		t.Error("the saliency panel has no coloured points")
	}
}
