//go:build cgo

package kernels

/*
#cgo CFLAGS: -O3
#include "layers_amd64.h"
*/
import "C"

import "unsafe"

// hasFastLayers reports whether the CPU runs the AVX2 loops in
// layers_amd64.c.
var hasFastLayers = hasFastSgemm

// The wrappers below expect non-empty slices that the exported functions
// have checked.

func ptr(s []float32) *C.float { return (*C.float)(unsafe.Pointer(&s[0])) }

func im2colFast(cols []float32, ld int, img []float32, c, h, w, k, pad int) {
	C.layers_im2col(ptr(cols), C.long(ld), ptr(img), C.long(c), C.long(h), C.long(w),
		C.long(k), C.long(pad))
}

func col2imFast(img []float32, cols []float32, ld int, c, h, w, k, pad int) {
	C.layers_col2im(ptr(img), ptr(cols), C.long(ld), C.long(c), C.long(h), C.long(w),
		C.long(k), C.long(pad))
}

func unchunkBiasFast(y, prod, bias []float32, b, f, p int) {
	C.layers_unchunk_bias(ptr(y), ptr(prod), ptr(bias), C.long(b), C.long(f), C.long(p))
}

func chunkFast(dst, x []float32, b, f, p int) {
	C.layers_chunk(ptr(dst), ptr(x), C.long(b), C.long(f), C.long(p))
}

func reluFast(y, x []float32) { C.layers_relu(ptr(y), ptr(x), C.long(len(x))) }

func reluGradFast(dx, dy, y []float32) {
	C.layers_relu_grad(ptr(dx), ptr(dy), ptr(y), C.long(len(dy)))
}

func avgPool2Fast(y, x []float32, planes, h, w int) {
	C.layers_avg_pool2(ptr(y), ptr(x), C.long(planes), C.long(h), C.long(w))
}

func avgPool2GradFast(dx, dy []float32, planes, h, w int) {
	C.layers_avg_pool2_grad(ptr(dx), ptr(dy), C.long(planes), C.long(h), C.long(w))
}

func convSingleChannelFast(y, x, weight, bias []float32, f, h, w, k int) {
	C.layers_conv_single(ptr(y), ptr(x), ptr(weight), ptr(bias), C.long(f), C.long(h),
		C.long(w), C.long(k))
}

func convSingleChannelGradFast(dw, db, dy, x []float32, f, h, w, k int) {
	C.layers_conv_single_grad(ptr(dw), ptr(db), ptr(dy), ptr(x), C.long(f), C.long(h),
		C.long(w), C.long(k))
}

func rowSumsFast(dst, src []float32, rows, cols int) {
	C.layers_row_sums(ptr(dst), ptr(src), C.long(rows), C.long(cols))
}
