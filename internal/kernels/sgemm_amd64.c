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
	KC = 256, // steps of k per packed block; a 16×256 B panel takes 16 KiB of L1
	MC = 144, // rows of A packed at once; 144×256 floats take 144 KiB of L2
};

#define TARGET_AVX2 __attribute__((target("avx2,fma")))

int sgemm_has_avx2_fma(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// Packing buffers, one set per OS thread. A cgo call runs on one thread from
// start to end and never calls back into Go, so no two calls share a set.
// NOTE: a set (160 KiB) is never freed, even when its thread exits.
static _Thread_local float *packed_a; // MC×KC
static _Thread_local float *packed_b; // KC×NR

// ensure_buffers allocates this thread's packing buffers on first use and
// returns 0 if that failed.
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

// transpose_8x8 stores the transpose of the 8×8 block whose rows start at
// src, src+lds, … to dst, dst+ldd, ….
TARGET_AVX2 static void transpose_8x8(const float *src, long lds, float *dst,
		long ldd) {
	__m256 r0 = _mm256_loadu_ps(src + 0 * lds), r1 = _mm256_loadu_ps(src + 1 * lds);
	__m256 r2 = _mm256_loadu_ps(src + 2 * lds), r3 = _mm256_loadu_ps(src + 3 * lds);
	__m256 r4 = _mm256_loadu_ps(src + 4 * lds), r5 = _mm256_loadu_ps(src + 5 * lds);
	__m256 r6 = _mm256_loadu_ps(src + 6 * lds), r7 = _mm256_loadu_ps(src + 7 * lds);

	// Interleave pairs of rows, then pairs of pairs, then the 128-bit halves.
	__m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
	__m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
	__m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
	__m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
	__m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
	__m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
	__m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
	__m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
	__m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
	__m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
	__m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
	__m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
	_mm256_storeu_ps(dst + 0 * ldd, _mm256_permute2f128_ps(s0, s4, 0x20));
	_mm256_storeu_ps(dst + 1 * ldd, _mm256_permute2f128_ps(s1, s5, 0x20));
	_mm256_storeu_ps(dst + 2 * ldd, _mm256_permute2f128_ps(s2, s6, 0x20));
	_mm256_storeu_ps(dst + 3 * ldd, _mm256_permute2f128_ps(s3, s7, 0x20));
	_mm256_storeu_ps(dst + 4 * ldd, _mm256_permute2f128_ps(s0, s4, 0x31));
	_mm256_storeu_ps(dst + 5 * ldd, _mm256_permute2f128_ps(s1, s5, 0x31));
	_mm256_storeu_ps(dst + 6 * ldd, _mm256_permute2f128_ps(s2, s6, 0x31));
	_mm256_storeu_ps(dst + 7 * ldd, _mm256_permute2f128_ps(s3, s7, 0x31));
}

// pack_b copies the kc×nc panel of op(B) that starts at b (nc ≤ NR) into
// kc rows of NR floats, padding the columns past nc with zeros. A
// transposed B is stored n×k, so its panel is transposed in 8×8 blocks.
TARGET_AVX2 static void pack_b(int trans_b, long nc, long kc, const float *b,
		long ldb, float *dst) {
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
	long j = 0;
	for (; j + 8 <= nc; j += 8) {
		long p = 0;
		for (; p + 8 <= kc; p += 8) {
			transpose_8x8(b + j * ldb + p, ldb, dst + p * NR + j, NR);
		}
		for (; p < kc; p++) {
			for (long jj = j; jj < j + 8; jj++) {
				dst[p * NR + jj] = b[jj * ldb + p];
			}
		}
	}
	for (; j < nc; j++) {
		const float *column = b + j * ldb;
		for (long p = 0; p < kc; p++) {
			dst[p * NR + j] = column[p];
		}
	}
}

// store_row writes one row of a tile to c: c = acc when beta is 0, so old
// NaNs vanish, c += acc when beta is 1, and c = beta·c + acc otherwise.
// Unless full is set, only the lanes in mask_lo and mask_hi are touched.
TARGET_AVX2 static inline __attribute__((always_inline)) void store_row(
		float *c, __m256 lo, __m256 hi, int full, __m256i mask_lo,
		__m256i mask_hi, float beta) {
	if (beta != 0) {
		__m256 old_lo = full ? _mm256_loadu_ps(c) : _mm256_maskload_ps(c, mask_lo);
		__m256 old_hi = full ? _mm256_loadu_ps(c + 8) : _mm256_maskload_ps(c + 8, mask_hi);
		if (beta == 1) {
			lo = _mm256_add_ps(old_lo, lo);
			hi = _mm256_add_ps(old_hi, hi);
		} else {
			__m256 vbeta = _mm256_set1_ps(beta);
			lo = _mm256_fmadd_ps(vbeta, old_lo, lo);
			hi = _mm256_fmadd_ps(vbeta, old_hi, hi);
		}
	}
	if (full) {
		_mm256_storeu_ps(c, lo);
		_mm256_storeu_ps(c + 8, hi);
	} else {
		_mm256_maskstore_ps(c, mask_lo, lo);
		_mm256_maskstore_ps(c + 8, mask_hi, hi);
	}
}

// kernel_6x16 computes the top-left mr×nr corner of the MR×NR tile
// c = beta·c + Ap·Bp, where Ap is a packed A panel (kc×MR) and Bp is kc
// rows of NR floats, ldb apart. The twelve accumulators stay in registers
// for the whole sum over k, and masked stores keep the corner's edges.
TARGET_AVX2 static void kernel_6x16(long kc, const float *a, const float *b,
		long ldb, float *c, long ldc, float beta, long mr, long nr) {
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

	int full = nr == NR;
	__m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m256i mask_lo = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr), lanes);
	__m256i mask_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)nr - 8), lanes);
	store_row(c + 0 * ldc, c0l, c0h, full, mask_lo, mask_hi, beta);
	if (mr > 1) store_row(c + 1 * ldc, c1l, c1h, full, mask_lo, mask_hi, beta);
	if (mr > 2) store_row(c + 2 * ldc, c2l, c2h, full, mask_lo, mask_hi, beta);
	if (mr > 3) store_row(c + 3 * ldc, c3l, c3h, full, mask_lo, mask_hi, beta);
	if (mr > 4) store_row(c + 4 * ldc, c4l, c4h, full, mask_lo, mask_hi, beta);
	if (mr > 5) store_row(c + 5 * ldc, c5l, c5h, full, mask_lo, mask_hi, beta);
}

