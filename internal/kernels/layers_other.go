//go:build !cgo || !amd64

package kernels

// hasFastLayers is false because the AVX2 loops need cgo on amd64.
var hasFastLayers = false

func im2colFast(cols []float32, ld int, img []float32, c, h, w, k, pad int) {}
func col2imFast(img []float32, cols []float32, ld int, c, h, w, k, pad int) {}
func unchunkBiasFast(y, prod, bias []float32, b, f, p int)                  {}
func chunkFast(dst, x []float32, b, f, p int)                               {}
func reluFast(y, x []float32)                                               {}
func reluGradFast(dx, dy, y []float32)                                      {}
func avgPool2Fast(y, x []float32, planes, h, w int)                         {}
func avgPool2GradFast(dx, dy []float32, planes, h, w int)                   {}

func convSingleChannelFast(y, x, weight, bias []float32, f, h, w, k int) {}
func convSingleChannelGradFast(dw, db, dy, x []float32, f, h, w, k int)  {}

func rowSumsFast(dst, src []float32, rows, cols int) {}
