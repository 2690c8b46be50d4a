//go:build cgo && amd64

package tflite

/*
#cgo CFLAGS: -O3
#include "conv_amd64.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// gemmBlocksFast computes blocks [firstBlock, endBlock) of c = bias + a·w
// for an m×k a and an m×n c whose rows are lda and ldc apart, in
// conv_amd64.c. w and the bias come from newBlockedWeights.
func gemmBlocksFast(m, k int, a []float32, lda int, w blockedWeights, firstBlock, endBlock int,
	c []float32, ldc int) {
	n, block := w.channels, w.block
	blocks := (n + block - 1) / block
	lastColumn := min(n, endBlock*block)
	if m < 1 || k < 1 || n < 1 || lda < k || ldc < n || firstBlock < 0 ||
		endBlock > blocks || firstBlock >= endBlock || (block != 8 && block != 16 && block != 24) ||
		len(a) < (m-1)*lda+k || len(c) < (m-1)*ldc+lastColumn ||
		len(w.bias) != blocks*block || len(w.weights) != blocks*k*block {
		panic(fmt.Sprintf("tflite: gemmBlocksFast: %d×%d by %d channels does not fit its slices",
			m, k, n))
	}
	C.gemm_blocks_avx2(C.long(m), C.long(n), C.long(k),
		(*C.float)(unsafe.Pointer(&a[0])), C.long(lda),
		(*C.float)(unsafe.Pointer(&w.weights[0])), (*C.float)(unsafe.Pointer(&w.bias[0])),
		(*C.float)(unsafe.Pointer(&c[0])), C.long(ldc),
		C.long(block), C.long(firstBlock), C.long(endBlock))
}

// dotConvFast computes output rows [rowBegin, rowEnd) of a convolution
// of one image by dot_conv_avx2 in conv_amd64.c. filter is TFLite's
// [outC, kH, kW, inC] and inC must be a multiple of 8.
func dotConvFast(in, filter, bias, out []float32, w window, rowBegin, rowEnd int) {
	if len(in) < w.inH*w.inW*w.inC || len(out) < w.outH*w.outW*w.outC ||
		len(filter) < w.outC*w.kH*w.kW*w.inC || len(bias) < w.outC || w.inC%8 != 0 ||
		rowBegin < 0 || rowEnd > w.outH || rowBegin >= rowEnd {
		panic(fmt.Sprintf("tflite: dotConvFast: tensors do not fit window %+v", w))
	}
	C.dot_conv_avx2(
		(*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&filter[0])),
		(*C.float)(unsafe.Pointer(&bias[0])), (*C.float)(unsafe.Pointer(&out[0])),
		C.long(w.inH), C.long(w.inW), C.long(w.inC), C.long(w.outH), C.long(w.outW),
		C.long(w.outC), C.long(w.kH), C.long(w.kW), C.long(w.strideH), C.long(w.strideW),
		C.long(w.dilationH), C.long(w.dilationW), C.long(w.padTop), C.long(w.padLeft),
		C.long(rowBegin), C.long(rowEnd))
}
