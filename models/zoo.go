package models

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
)

// lenet5Weights were trained by `pipeline train` (see zoo/README.md).
//
//go:embed zoo/lenet5.safetensors
var lenet5Weights []byte

// signDigitsWeights were trained by `pipeline train` (see zoo/README.md).
//
//go:embed zoo/signdigits.safetensors
var signDigitsWeights []byte

// audioCNNWeights were trained by `pipeline train` (see zoo/README.md).
//
//go:embed zoo/audiocnn.safetensors
var audioCNNWeights []byte

// builtin is a model of the zoo: its architecture and, where trained, the
// weights embedded in the binary.
type builtin struct {
	spec        func() Spec
	description string
	weights     []byte // safetensors; nil when none are embedded
}

var zoo = map[string]builtin{
	"lenet5": {spec: LeNet5, description: "LeNet-5 for 28×28 MNIST digits",
		weights: lenet5Weights},
	"signdigits": {spec: SignDigits, description: "1-D CNN over the 21 hand landmarks " +
		"of one hand signing a digit", weights: signDigitsWeights},
	"audiocnn": {spec: AudioCNN, description: "2-D CNN over 1 s log-mel spectrograms " +
		"of spoken digits (FSDD, 8 kHz)", weights: audioCNNWeights},
}

// BuiltinNames lists the models of the zoo, sorted.
func BuiltinNames() []string {
	var names []string
	for name := range zoo {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// BuiltinSpec returns the architecture of a zoo model.
func BuiltinSpec(name string) (Spec, error) {
	b, ok := zoo[name]
	if !ok {
		return Spec{}, fmt.Errorf("unknown model %q (built-in models: %v)", name, BuiltinNames())
	}
	return b.spec(), nil
}

// BuiltinDescription returns one line about a zoo model.
func BuiltinDescription(name string) string { return zoo[name].description }

// BuiltinWeights returns the embedded safetensors weights of a zoo model,
// or nil when the binary carries none.
func BuiltinWeights(name string) []byte { return zoo[name].weights }

// LoadBuiltin returns a zoo model with its embedded weights and their
// SHA-256.
func LoadBuiltin(name string) (*Net, string, error) {
	if _, err := BuiltinSpec(name); err != nil {
		return nil, "", err
	}
	raw := BuiltinWeights(name)
	if raw == nil {
		return nil, "", fmt.Errorf("model %s: no weights are embedded; pass --weights", name)
	}
	tensors, spec, digest, err := decodeWeights(raw, "embedded "+name)
	if err != nil {
		return nil, "", err
	}
	if spec == nil {
		s := zoo[name].spec()
		spec = &s
	}
	net, err := Build(*spec, 1)
	if err != nil {
		return nil, "", err
	}
	if err := net.SetWeights(tensors, "embedded "+name); err != nil {
		return nil, "", err
	}
	return net, digest, nil
}

// Normalize writes the model inputs for 8-bit pixels into dst:
// (p/255 − InputMean)/InputStd.
func (s Spec) Normalize(dst []float32, pixels []uint8) {
	for i, p := range pixels {
		dst[i] = (float32(p)/255 - s.InputMean) / s.InputStd
	}
}

// AudioCNN returns the spoken-digit model, a 2-D CNN over a log-mel
// spectrogram of one second at 8 kHz: 40 mel bands by 101 frames (see
// package speech). It has three 3×3 convolutions of 16, 32 and 64
// channels, each followed by ReLU and 2×2 max pooling, then 128 hidden
// units with dropout 0.3. Inputs in dB are normalised by the mean and standard
// deviation of every value of the FSDD training split (−48.035 dB and
// 25.969 dB, computed with package speech).
func AudioCNN() Spec {
	return Spec{
		Name: "audiocnn", Input: []int{1, 40, 101}, Classes: 10,
		Labels: strings.Split("0 1 2 3 4 5 6 7 8 9", " "),
		Conv:   []int{16, 32, 64}, Kernel: 3, Padding: 1, Pool: "max", Act: "relu",
		FC: []int{128}, Dropout: 0.3, InputMean: -48.035, InputStd: 25.969,
		InputKind: "spectrogram",
	}
}

// SignDigits returns the sign-digit model, a 1-D CNN along the 21 hand
// landmarks. Its input channels are x, y and z normalised to the wrist and
// the hand size (see package signdigits). It has two convolutions of
// length 3 with 32 and 64 channels, then 64 hidden units with dropout 0.2.
func SignDigits() Spec {
	return Spec{
		Name: "signdigits", Input: []int{3, 21}, Classes: 10,
		Labels: strings.Split("0 1 2 3 4 5 6 7 8 9", " "),
		Conv:   []int{32, 64}, Kernel: 3, Padding: 1, Pool: "none", Act: "relu",
		FC: []int{64}, Dropout: 0.2, InputMean: 0, InputStd: 1, InputKind: "keypoints",
	}
}
