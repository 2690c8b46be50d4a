//go:build cgo && amd64

// AVX2/FMA single-precision matrix multiplication for Sgemm, blocked the
// way GotoBLAS is. A KC-step slice of op(A) is packed into panels of MR
// rows, op(B) is read in panels of NR columns, and a micro-kernel keeps an
// MR×NR tile of C in twelve AVX registers while it sums over k.

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "sgemm_amd64.h"

enum {
	MR = 6,   // rows of a C tile: 6 broadcasts of A per step of k
	NR = 16,  // columns of a C tile: two 8-float vectors of B
	KC = 256, // steps of k per packed block; a 16×256 B panel fills 16 KiB of L1
	MC = 144, // rows of A packed at once; 144×256 floats take 144 KiB of L2
};

#define TARGET_AVX2 __attribute__((target("avx2,fma")))

int sgemm_has_avx2_fma(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Packing buffers, one set per OS thread. A cgo call runs on one thread from
// start to end and never calls back into Go, so no two calls share a set.
static _Thread_local float *packed_a; // MC×KC
static _Thread_local float *packed_b; // KC×NR

static int ensure_buffers(void) {
	if (packed_a != NULL) {
		return 1;
	}
	float *pa = aligned_alloc(64, sizeof(float) * MC * KC);
	float *pb = aligned_alloc(64, sizeof(float) * KC * NR);
	if (pa == NULL || pb == NULL) {
		free(pa);
		free(pb);
		return 0;
	}
	packed_a = pa;
	packed_b = pb;
	return 1;
}

static long min_long(long x, long y) { return x < y ? x : y; }

// pack_a copies the mc×kc block of op(A) that starts at a into panels of MR
// rows, each stored step by step (kc×MR), padding the last panel with zeros.
static void pack_a(int trans_a, long mc, long kc, const float *a, long lda,
		float *dst) {
	for (long i0 = 0; i0 < mc; i0 += MR) {
		long rows = min_long(MR, mc - i0);
		for (long p = 0; p < kc; p++) {
			long r = 0;
			for (; r < rows; r++) {
				long i = i0 + r;
				dst[r] = trans_a ? a[p * lda + i] : a[i * lda + p];
			}
			for (; r < MR; r++) {
				dst[r] = 0;
			}
			dst += MR;
		}
	}
}

// pack_b copies the kc×nc panel of op(B) that starts at b (nc ≤ NR) into
// kc rows of NR floats, padding the columns past nc with zeros.
static void pack_b(int trans_b, long nc, long kc, const float *b, long ldb,
		float *dst) {
	if (!trans_b) {
		for (long p = 0; p < kc; p++) {
			memcpy(dst + p * NR, b + p * ldb, sizeof(float) * nc);
			memset(dst + p * NR + nc, 0, sizeof(float) * (NR - nc));
		}
		return;
	}
	if (nc < NR) {
		memset(dst, 0, sizeof(float) * kc * NR);
	}
	for (long j = 0; j < nc; j++) {
		const float *column = b + j * ldb;
		for (long p = 0; p < kc; p++) {
			dst[p * NR + j] = column[p];
		}
	}
}

// Each row of the tile: c = acc when beta is 0, so old NaNs vanish;
// c += acc when beta is 1; c = beta·c + acc otherwise.
#define STORE_ROW(r, lo, hi)                                               \
	do {                                                                   \
		float *row = c + (r) * ldc;                                        \
		if (beta == 0) {                                                   \
			_mm256_storeu_ps(row, lo);                                     \
			_mm256_storeu_ps(row + 8, hi);                                 \
		} else if (beta == 1) {                                            \
			_mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), lo)); \
			_mm256_storeu_ps(row + 8,                                      \
				_mm256_add_ps(_mm256_loadu_ps(row + 8), hi));              \
		} else {                                                           \
			_mm256_storeu_ps(row,                                          \
				_mm256_fmadd_ps(vbeta, _mm256_loadu_ps(row), lo));         \
			_mm256_storeu_ps(row + 8,                                      \
				_mm256_fmadd_ps(vbeta, _mm256_loadu_ps(row + 8), hi));     \
		}                                                                  \
	} while (0)

