//go:build !cgo || !amd64

package tflite

// hasFastDepthwise is false because the AVX2/FMA kernel needs cgo on amd64.
const hasFastDepthwise = false

const maxFastTaps = 0

func depthwiseFast(in, weights, bias, out []float32, w window) {
	panic("tflite: depthwiseFast without the AVX2 kernel")
}