// macro_block multiplies the packed mc×kc block of A by every NR-column
// panel of the kc×n block of op(B) that starts at b, into the mc×n block
// of C that starts at c.
TARGET_AVX2 static void macro_block(int trans_b, long mc, long n, long kc,
		const float *b, long ldb, float beta, float *c, long ldc) {
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
			kernel_6x16(kc, packed_a + i0 * kc, panel, panel_ld,
				c + i0 * ldc + j0, ldc, beta, mr, nr);
		}
	}
}

// Dot-product path for op(A)·op(B) with A untransposed and B transposed:
// both operands are then contiguous along k, so tiles of C are computed as
// dot products of rows of A and rows of the stored B without any packing.
// Each lane of an accumulator sums every eighth step of k, and the eight
// lanes are added at the end, so this path rounds differently from the
// packed one, but always the same way for the same shapes.

enum {
	DOT_MR = 3,   // rows of A per tile
	DOT_NR = 4,   // rows of the stored B (columns of C) per tile
	DOT_KC = 512, // steps of k per block, so a tile's rows stay in L1
};

// sum4x8 returns the four horizontal sums of x0 … x3.
TARGET_AVX2 static inline __attribute__((always_inline)) __m128 sum4x8(
		__m256 x0, __m256 x1, __m256 x2, __m256 x3) {
	__m256 h = _mm256_hadd_ps(_mm256_hadd_ps(x0, x1), _mm256_hadd_ps(x2, x3));
	return _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
}

// store_dot_row writes four sums to c with the beta rule of store_row,
// touching only the lanes in mask unless full is set.
TARGET_AVX2 static inline __attribute__((always_inline)) void store_dot_row(
		float *c, __m128 sums, int full, __m128i mask, float beta) {
	if (beta != 0) {
		__m128 old = full ? _mm_loadu_ps(c) : _mm_maskload_ps(c, mask);
		sums = beta == 1 ? _mm_add_ps(old, sums)
		                 : _mm_fmadd_ps(_mm_set1_ps(beta), old, sums);
	}
	if (full) {
		_mm_storeu_ps(c, sums);
	} else {
		_mm_maskstore_ps(c, mask, sums);
	}
}

