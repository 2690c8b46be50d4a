//go:build cgo && amd64

// AVX2 versions of the layer loops in layers.go. Shapes as there: B images,
// C channels, F filters, H×W input plane, OH×OW output plane, K×K kernel,
// P = OH·OW. The Go wrappers have checked every length.

#include <immintrin.h>
#include <string.h>

#include "layers_amd64.h"

#define TARGET_AVX2 __attribute__((target("avx2,fma")))

static long max_long(long x, long y) { return x > y ? x : y; }
static long min_long(long x, long y) { return x < y ? x : y; }

// copy_floats and add_floats work on the short rows of a convolution
// (often 8 or 24 floats), where a call to memcpy or GCC's vectorized loop
// with its alias checks costs more than the copy.
TARGET_AVX2 static inline void copy_floats(float *dst, const float *src, long n) {
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(dst + i, _mm256_loadu_ps(src + i));
	}
	for (; i < n; i++) {
		dst[i] = src[i];
	}
}

TARGET_AVX2 static inline void add_floats(float *dst, const float *src, long n) {
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_loadu_ps(dst + i),
			_mm256_loadu_ps(src + i)));
	}
	for (; i < n; i++) {
		dst[i] += src[i];
	}
}

TARGET_AVX2 static inline void zero_floats(float *dst, long n) {
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		_mm256_storeu_ps(dst + i, _mm256_setzero_ps());
	}
	for (; i < n; i++) {
		dst[i] = 0;
	}
}

// im2col_valid is layers_im2col without padding, where every row of the
// output is one plain copy.
TARGET_AVX2 static void im2col_valid(float *cols, long ld, const float *img, long c,
		long h, long w, long k) {
	long oh = h - k + 1, ow = w - k + 1;
	for (long ch = 0; ch < c; ch++) {
		for (long ky = 0; ky < k; ky++) {
			for (long kx = 0; kx < k; kx++) {
				float *row = cols + ((ch * k + ky) * k + kx) * ld;
				const float *src = img + (ch * h + ky) * w + kx;
				for (long oy = 0; oy < oh; oy++) {
					copy_floats(row + oy * ow, src + oy * w, ow);
				}
			}
		}
	}
}

TARGET_AVX2 void layers_im2col(float *cols, long ld, const float *img, long c,
		long h, long w, long k, long pad) {
	if (pad == 0) {
		im2col_valid(cols, ld, img, c, h, w, k);
		return;
	}
	long oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
	for (long ch = 0; ch < c; ch++) {
		const float *plane = img + ch * h * w;
		for (long ky = 0; ky < k; ky++) {
			for (long kx = 0; kx < k; kx++) {
				float *row = cols + ((ch * k + ky) * k + kx) * ld;
				long dy = ky - pad, dx = kx - pad;
				// Output columns [lo, hi) read input columns inside the image.
				long lo = max_long(0, -dx), hi = max_long(lo, min_long(ow, w - dx));
				for (long oy = 0; oy < oh; oy++) {
					float *out = row + oy * ow;
					long iy = oy + dy;
					if (iy < 0 || iy >= h) {
						zero_floats(out, ow);
						continue;
					}
					zero_floats(out, lo);
					copy_floats(out + lo, plane + iy * w + lo + dx, hi - lo);
					zero_floats(out + hi, ow - hi);
				}
			}
		}
	}
}

TARGET_AVX2 void layers_col2im(float *img, const float *cols, long ld, long c,
		long h, long w, long k, long pad) {
	long oh = h + 2 * pad - k + 1, ow = w + 2 * pad - k + 1;
	memset(img, 0, sizeof(float) * c * h * w);
	for (long ch = 0; ch < c; ch++) {
		float *plane = img + ch * h * w;
		for (long ky = 0; ky < k; ky++) {
			for (long kx = 0; kx < k; kx++) {
				const float *row = cols + ((ch * k + ky) * k + kx) * ld;
				long dy = ky - pad, dx = kx - pad;
				long lo = max_long(0, -dx), hi = max_long(lo, min_long(ow, w - dx));
				long oy0 = max_long(0, -dy), oy1 = min_long(oh, h - dy);
				for (long oy = oy0; oy < oy1; oy++) {
					add_floats(plane + (oy + dy) * w + lo + dx, row + oy * ow + lo, hi - lo);
				}
			}
		}
	}
}

TARGET_AVX2 void layers_unchunk_bias(float *y, const float *prod, const float *bias,
		long b, long f, long p) {
	for (long i = 0; i < b; i++) {
		for (long j = 0; j < f; j++) {
			const float *src = prod + (j * b + i) * p;
			float *dst = y + (i * f + j) * p;
			float v = bias[j];
			for (long q = 0; q < p; q++) {
				dst[q] = src[q] + v;
			}
		}
	}
}

