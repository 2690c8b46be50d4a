package models

import (
	"strings"
	"testing"

	"pipeline/internal/shareddata"
)

// TestBuiltinLeNet5Accuracy checks the embedded weights against the figure
// in zoo/README.md: 9898 of the 10,000 MNIST test digits.
func TestBuiltinLeNet5Accuracy(t *testing.T) {
	images := shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz")
	labels := shareddata.Path(t, "mnist/t10k-labels-idx1-ubyte.gz")
	net, digest, err := LoadBuiltin("lenet5")
	if err != nil {
		t.Fatal(err)
	}
	if len(digest) != 64 {
		t.Errorf("digest %q is not a hex SHA-256", digest)
	}
	got := Evaluate(net, loadMNISTTest(t, net.Spec, images, labels), 1000)
	if got.Correct != 9898 {
		t.Errorf("embedded lenet5: %d/%d correct, want 9898", got.Correct, got.Total)
	}
	if msg := got.Collapse(); msg != "" {
		t.Errorf("embedded lenet5 reported as collapsed: %s", msg)
	}
}

func TestBuiltinUnknownModel(t *testing.T) {
	_, _, err := LoadBuiltin("resnet50")
	if err == nil || !strings.Contains(err.Error(), `unknown model "resnet50"`) {
		t.Errorf("err = %v, want an unknown model error", err)
	}
}

func TestCollapse(t *testing.T) {
	diagonal := func(n, per int) [][]int {
		m := make([][]int, n)
		for i := range m {
			m[i] = make([]int, n)
			m[i][i] = per
		}
		return m
	}
	oneClass := make([][]int, 10)
	for i := range oneClass {
		oneClass[i] = make([]int, 10)
		oneClass[i][3] = 100
	}
	cases := []struct {
		name   string
		result EvalResult
		want   string // substring of the message, "" for none
	}{
		{"healthy", EvalResult{Correct: 1000, Total: 1000, AvgLoss: 0.05,
			Confusion: diagonal(10, 100)}, ""},
		{"one class", EvalResult{Correct: 100, Total: 1000, AvgLoss: 2.0,
			Confusion: oneClass}, "class 3 predicted for 1000 of 1000"},
		{"uniform loss", EvalResult{Correct: 1000, Total: 1000, AvgLoss: 2.30,
			Confusion: diagonal(10, 100)}, "within 0.05 of ln(10)"},
	}
	for _, c := range cases {
		got := c.result.Collapse()
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: Collapse() = %q, want %q", c.name, got, c.want)
		}
	}
}

// TestBuiltinAudioCNNLoads checks that the embedded audiocnn weights fit
// its architecture; speech's tests check its accuracy.
func TestBuiltinAudioCNNLoads(t *testing.T) {
	net, _, err := LoadBuiltin("audiocnn")
	if err != nil {
		t.Fatal(err)
	}
	if net.Spec.InputKind != "spectrogram" {
		t.Errorf("input kind %q, want spectrogram", net.Spec.InputKind)
	}
}

func TestBuiltinSignDigitsLoads(t *testing.T) {
	net, _, err := LoadBuiltin("signdigits")
	if err != nil {
		t.Fatal(err)
	}
	if got := FormatShape(net.Spec.Input); got != "[3, 21]" {
		t.Errorf("input %s, want [3, 21]", got)
	}
}
