package kernels

import "fmt"

// Sgemm computes C = beta·C + op(A)·op(B) for row-major matrices, where
// op(X) is X or its transpose as transA and transB say.
//
//	op(A): m×k   stored as m×k (lda ≥ k) or, transposed, k×m (lda ≥ m)
//	op(B): k×n   stored as k×n (ldb ≥ n) or, transposed, n×k (ldb ≥ k)
//	C:     m×n   ldc ≥ n
//
// With beta == 0 the old contents of C are ignored, even NaNs. The result
// does not depend on the number of goroutines or the machine's cores.
// On amd64 with cgo and AVX2/FMA it runs a C kernel (sgemm_amd64.c), and
// elsewhere a pure-Go loop whose rounding differs in the last bits.
//
// Sgemm panics if a dimension is negative, a leading dimension is too
// small, or a slice is too short for its matrix.
func Sgemm(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemmArgs(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleRows(m, n, beta, c, ldc)
		return
	}
	if hasFastSgemm && sgemmFast(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc) {
		return
	}
	sgemmGeneric(transA, transB, m, n, k, a, lda, b, ldb, beta, c, ldc)
}

// checkSgemmArgs panics unless every matrix fits its slice, so that the C
// kernel never reads or writes outside them.
func checkSgemmArgs(transA, transB bool, m, n, k int, lenA, lda, lenB, ldb,
	lenC, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	checkMatrix("a", rowsA, colsA, lenA, lda)
	checkMatrix("b", rowsB, colsB, lenB, ldb)
	checkMatrix("c", m, n, lenC, ldc)
}

// checkMatrix panics unless a rows×cols row-major matrix with leading
// dimension ld fits in a slice of length size.
func checkMatrix(name string, rows, cols, size, ld int) {
	if ld < cols {
		panic(fmt.Sprintf("kernels: Sgemm: ld%s = %d, want at least %d", name, ld, cols))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; size < need {
		panic(fmt.Sprintf("kernels: Sgemm: len(%s) = %d, want at least %d for %d×%d with ld%s %d",
			name, size, need, rows, cols, name, ld))
	}
}

// scaleRows sets C = beta·C, writing zeros when beta is 0.
func scaleRows(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// sgemmGeneric is the pure-Go Sgemm. It adds to each row of C the rows of
// op(B) scaled by the matching entries of op(A), except for A·Bᵀ, which
// sgemmGenericNT computes as dot products.
func sgemmGeneric(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	scaleRows(m, n, beta, c, ldc)
	if !transA && transB {
		sgemmGenericNT(m, n, k, a, lda, b, ldb, c, ldc)
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			if av == 0 {
				continue
			}
			if transB {
				for j := range row {
					row[j] += av * b[j*ldb+p]
				}
			} else {
				brow := b[p*ldb : p*ldb+n]
				for j, bv := range brow {
					row[j] += av * bv
				}
			}
		}
	}
}

// sgemmGenericNT adds A·Bᵀ to C as dot products of rows of A and rows of
// the stored B, which are both contiguous along k.
func sgemmGenericNT(m, n, k int, a []float32, lda int, b []float32, ldb int,
	c []float32, ldc int) {
	for i := 0; i < m; i++ {
		arow := a[i*lda : i*lda+k]
		row := c[i*ldc : i*ldc+n]
		for j := range row {
			row[j] += dotGeneric(arow, b[j*ldb:j*ldb+k])
		}
	}
}

// dotGeneric returns the dot product of x and y[:len(x)], in four partial
// sums so that consecutive additions do not wait on each other.
func dotGeneric(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	p := 0
	for ; p+4 <= len(x); p += 4 {
		s0 += x[p] * y[p]
		s1 += x[p+1] * y[p+1]
		s2 += x[p+2] * y[p+2]
		s3 += x[p+3] * y[p+3]
	}
	for ; p < len(x); p++ {
		s0 += x[p] * y[p]
	}
	return (s0 + s1) + (s2 + s3)
}