// dot_tile computes the top-left mr×nr corner of the 3×4 tile
// c = beta·c + A·Bᵀ over kc steps, where a and b point at the tile's first
// rows. Rows past mr or nr repeat the last valid row and are not stored.
TARGET_AVX2 static void dot_tile(long kc, const float *a, long lda,
		const float *b, long ldb, float *c, long ldc, float beta, long mr,
		long nr) {
	const float *a0 = a, *a1 = a + (mr > 1) * lda, *a2 = a + (mr > 2 ? 2 : mr - 1) * lda;
	const float *b0 = b, *b1 = b + (nr > 1) * ldb;
	const float *b2 = b + (nr > 2 ? 2 : nr - 1) * ldb;
	const float *b3 = b + (nr > 3 ? 3 : nr - 1) * ldb;
	__m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
	__m256 c02 = _mm256_setzero_ps(), c03 = _mm256_setzero_ps();
	__m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
	__m256 c12 = _mm256_setzero_ps(), c13 = _mm256_setzero_ps();
	__m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
	__m256 c22 = _mm256_setzero_ps(), c23 = _mm256_setzero_ps();

#define DOT_STEP(LOAD)                                                     \
	do {                                                                   \
		__m256 v0 = LOAD(b0 + p), v1 = LOAD(b1 + p);                       \
		__m256 v2 = LOAD(b2 + p), v3 = LOAD(b3 + p);                       \
		__m256 u = LOAD(a0 + p);                                           \
		c00 = _mm256_fmadd_ps(u, v0, c00);                                 \
		c01 = _mm256_fmadd_ps(u, v1, c01);                                 \
		c02 = _mm256_fmadd_ps(u, v2, c02);                                 \
		c03 = _mm256_fmadd_ps(u, v3, c03);                                 \
		u = LOAD(a1 + p);                                                  \
		c10 = _mm256_fmadd_ps(u, v0, c10);                                 \
		c11 = _mm256_fmadd_ps(u, v1, c11);                                 \
		c12 = _mm256_fmadd_ps(u, v2, c12);                                 \
		c13 = _mm256_fmadd_ps(u, v3, c13);                                 \
		u = LOAD(a2 + p);                                                  \
		c20 = _mm256_fmadd_ps(u, v0, c20);                                 \
		c21 = _mm256_fmadd_ps(u, v1, c21);                                 \
		c22 = _mm256_fmadd_ps(u, v2, c22);                                 \
		c23 = _mm256_fmadd_ps(u, v3, c23);                                 \
	} while (0)

	long p = 0;
	for (; p + 8 <= kc; p += 8) {
		DOT_STEP(_mm256_loadu_ps);
	}
	if (p < kc) {
		// The last kc mod 8 steps load with a mask, reading zeros past kc.
		__m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(kc - p)),
			_mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#define MASKED_LOAD(ptr) _mm256_maskload_ps((ptr), mask)
		DOT_STEP(MASKED_LOAD);
#undef MASKED_LOAD
	}
#undef DOT_STEP

	int full = nr == DOT_NR;
	__m128i mask = _mm_cmpgt_epi32(_mm_set1_epi32((int)nr), _mm_setr_epi32(0, 1, 2, 3));
	store_dot_row(c, sum4x8(c00, c01, c02, c03), full, mask, beta);
	if (mr > 1) store_dot_row(c + ldc, sum4x8(c10, c11, c12, c13), full, mask, beta);
	if (mr > 2) store_dot_row(c + 2 * ldc, sum4x8(c20, c21, c22, c23), full, mask, beta);
}

// sgemm_dot_nt computes C = beta·C + A·Bᵀ for an m×k A and an n×k B by
// dot_tile, block by block of k. Like sgemm_avx2, only the first block of
// k scales C by beta.
TARGET_AVX2 static void sgemm_dot_nt(long m, long n, long k, const float *a,
		long lda, const float *b, long ldb, float beta, float *c, long ldc) {
	for (long p0 = 0; p0 < k; p0 += DOT_KC) {
		long kc = min_long(DOT_KC, k - p0);
		float block_beta = p0 == 0 ? beta : 1;
		for (long j0 = 0; j0 < n; j0 += DOT_NR) {
			long nr = min_long(DOT_NR, n - j0);
			for (long i0 = 0; i0 < m; i0 += DOT_MR) {
				long mr = min_long(DOT_MR, m - i0);
				dot_tile(kc, a + i0 * lda + p0, lda, b + j0 * ldb + p0, ldb,
					c + i0 * ldc + j0, ldc, block_beta, mr, nr);
			}
		}
	}
}

// use_dot_nt reports whether sgemm_dot_nt should compute a product rather
// than the packed kernel. Packing B pays off only over many rows of A. In
// BenchmarkSgemm on a 2-core AMD EPYC (Zen 4) the dot path ran LeNet-5's
// fc forward and conv1 dW shapes 1.3 to 2.6 times as fast, and the
// 256×256×256 NT product about 15% slower.
static int use_dot_nt(int trans_a, int trans_b, long m, long n) {
	return !trans_a && trans_b && (m < 128 || n < 32);
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
	if (use_dot_nt(trans_a, trans_b, m, n)) {
		sgemm_dot_nt(m, n, k, a, lda, b, ldb, beta, c, ldc);
		return 0;
	}
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