TARGET_AVX2 void layers_chunk(float *dst, const float *x, long b, long f, long p) {
	for (long i = 0; i < b; i++) {
		for (long j = 0; j < f; j++) {
			copy_floats(dst + (j * b + i) * p, x + (i * f + j) * p, p);
		}
	}
}

// layers_relu keeps NaNs: vmaxps returns its second operand when either is
// NaN.
TARGET_AVX2 void layers_relu(float *y, const float *x, long n) {
	__m256 zero = _mm256_setzero_ps();
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256 v = _mm256_loadu_ps(x + i);
		__m256 r = _mm256_max_ps(zero, v);
		// Turn −0 into +0 as the Go loop does: −0 is not above 0.
		r = _mm256_and_ps(r, _mm256_cmp_ps(v, zero, _CMP_NEQ_UQ));
		_mm256_storeu_ps(y + i, r);
	}
	for (; i < n; i++) {
		float v = x[i];
		y[i] = (v > 0 || v != v) ? v : 0;
	}
}

TARGET_AVX2 void layers_relu_grad(float *dx, const float *dy, const float *y, long n) {
	__m256 zero = _mm256_setzero_ps();
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256 mask = _mm256_cmp_ps(_mm256_loadu_ps(y + i), zero, _CMP_GT_OQ);
		_mm256_storeu_ps(dx + i, _mm256_and_ps(mask, _mm256_loadu_ps(dy + i)));
	}
	for (; i < n; i++) {
		dx[i] = y[i] > 0 ? dy[i] : 0;
	}
}

// avg_pool2_row pools one pair of input rows into ow outputs. The sums run
// in the same order as the Go loop, (top + bottom) of the left column plus
// that of the right one, so both give the same bits.
TARGET_AVX2 static void avg_pool2_row(float *out, const float *top, const float *bottom,
		long ow) {
	__m256 quarter = _mm256_set1_ps(0.25f);
	long ox = 0;
	for (; ox + 8 <= ow; ox += 8) {
		__m256 left = _mm256_add_ps(_mm256_loadu_ps(top + 2 * ox),
			_mm256_loadu_ps(bottom + 2 * ox));
		__m256 right = _mm256_add_ps(_mm256_loadu_ps(top + 2 * ox + 8),
			_mm256_loadu_ps(bottom + 2 * ox + 8));
		// hadd pairs within 128-bit lanes; the permute puts them in order.
		__m256 pairs = _mm256_castpd_ps(_mm256_permute4x64_pd(
			_mm256_castps_pd(_mm256_hadd_ps(left, right)), 0xD8));
		_mm256_storeu_ps(out + ox, _mm256_mul_ps(pairs, quarter));
	}
	if (ox + 4 <= ow) {
		__m256 sums = _mm256_add_ps(_mm256_loadu_ps(top + 2 * ox),
			_mm256_loadu_ps(bottom + 2 * ox));
		__m256d pairs = _mm256_permute4x64_pd(
			_mm256_castps_pd(_mm256_hadd_ps(sums, sums)), 0x08);
		__m128 low = _mm256_castps256_ps128(_mm256_castpd_ps(pairs));
		_mm_storeu_ps(out + ox, _mm_mul_ps(low, _mm256_castps256_ps128(quarter)));
		ox += 4;
	}
	for (; ox < ow; ox++) {
		float sum = (top[2 * ox] + bottom[2 * ox]) + (top[2 * ox + 1] + bottom[2 * ox + 1]);
		out[ox] = sum * 0.25f;
	}
}

TARGET_AVX2 void layers_avg_pool2(float *y, const float *x, long planes, long h, long w) {
	long oh = h / 2, ow = w / 2;
	for (long plane = 0; plane < planes; plane++) {
		const float *in = x + plane * h * w;
		float *out = y + plane * oh * ow;
		for (long oy = 0; oy < oh; oy++) {
			avg_pool2_row(out + oy * ow, in + 2 * oy * w, in + (2 * oy + 1) * w, ow);
		}
	}
}

