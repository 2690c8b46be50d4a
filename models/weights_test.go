package models

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/mnist"
)

func TestSaveWeightsRoundTrip(t *testing.T) {
	spec := LeNet5()
	spec.Pool, spec.Conv = "max", []int{4, 8}
	net, err := Build(spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(5)
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := net.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	tensors, stored, digest, err := ReadWeights(path)
	if err != nil {
		t.Fatal(err)
	}
	if stored == nil || stored.Pool != "max" || len(stored.Conv) != 2 || stored.Conv[1] != 8 {
		t.Errorf("stored spec = %+v, want the saved one", stored)
	}
	if len(digest) != 64 {
		t.Errorf("digest %q is not a hex SHA-256", digest)
	}
	other, _ := Build(*stored, 1)
	if err := other.SetWeights(tensors, path); err != nil {
		t.Fatal(err)
	}
	assertClose(t, "conv2.weight", other.Param("conv2.weight").Value.Data,
		net.Param("conv2.weight").Value.Data, 0)
}

func TestSetWeightsWrongShape(t *testing.T) {
	tensors, _, _, err := ReadWeights("testdata/lenet5_torch.pth")
	if err != nil {
		t.Fatal(err)
	}
	spec := LeNet5()
	spec.Conv = []int{8, 16}
	net, _ := Build(spec, 1)
	err = net.SetWeights(tensors, "lenet5_torch.pth")
	if !errors.Is(err, ErrWeights) {
		t.Fatalf("err = %v, want ErrWeights", err)
	}
	for _, want := range []string{"lenet5_torch.pth", "conv1.weight has shape [6 1 5 5]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// TestPyTorchStateDictEvaluatesTheSame evaluates a LeNet-5 trained and
// evaluated by PyTorch 1.13 (tools/oracle/lenet_pth.py) on the MNIST test
// set: the count of correct images must match and the mean loss agree to
// 1e-4.
func TestPyTorchStateDictEvaluatesTheSame(t *testing.T) {
	images := shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz")
	labels := shareddata.Path(t, "mnist/t10k-labels-idx1-ubyte.gz")
	var want struct {
		Correct int     `json:"correct"`
		Total   int     `json:"total"`
		AvgLoss float64 `json:"avg_loss"`
	}
	raw, err := os.ReadFile("testdata/lenet5_torch.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	tensors, stored, _, err := ReadWeights("testdata/lenet5_torch.pth")
	if err != nil {
		t.Fatal(err)
	}
	if stored != nil {
		t.Errorf("a .pth carries no architecture, got %+v", stored)
	}
	net, _ := Build(LeNet5(), 1)
	if err := net.SetWeights(tensors, "lenet5_torch.pth"); err != nil {
		t.Fatal(err)
	}
	data := loadMNISTTest(t, net.Spec, images, labels)
	got := Evaluate(net, data, 1000)
	if got.Correct != want.Correct || got.Total != want.Total {
		t.Errorf("correct %d/%d, PyTorch %d/%d", got.Correct, got.Total, want.Correct, want.Total)
	}
	if math.Abs(got.AvgLoss-want.AvgLoss) > 1e-4 {
		t.Errorf("avg loss %.6f, PyTorch %.6f (tol 1e-4)", got.AvgLoss, want.AvgLoss)
	}
}

func loadMNISTTest(t *testing.T, spec Spec, imagesPath, labelsPath string) *Dataset {
	t.Helper()
	images, err := mnist.ReadImages(imagesPath)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := mnist.ReadLabels(labelsPath)
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(images.N, 1, images.Rows, images.Cols)
	spec.Normalize(x.Data, images.Pixels)
	y := make([]int, len(labels))
	for i, l := range labels {
		y[i] = int(l)
	}
	return &Dataset{X: x, Y: y}
}

func TestWeightFormatDetection(t *testing.T) {
	cases := []struct {
		name string
		raw  []byte
		pth  bool
	}{
		{"zip", []byte("PK\x03\x04rest"), true},
		{"legacy pickle", []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c}, true},
		{"safetensors", []byte("\x10\x00\x00\x00\x00\x00\x00\x00{\"a\":1}"), false},
		// A 384-byte header starts with the byte 0x80, like a pickle.
		{"safetensors header of 384 bytes", append([]byte{0x80, 1, 0, 0, 0, 0, 0, 0}, '{'), false},
	}
	for _, c := range cases {
		if got := isZipOrPickle(c.raw); got != c.pth {
			t.Errorf("%s: isZipOrPickle = %v, want %v", c.name, got, c.pth)
		}
	}
}
