//go:build cgo && amd64

package tflite

/*
#cgo CFLAGS: -O3
#include "depthwise_amd64.h"
*/
import "C"

import "unsafe"

// hasFastDepthwise reports whether the CPU runs the AVX2/FMA kernel in
// depthwise_amd64.c.
var hasFastDepthwise = C.depthwise_has_avx2_fma() != 0

// maxFastTaps is the window size (kH·kW) that the C kernel holds at most.
const maxFastTaps = 64

// clampFast limits every value of x to [lo, hi] in place.
func clampFast(x []float32, lo, hi float32) {
	if len(x) == 0 {
		return
	}
	C.clamp_avx2((*C.float)(unsafe.Pointer(&x[0])), C.long(len(x)), C.float(lo), C.float(hi))
}

// preluFast runs PRELU with alpha repeating every len(alpha) values.
func preluFast(out, in, alpha []float32) {
	if len(out) == 0 {
		return
	}
	C.prelu_avx2((*C.float)(unsafe.Pointer(&out[0])), (*C.float)(unsafe.Pointer(&in[0])),
		(*C.float)(unsafe.Pointer(&alpha[0])), C.long(len(out)), C.long(len(alpha)))
}

// depthwiseFast computes output rows [rowBegin, rowEnd) of one image of a
// depthwise convolution with depth multiplier 1 in one cgo call.
func depthwiseFast(in, weights, bias, out []float32, w window, rowBegin, rowEnd int) {
	C.depthwise_avx2(
		(*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&weights[0])),
		(*C.float)(unsafe.Pointer(&bias[0])), (*C.float)(unsafe.Pointer(&out[0])),
		C.long(w.inH), C.long(w.inW), C.long(w.inC), C.long(w.outH), C.long(w.outW),
		C.long(w.kH), C.long(w.kW), C.long(w.strideH), C.long(w.strideW),
		C.long(w.dilationH), C.long(w.dilationW), C.long(w.padTop), C.long(w.padLeft),
		C.long(rowBegin), C.long(rowEnd))
}