// avg_pool2_grad_row writes g/4 for each of ow gradients g to two columns
// of the rows top and bottom.
TARGET_AVX2 static void avg_pool2_grad_row(float *top, float *bottom, const float *dout,
		long ow) {
	__m256 quarter = _mm256_set1_ps(0.25f);
	long ox = 0;
	for (; ox + 8 <= ow; ox += 8) {
		__m256 g = _mm256_mul_ps(_mm256_loadu_ps(dout + ox), quarter);
		__m256 lo = _mm256_unpacklo_ps(g, g); // g0 g0 g1 g1 | g4 g4 g5 g5
		__m256 hi = _mm256_unpackhi_ps(g, g); // g2 g2 g3 g3 | g6 g6 g7 g7
		__m256 first = _mm256_permute2f128_ps(lo, hi, 0x20);
		__m256 second = _mm256_permute2f128_ps(lo, hi, 0x31);
		_mm256_storeu_ps(top + 2 * ox, first);
		_mm256_storeu_ps(top + 2 * ox + 8, second);
		_mm256_storeu_ps(bottom + 2 * ox, first);
		_mm256_storeu_ps(bottom + 2 * ox + 8, second);
	}
	if (ox + 4 <= ow) {
		__m128 g = _mm_mul_ps(_mm_loadu_ps(dout + ox), _mm256_castps256_ps128(quarter));
		__m128 lo = _mm_unpacklo_ps(g, g), hi = _mm_unpackhi_ps(g, g);
		_mm_storeu_ps(top + 2 * ox, lo);
		_mm_storeu_ps(top + 2 * ox + 4, hi);
		_mm_storeu_ps(bottom + 2 * ox, lo);
		_mm_storeu_ps(bottom + 2 * ox + 4, hi);
		ox += 4;
	}
	for (; ox < ow; ox++) {
		float g = dout[ox] * 0.25f;
		top[2 * ox] = top[2 * ox + 1] = g;
		bottom[2 * ox] = bottom[2 * ox + 1] = g;
	}
}

TARGET_AVX2 void layers_avg_pool2_grad(float *dx, const float *dy, long planes, long h,
		long w) {
	long oh = h / 2, ow = w / 2;
	for (long plane = 0; plane < planes; plane++) {
		float *din = dx + plane * h * w;
		const float *dout = dy + plane * oh * ow;
		for (long oy = 0; oy < oh; oy++) {
			float *top = din + 2 * oy * w, *bottom = top + w;
			avg_pool2_grad_row(top, bottom, dout + oy * ow, ow);
			// An odd width leaves one column that no output covers.
			for (long ix = 2 * ow; ix < w; ix++) {
				top[ix] = bottom[ix] = 0;
			}
		}
		if (h > 2 * oh) {
			memset(din + 2 * oh * w, 0, sizeof(float) * w);
		}
	}
}

// tail_mask returns a mask of the first n lanes, 0 ≤ n ≤ 8.
TARGET_AVX2 static inline __m256i tail_mask(long n) {
	__m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lanes);
}

#define INLINE static inline __attribute__((always_inline))

// conv_blocks computes nb full 8-wide blocks of one output row of nf
// filters (weight and out point at the first): bias plus the sum over the
// k×k taps of the weight times the image shifted by the tap. nf and nb are
// constants in every call, so the nf·nb accumulators stay in registers and
// hide the latency of the fused multiply-adds. Masked loads are slow on AMD
// cores, so only the tail of a row uses them (conv_tail).
TARGET_AVX2 INLINE void conv_blocks(float *out, long out_stride, const float *x, long xw,
		long k, const float *weight, const float *bias, const int nf, const int nb) {
	// Named accumulators instead of an array: GCC stores an array of them
	// back to the stack on every step.
	__m256 a00, a01, a02, a10, a11, a12, a20, a21, a22;
	a00 = a01 = a02 = _mm256_set1_ps(bias[0]);
	a10 = a11 = a12 = _mm256_set1_ps(nf > 1 ? bias[1] : 0);
	a20 = a21 = a22 = _mm256_set1_ps(nf > 2 ? bias[2] : 0);
	long kk = k * k;
	for (long ky = 0; ky < k; ky++) {
		for (long kx = 0; kx < k; kx++) {
			const float *p = x + ky * xw + kx;
			const float *wp = weight + ky * k + kx;
			__m256 x0 = _mm256_loadu_ps(p);
			__m256 x1 = nb > 1 ? _mm256_loadu_ps(p + 8) : x0;
			__m256 x2 = nb > 2 ? _mm256_loadu_ps(p + 16) : x0;
			__m256 w0 = _mm256_broadcast_ss(wp);
			a00 = _mm256_fmadd_ps(w0, x0, a00);
			if (nb > 1) a01 = _mm256_fmadd_ps(w0, x1, a01);
			if (nb > 2) a02 = _mm256_fmadd_ps(w0, x2, a02);
			if (nf > 1) {
				__m256 w1 = _mm256_broadcast_ss(wp + kk);
				a10 = _mm256_fmadd_ps(w1, x0, a10);
				if (nb > 1) a11 = _mm256_fmadd_ps(w1, x1, a11);
				if (nb > 2) a12 = _mm256_fmadd_ps(w1, x2, a12);
			}
			if (nf > 2) {
				__m256 w2 = _mm256_broadcast_ss(wp + 2 * kk);
				a20 = _mm256_fmadd_ps(w2, x0, a20);
				if (nb > 1) a21 = _mm256_fmadd_ps(w2, x1, a21);
				if (nb > 2) a22 = _mm256_fmadd_ps(w2, x2, a22);
			}
		}
	}
	_mm256_storeu_ps(out, a00);
	if (nb > 1) _mm256_storeu_ps(out + 8, a01);
	if (nb > 2) _mm256_storeu_ps(out + 16, a02);
	if (nf > 1) {
		float *row = out + out_stride;
		_mm256_storeu_ps(row, a10);
		if (nb > 1) _mm256_storeu_ps(row + 8, a11);
		if (nb > 2) _mm256_storeu_ps(row + 16, a12);
	}
	if (nf > 2) {
		float *row = out + 2 * out_stride;
		_mm256_storeu_ps(row, a20);
		if (nb > 1) _mm256_storeu_ps(row + 8, a21);
		if (nb > 2) _mm256_storeu_ps(row + 16, a22);
	}
}

