//go:build !cgo || !amd64

package tflite

// hasFastDepthwise is false because the AVX2/FMA kernel needs cgo on amd64.
const hasFastDepthwise = false

const maxFastTaps = 0

func clampFast(x []float32, lo, hi float32) {
	panic("tflite: clampFast without the AVX2 kernel")
}

func preluFast(out, in, alpha []float32) {
	panic("tflite: preluFast without the AVX2 kernel")
}

func depthwiseFast(in, weights, bias, out []float32, w window, rowBegin, rowEnd int) {
	panic("tflite: depthwiseFast without the AVX2 kernel")
}

func gemmBlocksFast(m, k int, a []float32, lda int, w blockedWeights, firstBlock, endBlock int,
	c []float32, ldc int) {
	panic("tflite: gemmBlocksFast without the AVX2 kernel")
}

func dotConvFast(in, filter, bias, out []float32, w window, rowBegin, rowEnd int) {
	panic("tflite: dotConvFast without the AVX2 kernel")
}

func resizeFast(k *resizeBilinear, in, out []float32, rowBegin, rowEnd int) {
	panic("tflite: resizeFast without the AVX2 kernel")
}

func addFast(out, a, b []float32, clamp bool, lo, hi float32) {
	panic("tflite: addFast without the AVX2 kernel")
}

func maxPoolFast(in, out []float32, w window, rowBegin, rowEnd int) {
	panic("tflite: maxPoolFast without the AVX2 kernel")
}
