package explain

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"pipeline/models"
	"pipeline/models/checkpoint"
)

// goldenTol is the largest difference allowed between our maps and
// PyTorch's, for raw saliency gradients and for [0, 1] Grad-CAM values.
const goldenTol = 1e-4

// loadTestNet returns the LeNet-5 that the golden maps were made with.
func loadTestNet(t testing.TB) *models.Net {
	t.Helper()
	tensors, spec, _, err := models.ReadWeights("testdata/lenet5.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	net, err := models.Build(*spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.SetWeights(tensors, "testdata/lenet5.safetensors"); err != nil {
		t.Fatal(err)
	}
	return net
}

func loadGolden(t *testing.T) map[string]checkpoint.Tensor {
	t.Helper()
	golden, _, err := checkpoint.ReadFile("testdata/golden.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	return golden
}

func newExplainer(t testing.TB, net *models.Net, cfg Config) *Explainer {
	t.Helper()
	e, err := New(net, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestGoldenPyTorch compares with maps from tools/oracle/explain_golden.py
// (PyTorch 1.13) for 20 MNIST test digits.
func TestGoldenPyTorch(t *testing.T) {
	golden := loadGolden(t)
	x := golden["x"]
	input := models.FromData(x.Data, x.Shape...)
	cases := []struct {
		name   string
		target int
		layer  string
		mode   SaliencyMode
	}{
		{"predicted", PredictedClass, "", SaliencyAbs},
		{"conv2", PredictedClass, "conv2", SaliencySigned},
		{"fixed", 3, "act2", SaliencySigned},
		{"fixed_conv2", 3, "conv2", SaliencyAbs},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Saliency: true, GradCAM: true, SaliencyMode: tc.mode,
				GradCAMLayer: tc.layer, Target: tc.target}
			r, err := newExplainer(t, loadTestNet(t), cfg).Explain(input)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range golden[tc.name+".targets"].Data {
				if r.Targets[i] != int(want) {
					t.Errorf("item %d: target %d, PyTorch %v", i, r.Targets[i], want)
				}
			}
			checkClose(t, "logits", r.Logits, golden["logits"].Data, goldenTol)
			checkClose(t, "saliency", r.Saliency, golden[tc.name+".saliency"].Data, goldenTol)
			checkClose(t, "gradcam", r.GradCAM, golden[tc.name+".gradcam"].Data, goldenTol)
		})
	}
}

func checkClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	worst, at := 0.0, 0
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > worst || math.IsNaN(d) {
			worst, at = d, i
		}
	}
	if !(worst <= tol) {
		t.Errorf("%s: value %d is %g, want %g (max difference %.3g > %g)",
			what, at, got[at], want[at], worst, tol)
	}
	t.Logf("%s: max difference %.3g", what, worst)
}

// TestBatchMatchesSingle checks that explaining a batch gives the same
// maps as explaining its items one at a time.
func TestBatchMatchesSingle(t *testing.T) {
	golden := loadGolden(t)
	x := golden["x"]
	n, size := x.Shape[0], x.Shape[1]*x.Shape[2]*x.Shape[3]
	for _, target := range []int{PredictedClass, 5} {
		t.Run(fmt.Sprint("target", target), func(t *testing.T) {
			cfg := Config{Saliency: true, GradCAM: true, Target: target}
			e := newExplainer(t, loadTestNet(t), cfg)
			batch, err := e.Explain(models.FromData(x.Data, x.Shape...))
			if err != nil {
				t.Fatal(err)
			}
			for i := range n {
				one, err := e.Explain(models.FromData(x.Data[i*size:][:size], 1, 1, 28, 28))
				if err != nil {
					t.Fatal(err)
				}
				name := fmt.Sprint("item ", i)
				checkClose(t, name+" logits", one.Logits, batch.ItemLogits(i), 1e-6)
				checkClose(t, name+" saliency", one.Saliency, batch.ItemSaliency(i), 1e-6)
				checkClose(t, name+" gradcam", one.GradCAM, batch.ItemGradCAM(i), 1e-6)
			}
		})
	}
}

// TestGradCAMOnlyMatchesBoth checks that stopping the backward pass at the
// Grad-CAM layer gives the same maps as the full pass.
func TestGradCAMOnlyMatchesBoth(t *testing.T) {
	golden := loadGolden(t)
	input := models.FromData(golden["x"].Data, golden["x"].Shape...)
	net := loadTestNet(t)
	both, err := newExplainer(t, net, Config{Saliency: true, GradCAM: true,
		Target: PredictedClass}).Explain(input)
	if err != nil {
		t.Fatal(err)
	}
	only, err := newExplainer(t, net, Config{GradCAM: true, Target: PredictedClass}).
		Explain(input)
	if err != nil {
		t.Fatal(err)
	}
	if only.Saliency != nil {
		t.Errorf("saliency computed without being requested")
	}
	checkClose(t, "gradcam", only.GradCAM, both.GradCAM, 0)
}

func TestNewRejects(t *testing.T) {
	net := loadTestNet(t)
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown layer", Config{GradCAM: true, GradCAMLayer: "conv9"},
			`explain: model lenet5 has no layer "conv9" (layers: [conv1 act1 pool1 conv2 ` +
				`act2 pool2 flatten fc1 act3 fc2 act4 fc3])`},
		{"fully connected layer", Config{GradCAM: true, GradCAMLayer: "fc1"},
			`explain: Grad-CAM layer "fc1" of model lenet5 has output shape [120]: ` +
				`layer output is not spatial, expected [channels height width]`},
		{"target too large", Config{Saliency: true, Target: 10},
			"explain: target class 10 outside the 10 classes of model lenet5"},
		{"negative target", Config{Saliency: true, Target: -2},
			"explain: target class -2 outside the 10 classes of model lenet5"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(net, tc.cfg)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error %v\nwant %s", err, tc.want)
			}
		})
	}
	if _, err := New(net, Config{GradCAM: true, GradCAMLayer: "flatten"}); !errors.Is(err,
		ErrNotSpatial) {
		t.Errorf("flatten: error %v does not match ErrNotSpatial", err)
	}
}