// conv_filters_blocks runs conv_blocks with constant nf ≤ 3 and nb ≤ 3.
TARGET_AVX2 static void conv_filters_blocks(float *out, long out_stride, const float *x,
		long xw, long k, const float *weight, const float *bias, int nf, int nb) {
#define CASE(F, B) \
	case F * 4 + B: \
		conv_blocks(out, out_stride, x, xw, k, weight, bias, F, B); \
		break;
	switch (nf * 4 + nb) {
	CASE(1, 1) CASE(1, 2) CASE(1, 3)
	CASE(2, 1) CASE(2, 2) CASE(2, 3)
	CASE(3, 1) CASE(3, 2) CASE(3, 3)
	}
#undef CASE
}

// conv_tail computes the last n < 8 columns of one output row of one
// filter.
TARGET_AVX2 static void conv_tail(float *out, const float *x, long xw, long k,
		const float *weight, float bias, long n) {
	__m256i mask = tail_mask(n);
	__m256 acc = _mm256_set1_ps(bias);
	for (long ky = 0; ky < k; ky++) {
		for (long kx = 0; kx < k; kx++) {
			__m256 wv = _mm256_broadcast_ss(weight + ky * k + kx);
			acc = _mm256_fmadd_ps(wv, _mm256_maskload_ps(x + ky * xw + kx, mask), acc);
		}
	}
	_mm256_maskstore_ps(out, mask, acc);
}

// layers_conv_single walks the output in tiles of up to three filters by
// one row by up to three 8-wide blocks.
TARGET_AVX2 void layers_conv_single(float *y, const float *x, const float *weight,
		const float *bias, long f, long h, long w, long k) {
	long oh = h - k + 1, ow = w - k + 1, plane = oh * ow;
	for (long j = 0; j < f; j += 3) {
		int nf = (int)min_long(3, f - j);
		for (long oy = 0; oy < oh; oy++) {
			float *out = y + j * plane + oy * ow;
			const float *in = x + oy * w;
			long ox = 0;
			while (ow - ox >= 8) {
				int nb = (int)min_long(3, (ow - ox) / 8);
				conv_filters_blocks(out + ox, plane, in + ox, w, k, weight + j * k * k,
					bias + j, nf, nb);
				ox += 8 * nb;
			}
			for (long t = 0; t < nf && ox < ow; t++) {
				conv_tail(out + t * plane + ox, in + ox, w, k, weight + (j + t) * k * k,
					bias[j + t], ow - ox);
			}
		}
	}
}

