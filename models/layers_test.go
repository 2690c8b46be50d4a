package models

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// goldenTensor is a tensor as tools/oracle/layers_golden.py writes it.
type goldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

func (g goldenTensor) tensor() *Tensor {
	return FromData(append([]float32(nil), g.Data...), g.Shape...)
}

type goldenLayer struct {
	Name   string                  `json:"name"`
	X      goldenTensor            `json:"x"`
	Y      goldenTensor            `json:"y"`
	DY     goldenTensor            `json:"dy"`
	DX     goldenTensor            `json:"dx"`
	Params map[string]goldenTensor `json:"params"`
	Grads  map[string]goldenTensor `json:"grads"`
}

type goldenFile struct {
	Source       string        `json:"source"`
	Layers       []goldenLayer `json:"layers"`
	CrossEntropy struct {
		Logits goldenTensor `json:"logits"`
		Labels []int        `json:"labels"`
		Loss   float64      `json:"loss"`
		Grad   goldenTensor `json:"grad"`
	} `json:"cross_entropy"`
	Optimizers []struct {
		Name  string         `json:"name"`
		Start goldenTensor   `json:"start"`
		Grads []goldenTensor `json:"grads"`
		End   goldenTensor   `json:"end"`
	} `json:"optimizers"`
}

// loadGolden reads the PyTorch 1.13 numbers written by
// tools/oracle/layers_golden.py.
func loadGolden(t *testing.T) goldenFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/layers.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// layerFor builds the engine layer matching a golden case name.
func layerFor(t *testing.T, c goldenLayer) Layer {
	t.Helper()
	var l Layer
	switch {
	case strings.HasPrefix(c.Name, "conv1d"):
		w := c.Params["weight"].Shape
		pad := 0
		if strings.Contains(c.Name, "pad 1") {
			pad = 1
		}
		l = NewConv1d("conv", w[1], w[0], w[2], pad)
	case strings.HasPrefix(c.Name, "conv"):
		w := c.Params["weight"].Shape
		pad := 0
		if strings.Contains(c.Name, "pad 1") {
			pad = 1
		}
		l = NewConv2d("conv", w[1], w[0], w[2], pad)
	case c.Name == "avgpool 2":
		l = NewAvgPool2d("pool", 2)
	case c.Name == "maxpool 2":
		l = NewMaxPool2d("pool", 2)
	case strings.HasPrefix(c.Name, "linear"):
		w := c.Params["weight"].Shape
		l = NewLinear("fc", w[1], w[0])
	default:
		act, err := NewActivation("act", c.Name)
		if err != nil {
			t.Fatal(err)
		}
		l = act
	}
	for _, p := range l.Params() {
		key := p.Name[strings.LastIndex(p.Name, ".")+1:]
		copy(p.Value.Data, c.Params[key].Data)
	}
	return l
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		diff := math.Abs(float64(got[i]) - float64(want[i]))
		if diff > tol*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %g, want %g (tol %g)", what, i, got[i], want[i], tol)
		}
	}
}

func TestLayersMatchPyTorch(t *testing.T) {
	g := loadGolden(t)
	const tol = 1e-4 // float32 sums of up to 425 products of unit-scale values
	for _, threads := range []int{1, 2} {
		SetThreads(threads)
		for _, c := range g.Layers {
			l := layerFor(t, c)
			y := l.Forward(c.X.tensor(), false)
			assertClose(t, c.Name+" y", y.Data, c.Y.Data, tol)
			dx := l.Backward(c.DY.tensor(), BackwardMode{ParamGrads: true, InputGrad: true})
			assertClose(t, c.Name+" dx", dx.Data, c.DX.Data, tol)
			for _, p := range l.Params() {
				key := p.Name[strings.LastIndex(p.Name, ".")+1:]
				assertClose(t, c.Name+" d"+key, p.Grad.Data, c.Grads[key].Data, tol)
			}
		}
	}
	SetThreads(2)
}

func TestCrossEntropyMatchesPyTorch(t *testing.T) {
	ce := loadGolden(t).CrossEntropy
	loss, _, grad := CrossEntropy(ce.Logits.tensor(), ce.Labels, nil)
	if math.Abs(loss-ce.Loss) > 1e-6 {
		t.Errorf("loss = %.8f, want %.8f (PyTorch 1.13)", loss, ce.Loss)
	}
	assertClose(t, "dlogits", grad.Data, ce.Grad.Data, 1e-6)
}

