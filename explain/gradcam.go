package explain

import (
	"math"

	"pipeline/models"
)

// gradCAM writes each item's Grad-CAM map [H, W] into dst [N, H, W] from
// the layer's activation and its gradient, both [N, F, h, w]. A 1-D layer
// [N, F, l] is taken as h = 1, and its map is upsampled linearly to 1×L,
// as F.interpolate(mode="linear", align_corners=False) does.
func (e *Explainer) gradCAM(dst []float32, activation, grad *models.Tensor, height, width int) {
	n, channels := activation.Shape[0], activation.Shape[1]
	h, w := planeSize(activation.Shape)
	if e.resize == nil || !e.resize.fits(h, w, height, width) {
		e.resize = newBilinearResizer(h, w, height, width)
	}
	plane := h * w
	cam := make([]float32, plane)
	weights := make([]float32, channels)
	for i := range n {
		act, g := activation.Sample(i), grad.Sample(i)

		// α[f] = mean of the gradient over the f-th plane.
		for f := range weights {
			var sum float32
			for _, v := range g[f*plane:][:plane] {
				sum += v
			}
			weights[f] = sum / float32(plane)
		}

		// cam = ReLU(Σ_f α[f]·A[f]).
		clear(cam)
		for f, alpha := range weights {
			for p, v := range act[f*plane:][:plane] {
				cam[p] += alpha * v
			}
		}
		for p, v := range cam {
			cam[p] = max(v, 0)
		}

		out := dst[i*height*width:][:height*width]
		lo, hi := e.resize.resize(out, cam)
		scaleToUnit(out, lo, hi)
	}
}

// minMaxScale maps values to [0, 1] by (v − min)/(max − min); a constant
// map becomes zeros.
func minMaxScale(values []float32) {
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	scaleToUnit(values, lo, hi)
}

// scaleToUnit maps values in [lo, hi] to [0, 1], or to zeros when hi = lo.
func scaleToUnit(values []float32, lo, hi float32) {
	span := hi - lo
	if !(span > 0) {
		clear(values)
		return
	}
	for i, v := range values {
		values[i] = (v - lo) / span
	}
}

// bilinearResizer upsamples an h×w plane to H×W with half-pixel centres,
// as PyTorch 1.13's F.interpolate(mode="bilinear", align_corners=False):
// output pixel d reads the input at max(0, (d + 0.5)·in/out − 0.5).
type bilinearResizer struct {
	inH, inW, outH, outW int
	rows, cols           []axisSample
	widened              []float32 // [h, W]: each input row interpolated to W
}

// axisSample is the read position of one output row or column: input
// indexes lo and lo+step (step 0 at the last input pixel), weighted 1−t
// and t.
type axisSample struct {
	lo, step int
	t        float32
}

func newBilinearResizer(inH, inW, outH, outW int) *bilinearResizer {
	return &bilinearResizer{
		inH: inH, inW: inW, outH: outH, outW: outW,
		rows: axisSamples(inH, outH), cols: axisSamples(inW, outW),
		widened: make([]float32, inH*outW),
	}
}

func (r *bilinearResizer) fits(inH, inW, outH, outW int) bool {
	return r.inH == inH && r.inW == inW && r.outH == outH && r.outW == outW
}

func axisSamples(in, out int) []axisSample {
	scale := float32(in) / float32(out)
	samples := make([]axisSample, out)
	for d := range samples {
		src := max(scale*(float32(d)+0.5)-0.5, 0)
		lo := int(src)
		step := 0
		if lo < in-1 {
			step = 1
		}
		samples[d] = axisSample{lo: lo, step: step, t: src - float32(lo)}
	}
	return samples
}

// resize writes the upsampled src [h, w] into dst [H, W] and returns the
// smallest and largest value written. Each input row is first
// interpolated across to W columns, then output rows are interpolated
// between two of those; the products and sums are PyTorch's, in its order.
func (r *bilinearResizer) resize(dst, src []float32) (lo, hi float32) {
	for y := range r.inH {
		in := src[y*r.inW:][:r.inW]
		out := r.widened[y*r.outW:][:r.outW]
		for x, col := range r.cols {
			out[x] = (1-col.t)*in[col.lo] + col.t*in[col.lo+col.step]
		}
	}

	lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
	for y, row := range r.rows {
		top := r.widened[row.lo*r.outW:][:r.outW]
		bottom := r.widened[(row.lo+row.step)*r.outW:][:r.outW]
		out := dst[y*r.outW:][:r.outW]
		for x := range out {
			v := (1-row.t)*top[x] + row.t*bottom[x]
			out[x] = v
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}
