//go:build cgo

package kernels

/*
#cgo CFLAGS: -O3
#include "sgemm_amd64.h"
*/
import "C"

import "unsafe"

// hasFastSgemm reports whether the CPU runs the AVX2/FMA kernel in
// sgemm_amd64.c.
var hasFastSgemm = C.sgemm_has_avx2_fma() != 0

// sgemmFast runs the AVX2/FMA kernel in one cgo call. It expects m, n, k ≥ 1
// and slices that Sgemm has checked, and returns false, with C untouched,
// when the kernel could not allocate its packing buffers.
func sgemmFast(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	rc := C.sgemm_avx2(cBool(transA), cBool(transB),
		C.long(m), C.long(n), C.long(k),
		(*C.float)(unsafe.Pointer(&a[0])), C.long(lda),
		(*C.float)(unsafe.Pointer(&b[0])), C.long(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.long(ldc))
	return rc == 0
}

func cBool(v bool) C.int {
	if v {
		return 1
	}
	return 0
}
