// Declarations shared by sgemm_cgo_amd64.go and sgemm_amd64.c.

int sgemm_has_avx2_fma(void);

int sgemm_avx2(int trans_a, int trans_b, long m, long n, long k,
	const float *a, long lda, const float *b, long ldb,
	float beta, float *c, long ldc);
