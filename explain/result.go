package explain

import (
	"fmt"
	"slices"
	"strings"

	"pipeline/models"
)

// Result holds the predictions and explanations of one batch. Maps are
// stored flat, item after item, each of MapShape in row-major order.
type Result struct {
	N, Classes int
	// MapShape is the shape of one map: the input's spatial shape, [H, W]
	// for images and [L] for 1-D inputs such as keypoint sequences.
	MapShape []int
	// Height and Width are the map's size: H×W, or 1×L for 1-D inputs.
	Height, Width int
	Logits        []float32 // [N, K]
	Targets       []int     // [N] the class each item's maps explain
	Saliency      []float32 // [N, H, W] or [N, L], nil unless requested
	GradCAM       []float32 // [N, H, W] or [N, L] in [0, 1], nil unless requested
}

// ItemLogits returns the logits of item i, sharing memory with r.
func (r *Result) ItemLogits(i int) []float32 { return r.Logits[i*r.Classes:][:r.Classes] }

// ItemSaliency returns the saliency map of item i, or nil.
func (r *Result) ItemSaliency(i int) []float32 { return itemMap(r.Saliency, i, r.mapSize()) }

// ItemGradCAM returns the Grad-CAM map of item i, or nil.
func (r *Result) ItemGradCAM(i int) []float32 { return itemMap(r.GradCAM, i, r.mapSize()) }

func (r *Result) mapSize() int { return r.Height * r.Width }

func itemMap(maps []float32, i, size int) []float32 {
	if maps == nil {
		return nil
	}
	return maps[i*size:][:size]
}

// Explain runs x [N, C, H, W], or [N, C, L] for a 1-D model, forward in
// evaluation mode and, when Config requests maps, backward once from the
// sum of each item's target logit.
// The returned Result is new and owned by the caller.
func (e *Explainer) Explain(x *models.Tensor) (*Result, error) {
	if err := e.checkInput(x); err != nil {
		return nil, err
	}
	n := x.Shape[0]
	h, w := planeSize(x.Shape)
	r := &Result{N: n, Classes: e.net.Spec.Classes, MapShape: slices.Clone(x.Shape[2:]),
		Height: h, Width: w}

	logits, activation := e.forward(x)
	r.Logits = slices.Clone(logits.Data)
	r.Targets = e.targets(r)
	if !e.cfg.Saliency && !e.cfg.GradCAM {
		return r, nil
	}

	inputGrad, activationGrad := e.backward(r)
	if e.cfg.Saliency {
		r.Saliency = make([]float32, n*h*w)
		saliency(r.Saliency, inputGrad, e.cfg.SaliencyMode)
	}
	if e.cfg.GradCAM {
		r.GradCAM = make([]float32, n*h*w)
		e.gradCAM(r.GradCAM, activation, activationGrad, h, w)
	}
	return r, nil
}

func (e *Explainer) checkInput(x *models.Tensor) error {
	want := e.net.Spec.Input
	if len(x.Shape) < 1 || x.Shape[0] < 1 || !slices.Equal(x.Shape[1:], want) {
		return fmt.Errorf("explain: input shape %v, model %s expects [N %s]",
			x.Shape, e.net.Spec.Name, strings.Trim(fmt.Sprint(want), "[]"))
	}
	return nil
}

// planeSize returns the spatial size of a tensor [N, C, H, W] as h×w, and
// of a tensor [N, C, L] as 1×L, so that 1-D maps are computed as images
// of one row.
func planeSize(shape []int) (h, w int) {
	if len(shape) == 3 {
		return 1, shape[2]
	}
	return shape[2], shape[3]
}

// forward returns the logits [N, K] and the Grad-CAM layer's output
// [N, F, h, w] (nil without Grad-CAM). Both are owned by the network.
func (e *Explainer) forward(x *models.Tensor) (logits, activation *models.Tensor) {
	for i, l := range e.net.Layers {
		x = l.Forward(x, false)
		if i == e.camIndex {
			activation = x
		}
	}
	return x, activation
}

func (e *Explainer) targets(r *Result) []int {
	targets := make([]int, r.N)
	for i := range targets {
		if e.cfg.Target == PredictedClass {
			targets[i] = models.Argmax(r.ItemLogits(i))
		} else {
			targets[i] = e.cfg.Target
		}
	}
	return targets
}

// backward seeds the logits' gradient with the targets' one-hot rows and
// returns the gradient with respect to the input [N, C, H, W] (nil without
// saliency) and to the Grad-CAM layer's output (nil without Grad-CAM).
// Without saliency it stops at the Grad-CAM layer, since nothing below it
// is needed.
func (e *Explainer) backward(r *Result) (inputGrad, activationGrad *models.Tensor) {
	e.dLogits = ensureTensor(e.dLogits, r.N, r.Classes)
	clear(e.dLogits.Data)
	for i, target := range r.Targets {
		e.dLogits.Data[i*r.Classes+target] = 1
	}

	dy := e.dLogits
	for i := len(e.net.Layers) - 1; i >= 0; i-- {
		if i == e.camIndex {
			activationGrad = dy
			if !e.cfg.Saliency {
				return nil, activationGrad
			}
		}
		mode := models.BackwardMode{InputGrad: i > 0 || e.cfg.Saliency}
		dy = e.net.Layers[i].Backward(dy, mode)
	}
	return dy, activationGrad
}

func ensureTensor(t *models.Tensor, shape ...int) *models.Tensor {
	if t != nil && slices.Equal(t.Shape, shape) {
		return t
	}
	return models.NewTensor(shape...)
}