func TestOptimizersMatchPyTorch(t *testing.T) {
	for _, c := range loadGolden(t).Optimizers {
		p := &Param{Name: "p", Value: c.Start.tensor(), Grad: NewTensor(c.Start.Shape...)}
		var opt Optimizer = NewAdam([]*Param{p}, 0.01)
		if c.Name == "sgd" {
			opt = NewSGD([]*Param{p}, 0.1, 0.9)
		}
		for _, g := range c.Grads {
			copy(p.Grad.Data, g.Data)
			opt.Step()
		}
		assertClose(t, c.Name, p.Value.Data, c.End.Data, 1e-6)
	}
}

// TestLayerGradientsFiniteDifferences checks every backward pass against
// central differences of a random linear functional of the output, in
// float32, so the tolerance allows for rounding.
func TestLayerGradientsFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	act := func(kind string) Layer { a, _ := NewActivation("act", kind); return a }
	cases := []struct {
		name  string
		layer Layer
		shape []int
		tol   float64
	}{
		{"conv pad 0", NewConv2d("conv", 2, 3, 3, 0), []int{3, 2, 6, 5}, 2e-2},
		{"conv pad 2", NewConv2d("conv", 1, 2, 5, 2), []int{2, 1, 5, 5}, 2e-2},
		{"conv1d pad 1", NewConv1d("conv", 3, 4, 3, 1), []int{9, 3, 7}, 2e-2},
		{"avgpool", NewAvgPool2d("pool", 2), []int{2, 3, 6, 6}, 2e-2},
		{"maxpool", NewMaxPool2d("pool", 2), []int{2, 3, 6, 6}, 2e-2},
		{"linear", NewLinear("fc", 7, 4), []int{3, 7}, 2e-2},
		{"relu", act("relu"), []int{4, 9}, 2e-2},
		{"tanh", act("tanh"), []int{4, 9}, 2e-2},
		{"sigmoid", act("sigmoid"), []int{4, 9}, 2e-2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, p := range c.layer.Params() {
				fillNormal(rng, p.Value.Data)
			}
			x := NewTensor(c.shape...)
			fillNormal(rng, x.Data)
			y := c.layer.Forward(x, true)
			weights := make([]float32, y.Len())
			fillNormal(rng, weights)
			objective := func() float64 {
				out := c.layer.Forward(x, true)
				var sum float64
				for i, v := range out.Data {
					sum += float64(v) * float64(weights[i])
				}
				return sum
			}
			c.layer.Forward(x, true)
			dx := c.layer.Backward(FromData(weights, y.Shape...),
				BackwardMode{ParamGrads: true, InputGrad: true}).Clone()
			checkNumeric(t, "x", x.Data, dx.Data, objective, c.tol)
			for _, p := range c.layer.Params() {
				checkNumeric(t, p.Name, p.Value.Data, p.Grad.Data, objective, c.tol)
			}
		})
	}
}

func checkNumeric(t *testing.T, what string, values, analytic []float32,
	objective func() float64, tol float64) {
	t.Helper()
	const h = 1e-2
	for i := range values {
		old := values[i]
		values[i] = old + h
		up := objective()
		values[i] = old - h
		down := objective()
		values[i] = old
		numeric := (up - down) / (2 * h)
		if math.Abs(numeric-float64(analytic[i])) > tol*(1+math.Abs(numeric)) {
			t.Fatalf("d%s[%d]: analytic %g, numeric %g (tol %g)", what, i, analytic[i], numeric, tol)
		}
	}
}

func fillNormal(rng *rand.Rand, data []float32) {
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
}

func TestSpecOneDimensional(t *testing.T) {
	spec := Spec{Name: "keypoints", Input: []int{3, 21}, Classes: 10, Conv: []int{8, 16},
		Kernel: 3, Padding: 1, Pool: "none", Act: "relu", FC: []int{32}, InputStd: 1}
	net, err := Build(spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatShape(net.Shapes()[2]); got != "[16, 21]" {
		t.Errorf("conv2 output %s, want [16, 21]", got)
	}
	spec.Pool = "max"
	if _, err := Build(spec, 1); err == nil {
		t.Error("pooling a 1-D input gave no error")
	}
}
