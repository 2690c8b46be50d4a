package explain

import (
	"math"

	"pipeline/models"
)

// saliency reduces the input gradient grad [N, C, H, W] or [N, C, L] over
// its channels into dst [N, H, W] or [N, L]. It keeps the largest
// magnitude, or with SaliencySigned the signed value of the first channel
// that has the largest magnitude.
func saliency(dst []float32, grad *models.Tensor, mode SaliencyMode) {
	n, c := grad.Shape[0], grad.Shape[1]
	plane := grad.SampleLen() / c
	for i := range n {
		out := dst[i*plane:][:plane]
		item := grad.Sample(i)
		copyChannel(out, item[:plane], mode)
		for ch := 1; ch < c; ch++ {
			mergeChannel(out, item[ch*plane:][:plane], mode)
		}
	}
}

func copyChannel(out, channel []float32, mode SaliencyMode) {
	if mode == SaliencySigned {
		copy(out, channel)
		return
	}
	for p, g := range channel {
		out[p] = abs32(g)
	}
}

func mergeChannel(out, channel []float32, mode SaliencyMode) {
	for p, g := range channel {
		if mode == SaliencySigned {
			if abs32(g) > abs32(out[p]) {
				out[p] = g
			}
			continue
		}
		out[p] = max(out[p], abs32(g))
	}
}

// abs32 clears the sign bit, so that −0 becomes 0 as in torch.abs.
func abs32(v float32) float32 {
	return math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
}
