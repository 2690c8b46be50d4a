package models

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Spec describes a convolutional classifier as data, so that changing the
// pooling, the activation or the number of layers is a flag, not code.
//
// The network built from a Spec is, for each entry of Conv:
//
//	conv{i} (Kernel×Kernel, Padding) → act{i} → pool{i} (2×2, unless Pool is "none")
//
// with 1-D convolutions of length Kernel, and no pooling, when Input is
// [C, L] instead of [C, H, W]. Then come pool{n+1} when ExtraPool is set,
// flatten, and for each entry of FC fc{j} → act{j} → drop{j} (when
// Dropout > 0), and last fc{last} to Classes.
type Spec struct {
	Name      string   `json:"name"`
	Input     []int    `json:"input"` // per-sample input shape [C, H, W] or [C, L]
	Classes   int      `json:"classes"`
	Labels    []string `json:"labels,omitempty"`
	Conv      []int    `json:"conv"`   // output channels of each convolution
	Kernel    int      `json:"kernel"` // square kernel side
	Padding   int      `json:"padding"`
	Pool      string   `json:"pool"` // avg, max or none
	Act       string   `json:"act"`  // relu, tanh or sigmoid
	FC        []int    `json:"fc"`   // hidden fully connected widths
	ExtraPool bool     `json:"extra_pool"`
	Dropout   float64  `json:"dropout"`
	InputMean float32  `json:"input_mean"` // inputs are normalised as (x − mean)/std
	InputStd  float32  `json:"input_std"`
	// InputKind says how to draw an input: "image" (the default when
	// empty) or "spectrogram" (rows are mel bands from low to high,
	// columns are frames).
	InputKind string `json:"input_kind,omitempty"`
}

// LeNet5 returns the classic LeNet-5 for 28×28 MNIST digits: conv 6@5×5,
// ReLU, avg-pool 2, conv 16@5×5, ReLU, avg-pool 2, 256 → 120 → 84 → 10, with
// inputs in [0, 1] normalised by MNIST's mean 0.1307 and std 0.3081.
func LeNet5() Spec {
	return Spec{
		Name: "lenet5", Input: []int{1, 28, 28}, Classes: 10,
		Labels: strings.Split("0 1 2 3 4 5 6 7 8 9", " "),
		Conv:   []int{6, 16}, Kernel: 5, Pool: "avg", Act: "relu",
		FC: []int{120, 84}, InputMean: 0.1307, InputStd: 0.3081,
	}
}

// Validate reports the first inconsistency in s, including layers whose
// input would shrink below their kernel.
func (s Spec) Validate() error {
	if len(s.Input) < 2 || len(s.Input) > 3 || slices.Min(s.Input) < 1 {
		return fmt.Errorf("model %s: input shape %v, expected [C H W] or [C L]",
			s.Name, s.Input)
	}
	if len(s.Input) == 2 && (s.Pool != "none" || s.ExtraPool) {
		return fmt.Errorf("model %s: 1-D inputs %v take no pooling (use --pool none)",
			s.Name, s.Input)
	}
	if s.Classes < 2 {
		return fmt.Errorf("model %s: %d classes, expected at least 2", s.Name, s.Classes)
	}
	if !slices.Contains([]string{"avg", "max", "none"}, s.Pool) {
		return fmt.Errorf("model %s: unknown pooling %q (expected avg, max or none)",
			s.Name, s.Pool)
	}
	if s.ExtraPool && s.Pool == "none" {
		return fmt.Errorf("model %s: an extra pooling needs --pool avg or max", s.Name)
	}
	if s.Kernel < 1 || s.Padding < 0 {
		return fmt.Errorf("model %s: kernel %d padding %d", s.Name, s.Kernel, s.Padding)
	}
	if s.Dropout < 0 || s.Dropout >= 1 {
		return fmt.Errorf("model %s: dropout %g outside [0, 1)", s.Name, s.Dropout)
	}
	if slices.ContainsFunc(append(slices.Clone(s.Conv), s.FC...), func(n int) bool {
		return n < 1
	}) {
		return fmt.Errorf("model %s: layer widths must be positive: conv %v fc %v",
			s.Name, s.Conv, s.FC)
	}
	if s.InputStd == 0 {
		return fmt.Errorf("model %s: input std is 0", s.Name)
	}
	_, err := s.layers(nil)
	return err
}

// ParseWidths parses a comma-separated list of layer widths such as "6,16".
// An empty string gives no layers.
func ParseWidths(text string) ([]int, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var widths []int
	for _, field := range strings.Split(text, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("invalid layer width %q in %q: expected positive integers",
				field, text)
		}
		widths = append(widths, n)
	}
	return widths, nil
}

// layers builds the layer list, checking shapes on the way; rng feeds the
// dropout layers and may be nil when only shapes are wanted.
func (s Spec) layers(rng *rand.Rand) ([]Layer, error) {
	var list []Layer
	shape := slices.Clone(s.Input)
	add := func(l Layer) error {
		out, err := l.OutputShape(shape)
		if err != nil {
			return fmt.Errorf("model %s: %w", s.Name, err)
		}
		list, shape = append(list, l), out
		return nil
	}
	act := func(name string) error {
		a, err := NewActivation(name, s.Act)
		if err != nil {
			return fmt.Errorf("model %s: %w", s.Name, err)
		}
		return add(a)
	}
	pool := func(name string) error {
		if s.Pool == "max" {
			return add(NewMaxPool2d(name, 2))
		}
		return add(NewAvgPool2d(name, 2))
	}
	for i, width := range s.Conv {
		n := strconv.Itoa(i + 1)
		var conv Layer = NewConv2d("conv"+n, shape[0], width, s.Kernel, s.Padding)
		if len(s.Input) == 2 {
			conv = NewConv1d("conv"+n, shape[0], width, s.Kernel, s.Padding)
		}
		if err := add(conv); err != nil {
			return nil, err
		}
		if err := act("act" + n); err != nil {
			return nil, err
		}
		if s.Pool == "none" {
			continue
		}
		if err := pool("pool" + n); err != nil {
			return nil, err
		}
	}
	if s.ExtraPool {
		if err := pool("pool" + strconv.Itoa(len(s.Conv)+1)); err != nil {
			return nil, err
		}
	}
	if err := add(NewFlatten("flatten")); err != nil {
		return nil, err
	}
	for j, width := range append(slices.Clone(s.FC), s.Classes) {
		n := strconv.Itoa(j + 1)
		if err := add(NewLinear("fc"+n, shape[0], width)); err != nil {
			return nil, err
		}
		if j == len(s.FC) {
			break
		}
		if err := act("act" + strconv.Itoa(len(s.Conv)+j+1)); err != nil {
			return nil, err
		}
		if s.Dropout > 0 && rng != nil {
			if err := add(NewDropout("drop"+n, s.Dropout, rng)); err != nil {
				return nil, err
			}
		}
	}
	return list, nil
}
