//go:build cgo && amd64

package tflite

/*
#cgo CFLAGS: -O3
#include "depthwise_amd64.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

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

// addFast computes out = a + b, limited to [lo, hi] when clamp is set.
func addFast(out, a, b []float32, clamp bool, lo, hi float32) {
	if len(out) == 0 {
		return
	}
	if len(a) < len(out) || len(b) < len(out) {
		panic("tflite: addFast: operands shorter than the output")
	}
	C.add_avx2((*C.float)(unsafe.Pointer(&out[0])), (*C.float)(unsafe.Pointer(&a[0])),
		(*C.float)(unsafe.Pointer(&b[0])), C.long(len(out)), cBool(clamp), C.float(lo),
		C.float(hi))
}

// maxPoolFast computes output rows [rowBegin, rowEnd) of one image of a
// max pool in one cgo call.
func maxPoolFast(in, out []float32, w window, rowBegin, rowEnd int) {
	if len(in) < w.inH*w.inW*w.inC || len(out) < w.outH*w.outW*w.outC ||
		rowBegin < 0 || rowEnd > w.outH || w.outC != w.inC {
		panic(fmt.Sprintf("tflite: maxPoolFast: tensors do not fit window %+v", w))
	}
	if rowBegin >= rowEnd {
		return
	}
	C.max_pool_avx2((*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&out[0])),
		C.long(w.inH), C.long(w.inW), C.long(w.inC), C.long(w.outW), C.long(w.kH),
		C.long(w.kW), C.long(w.strideH), C.long(w.strideW), C.long(w.padTop),
		C.long(w.padLeft), C.long(rowBegin), C.long(rowEnd))
}

func cBool(v bool) C.int {
	if v {
		return 1
	}
	return 0
}
