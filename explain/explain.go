package explain

import (
	"errors"
	"fmt"
	"slices"

	"pipeline/models"
)

// Shapes in this package: N batch, C input channels, H×W input, K classes,
// F channels of the Grad-CAM layer, h×w its spatial size.

// PredictedClass as Config.Target explains each item's predicted class.
const PredictedClass = -1

// SaliencyMode selects how the input gradient becomes a saliency map.
type SaliencyMode int

const (
	// SaliencyAbs takes the largest gradient magnitude over the channels.
	SaliencyAbs SaliencyMode = iota
	// SaliencySigned takes the signed gradient of the channel whose
	// magnitude is largest.
	SaliencySigned
)

// ParseSaliencyMode parses "abs" or "signed".
func ParseSaliencyMode(text string) (SaliencyMode, error) {
	switch text {
	case "abs":
		return SaliencyAbs, nil
	case "signed":
		return SaliencySigned, nil
	}
	return 0, fmt.Errorf("explain: unknown saliency mode %q (expected abs or signed)", text)
}

// String returns "abs" or "signed".
func (m SaliencyMode) String() string {
	if m == SaliencySigned {
		return "signed"
	}
	return "abs"
}

// Config selects the explanations and what they explain.
type Config struct {
	Saliency     bool
	GradCAM      bool
	SaliencyMode SaliencyMode
	// GradCAMLayer names the layer whose activation Grad-CAM weighs; ""
	// selects DefaultGradCAMLayer.
	GradCAMLayer string
	// Target is the class whose logit is explained for every item, or
	// PredictedClass.
	Target int
}

// ErrNotSpatial is matched by the error for a Grad-CAM layer whose output
// has no spatial dimensions.
var ErrNotSpatial = errors.New("layer output is not spatial")

// Explainer runs a network and explains its predictions. It reuses the
// network's buffers, so one Explainer must not be used by two goroutines
// at once, and nothing else may run the network meanwhile.
type Explainer struct {
	net      *models.Net
	cfg      Config
	camLayer string
	camIndex int // index in net.Layers of the Grad-CAM layer; -1 without Grad-CAM

	dLogits *models.Tensor   // [N, K] one-hot seeds of the backward pass
	resize  *bilinearResizer // cached for the last h×w → H×W
}

// New returns an Explainer for net. It rejects an unknown or non-spatial
// Grad-CAM layer and a target outside the model's classes.
func New(net *models.Net, cfg Config) (*Explainer, error) {
	classes := net.Spec.Classes
	if cfg.Target != PredictedClass && (cfg.Target < 0 || cfg.Target >= classes) {
		return nil, fmt.Errorf("explain: target class %d outside the %d classes of model %s",
			cfg.Target, classes, net.Spec.Name)
	}
	e := &Explainer{net: net, cfg: cfg, camIndex: -1}
	if !cfg.GradCAM {
		return e, nil
	}
	layer := cfg.GradCAMLayer
	if layer == "" {
		var err error
		if layer, err = DefaultGradCAMLayer(net); err != nil {
			return nil, err
		}
	}
	index, err := spatialLayerIndex(net, layer)
	if err != nil {
		return nil, err
	}
	e.camLayer, e.camIndex = layer, index
	return e, nil
}

// DefaultGradCAMLayer returns the last convolution's activated output: the
// activation layer right after the last Conv2d or Conv1d, or the
// convolution itself when no activation follows it.
func DefaultGradCAMLayer(net *models.Net) (string, error) {
	last := -1
	for i, l := range net.Layers {
		switch l.(type) {
		case *models.Conv2d, *models.Conv1d:
			last = i
		}
	}
	if last < 0 {
		return "", fmt.Errorf("explain: model %s has no convolution for Grad-CAM",
			net.Spec.Name)
	}
	if last+1 < len(net.Layers) {
		if act, ok := net.Layers[last+1].(*models.Activation); ok {
			return act.Name(), nil
		}
	}
	return net.Layers[last].Name(), nil
}

func spatialLayerIndex(net *models.Net, name string) (int, error) {
	index := slices.Index(net.LayerNames(), name)
	if index < 0 {
		return -1, fmt.Errorf("explain: model %s has no layer %q (layers: %v)",
			net.Spec.Name, name, net.LayerNames())
	}
	shape, input := net.Shapes()[index], net.Spec.Input
	if len(shape) != len(input) {
		return -1, fmt.Errorf("explain: Grad-CAM layer %q of model %s has output shape %v: "+
			"%w, expected %s", name, net.Spec.Name, shape, ErrNotSpatial,
			spatialForm(len(input)))
	}
	return index, nil
}

func spatialForm(rank int) string {
	if rank == 2 {
		return "[channels length]"
	}
	return "[channels height width]"
}

// GradCAMLayer returns the layer Grad-CAM uses, or "" without Grad-CAM.
func (e *Explainer) GradCAMLayer() string { return e.camLayer }

// Config returns the configuration the Explainer was made with.
func (e *Explainer) Config() Config { return e.cfg }
