//go:build cgo && amd64

// Bilinear resizing on AVX2/FMA CPUs: each output pixel is four input
// pixels times four weights, eight channels per vector.

#include <immintrin.h>

#include "resize_amd64.h"

__attribute__((target("avx2,fma"))) void resize_bilinear_avx2(
    const float *in, float *out, long in_w, long out_w, long channels,
    const int *row_lo, const int *row_hi, const float *row_frac, const int *col_lo,
    const int *col_hi, const float *col_frac, long y_begin, long y_end) {
	__m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(channels % 8)), lanes);
	for (long y = y_begin; y < y_end; y++) {
		const float *top = in + row_lo[y] * in_w * channels;
		const float *bottom = in + row_hi[y] * in_w * channels;
		float wy = row_frac[y];
		float *dst = out + y * out_w * channels;
		for (long x = 0; x < out_w; x++, dst += channels) {
			float wx = col_frac[x];
			__m256 w00 = _mm256_set1_ps((1 - wy) * (1 - wx));
			__m256 w10 = _mm256_set1_ps(wy * (1 - wx));
			__m256 w01 = _mm256_set1_ps((1 - wy) * wx);
			__m256 w11 = _mm256_set1_ps(wy * wx);
			const float *tl = top + col_lo[x] * channels, *tr = top + col_hi[x] * channels;
			const float *bl = bottom + col_lo[x] * channels;
			const float *br = bottom + col_hi[x] * channels;
			long c = 0;
			for (; c + 8 <= channels; c += 8) {
				__m256 v = _mm256_mul_ps(_mm256_loadu_ps(tl + c), w00);
				v = _mm256_fmadd_ps(_mm256_loadu_ps(bl + c), w10, v);
				v = _mm256_fmadd_ps(_mm256_loadu_ps(tr + c), w01, v);
				v = _mm256_fmadd_ps(_mm256_loadu_ps(br + c), w11, v);
				_mm256_storeu_ps(dst + c, v);
			}
			if (c < channels) {
				__m256 v = _mm256_mul_ps(_mm256_maskload_ps(tl + c, tail), w00);
				v = _mm256_fmadd_ps(_mm256_maskload_ps(bl + c, tail), w10, v);
				v = _mm256_fmadd_ps(_mm256_maskload_ps(tr + c, tail), w01, v);
				v = _mm256_fmadd_ps(_mm256_maskload_ps(br + c, tail), w11, v);
				_mm256_maskstore_ps(dst + c, tail, v);
			}
		}
	}
}