// kernel_6x16 computes the MR×NR tile c = beta·c + Ap·Bp, where Ap is a
// packed A panel (kc×MR) and Bp is kc rows of NR floats, ldb apart.
// The twelve accumulators and the sum over k stay in registers.
TARGET_AVX2 static void kernel_6x16(long kc, const float *a, const float *b,
		long ldb, float *c, long ldc, float beta) {
	__m256 c0l = _mm256_setzero_ps(), c0h = _mm256_setzero_ps();
	__m256 c1l = _mm256_setzero_ps(), c1h = _mm256_setzero_ps();
	__m256 c2l = _mm256_setzero_ps(), c2h = _mm256_setzero_ps();
	__m256 c3l = _mm256_setzero_ps(), c3h = _mm256_setzero_ps();
	__m256 c4l = _mm256_setzero_ps(), c4h = _mm256_setzero_ps();
	__m256 c5l = _mm256_setzero_ps(), c5h = _mm256_setzero_ps();

	for (long p = 0; p < kc; p++) {
		__m256 bl = _mm256_loadu_ps(b);
		__m256 bh = _mm256_loadu_ps(b + 8);
		__m256 av;
		av = _mm256_broadcast_ss(a + 0);
		c0l = _mm256_fmadd_ps(av, bl, c0l);
		c0h = _mm256_fmadd_ps(av, bh, c0h);
		av = _mm256_broadcast_ss(a + 1);
		c1l = _mm256_fmadd_ps(av, bl, c1l);
		c1h = _mm256_fmadd_ps(av, bh, c1h);
		av = _mm256_broadcast_ss(a + 2);
		c2l = _mm256_fmadd_ps(av, bl, c2l);
		c2h = _mm256_fmadd_ps(av, bh, c2h);
		av = _mm256_broadcast_ss(a + 3);
		c3l = _mm256_fmadd_ps(av, bl, c3l);
		c3h = _mm256_fmadd_ps(av, bh, c3h);
		av = _mm256_broadcast_ss(a + 4);
		c4l = _mm256_fmadd_ps(av, bl, c4l);
		c4h = _mm256_fmadd_ps(av, bh, c4h);
		av = _mm256_broadcast_ss(a + 5);
		c5l = _mm256_fmadd_ps(av, bl, c5l);
		c5h = _mm256_fmadd_ps(av, bh, c5h);
		a += MR;
		b += ldb;
	}

	__m256 vbeta = _mm256_set1_ps(beta);
	STORE_ROW(0, c0l, c0h);
	STORE_ROW(1, c1l, c1h);
	STORE_ROW(2, c2l, c2h);
	STORE_ROW(3, c3l, c3h);
	STORE_ROW(4, c4l, c4h);
	STORE_ROW(5, c5l, c5h);
}

// merge_tile writes the top-left mr×nr corner of an MR×NR tile computed
// into tile to c, with the same beta rule as STORE_ROW.
static void merge_tile(long mr, long nr, const float *tile, float *c,
		long ldc, float beta) {
	for (long r = 0; r < mr; r++) {
		float *row = c + r * ldc;
		const float *acc = tile + r * NR;
		for (long j = 0; j < nr; j++) {
			if (beta == 0) {
				row[j] = acc[j];
			} else if (beta == 1) {
				row[j] += acc[j];
			} else {
				row[j] = __builtin_fmaf(beta, row[j], acc[j]);
			}
		}
	}
}

// macro_block multiplies the packed mc×kc block of A by every NR-column
// panel of the kc×n block of op(B) that starts at b, into the mc×n block
// of C that starts at c.
TARGET_AVX2 static void macro_block(int trans_b, long mc, long n, long kc,
		const float *b, long ldb, float beta, float *c, long ldc) {
	float tile[MR * NR] __attribute__((aligned(32)));

	for (long j0 = 0; j0 < n; j0 += NR) {
		long nr = min_long(NR, n - j0);
		const float *panel = packed_b;
		long panel_ld = NR;
		if (!trans_b && nr == NR) {
			// A full panel of untransposed B is read in place.
			panel = b + j0;
			panel_ld = ldb;
		} else if (trans_b) {
			pack_b(1, nr, kc, b + j0 * ldb, ldb, packed_b);
		} else {
			pack_b(0, nr, kc, b + j0, ldb, packed_b);
		}

		for (long i0 = 0; i0 < mc; i0 += MR) {
			long mr = min_long(MR, mc - i0);
			const float *a_panel = packed_a + i0 * kc;
			float *c_tile = c + i0 * ldc + j0;
			if (mr == MR && nr == NR) {
				kernel_6x16(kc, a_panel, panel, panel_ld, c_tile, ldc, beta);
			} else {
				kernel_6x16(kc, a_panel, panel, panel_ld, tile, NR, 0);
				merge_tile(mr, nr, tile, c_tile, ldc, beta);
			}
		}
	}
}

// sgemm_avx2 computes C = beta·C + op(A)·op(B) as Sgemm documents, with
// k ≥ 1 and all strides checked by the caller. It returns 0, or -1 when
// the packing buffers could not be allocated and C is untouched.
//
// Blocks of k are summed in order, the first scaling C by beta and the
// rest adding to it, so the rounding depends only on the shapes.
TARGET_AVX2 int sgemm_avx2(int trans_a, int trans_b, long m, long n, long k,
		const float *a, long lda, const float *b, long ldb,
		float beta, float *c, long ldc) {
	if (!ensure_buffers()) {
		return -1;
	}
	for (long p0 = 0; p0 < k; p0 += KC) {
		long kc = min_long(KC, k - p0);
		float block_beta = p0 == 0 ? beta : 1;
		const float *b_block = trans_b ? b + p0 : b + p0 * ldb;
		for (long i0 = 0; i0 < m; i0 += MC) {
			long mc = min_long(MC, m - i0);
			const float *a_block = trans_a ? a + p0 * lda + i0 : a + i0 * lda + p0;
			pack_a(trans_a, mc, kc, a_block, lda, packed_a);
			macro_block(trans_b, mc, n, kc, b_block, ldb, block_beta,
				c + i0 * ldc, ldc);
		}
	}
	return 0;
}
