package kernels

// Sgemm computes C = beta·C + op(A)·op(B) for row-major matrices, where
// op(X) is X or its transpose as transA and transB say.
//
//	op(A): m×k   stored as m×k (lda ≥ k) or, transposed, k×m (lda ≥ m)
//	op(B): k×n   stored as k×n (ldb ≥ n) or, transposed, n×k (ldb ≥ k)
//	C:     m×n   ldc ≥ n
//
// With beta == 0 the old contents of C are ignored, even NaNs. The result
// does not depend on the number of goroutines or the machine's cores.
func Sgemm(transA, transB bool, m, n, k int, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else if beta != 1 {
			for j := range row {
				row[j] *= beta
			}
		}
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