// hsum returns the sum of the eight lanes of v.
TARGET_AVX2 static inline float hsum(__m256 v) {
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

// grad_taps adds to dw[0 .. taps) of nf filters the correlation of their
// output gradient planes dout [OH, OW] with the image x shifted right by
// 0 .. taps−1 columns. x starts at the kernel row and column of dw[0], and
// the filters are dw_stride and dout_stride apart. taps and nf are constants
// in every call, so the accumulators stay in registers, and two filters
// share each load of the image.
TARGET_AVX2 INLINE void grad_taps(float *dw, long dw_stride, const float *dout,
		long dout_stride, const float *x, long xw, long oh, long ow, const int taps,
		const int nf) {
	__m256 acc[2][8];
	for (int f = 0; f < nf; f++) {
		for (int t = 0; t < taps; t++) {
			acc[f][t] = _mm256_setzero_ps();
		}
	}
	long full = ow / 8 * 8;
	__m256i mask = tail_mask(ow - full);
	for (long oy = 0; oy < oh; oy++) {
		const float *g = dout + oy * ow, *row = x + oy * xw;
		for (long ox = 0; ox < full; ox += 8) {
			__m256 g0 = _mm256_loadu_ps(g + ox);
			__m256 g1 = nf > 1 ? _mm256_loadu_ps(g + dout_stride + ox) : g0;
			for (int t = 0; t < taps; t++) {
				__m256 xv = _mm256_loadu_ps(row + ox + t);
				// Keep xv in a register: GCC would fold the load into both
				// multiply-adds and load it twice.
				__asm__("" : "+x"(xv));
				acc[0][t] = _mm256_fmadd_ps(g0, xv, acc[0][t]);
				if (nf > 1) {
					acc[1][t] = _mm256_fmadd_ps(g1, xv, acc[1][t]);
				}
			}
		}
		if (full < ow) {
			for (int f = 0; f < nf; f++) {
				__m256 gv = _mm256_maskload_ps(g + f * dout_stride + full, mask);
				for (int t = 0; t < taps; t++) {
					__m256 xv = _mm256_maskload_ps(row + full + t, mask);
					acc[f][t] = _mm256_fmadd_ps(gv, xv, acc[f][t]);
				}
			}
		}
	}
	for (int f = 0; f < nf; f++) {
		for (int t = 0; t < taps; t++) {
			dw[f * dw_stride + t] += hsum(acc[f][t]);
		}
	}
}

// grad_row adds the gradients of one kernel row of nf filters, eight taps
// at a time, or five for two filters, which then take ten registers.
TARGET_AVX2 static void grad_row(float *dw, long dw_stride, const float *dout,
		long dout_stride, const float *x, long xw, long oh, long ow, long k, int nf) {
#define TAPS(T, F) \
	grad_taps(dw + kx, dw_stride, dout, dout_stride, x + kx, xw, oh, ow, T, F)
	long step = nf > 1 ? 5 : 8;
	for (long kx = 0; kx < k; kx += step) {
		long taps = min_long(step, k - kx);
		if (nf > 1) {
			switch (taps) {
			case 1: TAPS(1, 2); break;
			case 2: TAPS(2, 2); break;
			case 3: TAPS(3, 2); break;
			case 4: TAPS(4, 2); break;
			default: TAPS(5, 2); break;
			}
			continue;
		}
		switch (taps) {
		case 1: TAPS(1, 1); break;
		case 2: TAPS(2, 1); break;
		case 3: TAPS(3, 1); break;
		case 4: TAPS(4, 1); break;
		case 5: TAPS(5, 1); break;
		case 6: TAPS(6, 1); break;
		case 7: TAPS(7, 1); break;
		default: TAPS(8, 1); break;
		}
	}
#undef TAPS
}

TARGET_AVX2 void layers_conv_single_grad(float *dw, float *db, const float *dy,
		const float *x, long f, long h, long w, long k) {
	long oh = h - k + 1, ow = w - k + 1;
	for (long j = 0; j < f; j += 2) {
		int nf = (int)min_long(2, f - j);
		for (long ky = 0; ky < k; ky++) {
			grad_row(dw + (j * k + ky) * k, k * k, dy + j * oh * ow, oh * ow, x + ky * w, w,
				oh, ow, k, nf);
		}
	}
	for (long j = 0; j < f; j++) {
		const float *dout = dy + j * oh * ow;
		__m256 sum = _mm256_setzero_ps();
		long i = 0;
		for (; i + 8 <= oh * ow; i += 8) {
			sum = _mm256_add_ps(sum, _mm256_loadu_ps(dout + i));
		}
		float total = hsum(sum);
		for (; i < oh * ow; i++) {
			total += dout[i];
		}
		db[j] += total;
	}
}

TARGET_AVX2 void layers_row_sums(float *dst, const float *src, long rows, long cols) {
	for (long r = 0; r < rows; r++) {
		const float *row = src + r * cols;
		__m256 sum = _mm256_setzero_ps();
		long i = 0;
		for (; i + 8 <= cols; i += 8) {
			sum = _mm256_add_ps(sum, _mm256_loadu_ps(row + i));
		}
		float total = hsum(sum);
		for (; i < cols; i++) {
			total += row[i];
		}
		dst[r] = total;
	}
}
