//go:build !cgo || !amd64

package kernels

// hasFastSgemm is false because the AVX2/FMA kernel needs cgo on amd64.
const hasFastSgemm = false

func sgemmFast(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) bool {
	return false
}