func TestDefaultGradCAMLayer(t *testing.T) {
	cases := []struct {
		name string
		edit func(*models.Spec)
		want string
	}{
		{"lenet5", func(*models.Spec) {}, "act2"},
		{"three convolutions", func(s *models.Spec) {
			s.Conv, s.Padding, s.Pool = []int{4, 4, 4}, 2, "none"
		}, "act3"},
		{"1-D", func(s *models.Spec) { *s = conv1dSpec() }, "act2"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := models.LeNet5()
			tc.edit(&spec)
			net, err := models.Build(spec, 1)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DefaultGradCAMLayer(net)
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestExplainRejectsInputShape(t *testing.T) {
	e := newExplainer(t, loadTestNet(t), Config{Saliency: true, Target: PredictedClass})
	_, err := e.Explain(models.NewTensor(2, 1, 32, 32))
	want := "explain: input shape [2 1 32 32], model lenet5 expects [N 1 28 28]"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestConstantInputGivesFiniteMaps feeds an all-zero image, whose Grad-CAM
// may be constant, and checks that no map holds NaN.
func TestConstantInputGivesFiniteMaps(t *testing.T) {
	e := newExplainer(t, loadTestNet(t), Config{Saliency: true, GradCAM: true,
		Target: PredictedClass})
	r, err := e.Explain(models.NewTensor(1, 1, 28, 28))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range slices.Concat(r.Saliency, r.GradCAM) {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("value %d is %v", i, v)
		}
	}
}

func TestMinMaxScale(t *testing.T) {
	cases := []struct {
		name         string
		values, want []float32
	}{
		{"ramp", []float32{1, 2, 3, 5}, []float32{0, 0.25, 0.5, 1}},
		{"constant", []float32{0.7, 0.7, 0.7}, []float32{0, 0, 0}},
		{"zeros", []float32{0, 0}, []float32{0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			minMaxScale(tc.values)
			if !slices.Equal(tc.values, tc.want) {
				t.Errorf("got %v, want %v", tc.values, tc.want)
			}
		})
	}
}

// TestBilinearResize compares with PyTorch 1.13:
// F.interpolate(torch.tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4),
// mode="bilinear", align_corners=False).
func TestBilinearResize(t *testing.T) {
	want := []float32{
		1, 1.25, 1.75, 2,
		1.5, 1.75, 2.25, 2.5,
		2.5, 2.75, 3.25, 3.5,
		3, 3.25, 3.75, 4,
	}
	got := make([]float32, 16)
	lo, hi := newBilinearResizer(2, 2, 4, 4).resize(got, []float32{1, 2, 3, 4})
	checkClose(t, "resize", got, want, 1e-7)
	if lo != 1 || hi != 4 {
		t.Errorf("range [%g, %g], want [1, 4]", lo, hi)
	}
}

func TestSaliencyChannels(t *testing.T) {
	// Two channels of a 1×3 image: [[-3, 1, 0], [2, -4, -0]].
	grad := models.FromData([]float32{-3, 1, 0, 2, -4, float32(math.Copysign(0, -1))},
		1, 2, 1, 3)
	cases := []struct {
		name string
		mode SaliencyMode
		want []float32
	}{
		{"abs", SaliencyAbs, []float32{3, 4, 0}},
		{"signed", SaliencySigned, []float32{-3, -4, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float32, 3)
			saliency(got, grad, tc.mode)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// conv1dSpec is the 1-D network of tools/oracle/explain_golden.py.
func conv1dSpec() models.Spec {
	return models.Spec{Name: "conv1d", Input: []int{3, 21}, Classes: 4, Conv: []int{5, 6},
		Kernel: 3, Pool: "none", Act: "relu", FC: []int{8}, InputStd: 1}
}

// TestGolden1D compares with PyTorch 1.13 maps of a 1-D CNN, whose
// Grad-CAM is upsampled from length 17 to 21 by linear interpolation.
func TestGolden1D(t *testing.T) {
	tensors, _, _, err := models.ReadWeights("testdata/conv1d.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	net, err := models.Build(conv1dSpec(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := net.SetWeights(tensors, "testdata/conv1d.safetensors"); err != nil {
		t.Fatal(err)
	}
	golden, _, err := checkpoint.ReadFile("testdata/golden1d.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	input := models.FromData(golden["x"].Data, golden["x"].Shape...)
	cases := []struct {
		name   string
		target int
		layer  string
		mode   SaliencyMode
	}{
		{"predicted", PredictedClass, "", SaliencyAbs},
		{"fixed", 2, "conv1", SaliencySigned},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Saliency: true, GradCAM: true, SaliencyMode: tc.mode,
				GradCAMLayer: tc.layer, Target: tc.target}
			r, err := newExplainer(t, net, cfg).Explain(input)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.MapShape, []int{21}) {
				t.Errorf("map shape %v, want [21]", r.MapShape)
			}
			checkClose(t, "logits", r.Logits, golden["logits"].Data, goldenTol)
			checkClose(t, "saliency", r.Saliency, golden[tc.name+".saliency"].Data, goldenTol)
			checkClose(t, "gradcam", r.GradCAM, golden[tc.name+".gradcam"].Data, goldenTol)
		})
	}
}
