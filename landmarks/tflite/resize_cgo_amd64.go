//go:build cgo && amd64

package tflite

/*
#cgo CFLAGS: -O3
#include "resize_amd64.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// resizeFast computes output rows [rowBegin, rowEnd) of one image by
// resize_bilinear_avx2 in resize_amd64.c. in and out are one image each.
func resizeFast(k *resizeBilinear, in, out []float32, rowBegin, rowEnd int) {
	inW, channels := k.in.Shape[2], k.in.Shape[3]
	outW := len(k.cols.lo)
	if len(in) < k.in.Shape[1]*inW*channels || len(out) < len(k.rows.lo)*outW*channels ||
		rowBegin < 0 || rowEnd > len(k.rows.lo) || rowBegin >= rowEnd {
		panic(fmt.Sprintf("tflite: resizeFast: rows [%d, %d) of %v to %v",
			rowBegin, rowEnd, k.in.Shape, k.out.Shape))
	}
	C.resize_bilinear_avx2(
		(*C.float)(unsafe.Pointer(&in[0])), (*C.float)(unsafe.Pointer(&out[0])),
		C.long(inW), C.long(outW), C.long(channels),
		(*C.int)(unsafe.Pointer(&k.rows.lo[0])), (*C.int)(unsafe.Pointer(&k.rows.hi[0])),
		(*C.float)(unsafe.Pointer(&k.rows.frac[0])),
		(*C.int)(unsafe.Pointer(&k.cols.lo[0])), (*C.int)(unsafe.Pointer(&k.cols.hi[0])),
		(*C.float)(unsafe.Pointer(&k.cols.frac[0])),
		C.long(rowBegin), C.long(rowEnd))
}
