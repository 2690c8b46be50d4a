//go:build cgo && amd64

// Depthwise convolution for MediaPipe's models on AVX2/FMA CPUs. For each
// output pixel, blocks of 32 channels stay in four AVX registers while the
// kernel walks the window taps, so each output value is stored once. The
// activations, ADD and MAX_POOL_2D kernels at the end are plain loops over
// vectors of 8 channels.

#include <immintrin.h>

#include "depthwise_amd64.h"

int depthwise_has_avx2_fma(void) {
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// pixel_block sums taps for channels [c, c+32) of one output pixel.
__attribute__((target("avx2,fma"))) static inline void pixel_block32(
    const float *const *src, const float *const *filter, int taps,
    const float *bias, float *out, long c) {
	__m256 a0 = _mm256_loadu_ps(bias + c);
	__m256 a1 = _mm256_loadu_ps(bias + c + 8);
	__m256 a2 = _mm256_loadu_ps(bias + c + 16);
	__m256 a3 = _mm256_loadu_ps(bias + c + 24);
	for (int t = 0; t < taps; t++) {
		const float *s = src[t] + c;
		const float *f = filter[t] + c;
		a0 = _mm256_fmadd_ps(_mm256_loadu_ps(s), _mm256_loadu_ps(f), a0);
		a1 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8), _mm256_loadu_ps(f + 8), a1);
		a2 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 16), _mm256_loadu_ps(f + 16), a2);
		a3 = _mm256_fmadd_ps(_mm256_loadu_ps(s + 24), _mm256_loadu_ps(f + 24), a3);
	}
	_mm256_storeu_ps(out + c, a0);
	_mm256_storeu_ps(out + c + 8, a1);
	_mm256_storeu_ps(out + c + 16, a2);
	_mm256_storeu_ps(out + c + 24, a3);
}

__attribute__((target("avx2,fma"))) static void pixel(
    const float *const *src, const float *const *filter, int taps,
    const float *bias, float *out, long channels) {
	long c = 0;
	for (; c + 32 <= channels; c += 32) {
		pixel_block32(src, filter, taps, bias, out, c);
	}
	for (; c + 8 <= channels; c += 8) {
		__m256 acc = _mm256_loadu_ps(bias + c);
		for (int t = 0; t < taps; t++) {
			acc = _mm256_fmadd_ps(_mm256_loadu_ps(src[t] + c),
			                      _mm256_loadu_ps(filter[t] + c), acc);
		}
		_mm256_storeu_ps(out + c, acc);
	}
	for (; c < channels; c++) {
		float acc = bias[c];
		for (int t = 0; t < taps; t++) {
			acc += src[t][c] * filter[t][c];
		}
		out[c] = acc;
	}
}

__attribute__((target("avx2,fma"))) void clamp_avx2(float *x, long n, float lo, float hi) {
	__m256 low = _mm256_set1_ps(lo);
	__m256 high = _mm256_set1_ps(hi);
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256 v = _mm256_loadu_ps(x + i);
		_mm256_storeu_ps(x + i, _mm256_min_ps(_mm256_max_ps(v, low), high));
	}
	for (; i < n; i++) {
		float v = x[i] < lo ? lo : x[i];
		x[i] = v > hi ? hi : v;
	}
}

__attribute__((target("avx2,fma"))) void prelu_avx2(float *out, const float *in,
                                                     const float *alpha, long n, long c) {
	__m256 zero = _mm256_setzero_ps();
	for (long start = 0; start < n; start += c) {
		const float *src = in + start;
		float *dst = out + start;
		long i = 0;
		for (; i + 8 <= c; i += 8) {
			__m256 v = _mm256_loadu_ps(src + i);
			__m256 negative = _mm256_mul_ps(_mm256_min_ps(v, zero), _mm256_loadu_ps(alpha + i));
			_mm256_storeu_ps(dst + i, _mm256_add_ps(_mm256_max_ps(v, zero), negative));
		}
		for (; i < c; i++) {
			float v = src[i];
			dst[i] = (v > 0 ? v : 0) + (v < 0 ? v : 0) * alpha[i];
		}
	}
}

enum { MAX_TAPS = 64, GROUP = 4 };

// edge_pixel computes output pixel (oy, ox), whose window may hang over the
// padding, from the taps that fall inside the input.
__attribute__((target("avx2,fma"))) static void edge_pixel(
    const float *in, const float *w, const float *bias, float *out,
    long in_h, long in_w, long channels, long out_w, long k_h, long k_w,
    long stride_h, long stride_w, long dilation_h, long dilation_w,
    long pad_top, long pad_left, long oy, long ox) {
	const float *src[MAX_TAPS];
	const float *filter[MAX_TAPS];
	int taps = 0;
	for (long ky = 0; ky < k_h; ky++) {
		long iy = oy * stride_h - pad_top + ky * dilation_h;
		if (iy < 0 || iy >= in_h) continue;
		for (long kx = 0; kx < k_w; kx++) {
			long ix = ox * stride_w - pad_left + kx * dilation_w;
			if (ix < 0 || ix >= in_w) continue;
			src[taps] = in + (iy * in_w + ix) * channels;
			filter[taps] = w + (ky * k_w + kx) * channels;
			taps++;
		}
	}
	pixel(src, filter, taps, bias, out + (oy * out_w + ox) * channels, channels);
}

// interior_group computes GROUP neighbouring output pixels whose windows
// lie inside the input. first points at the top-left input value of the
// first window, and offset[t] is tap t's distance from it. The pixels'
// sums are independent chains of FMAs, which hides FMA latency when a
// pixel has only one or two vectors of channels. Each value is summed in
// the same order as pixel sums it, so both paths give the same bits.
__attribute__((target("avx2,fma"))) static void interior_group(
    const float *first, long step, const long *offset, const float *w,
    int taps, const float *bias, float *out, long channels) {
	long c = 0;
	for (; c + 8 <= channels; c += 8) {
		__m256 a0 = _mm256_loadu_ps(bias + c), a1 = a0, a2 = a0, a3 = a0;
		const float *s = first + c;
		for (int t = 0; t < taps; t++) {
			__m256 f = _mm256_loadu_ps(w + t * channels + c);
			const float *tap = s + offset[t];
			a0 = _mm256_fmadd_ps(_mm256_loadu_ps(tap), f, a0);
			a1 = _mm256_fmadd_ps(_mm256_loadu_ps(tap + step), f, a1);
			a2 = _mm256_fmadd_ps(_mm256_loadu_ps(tap + 2 * step), f, a2);
			a3 = _mm256_fmadd_ps(_mm256_loadu_ps(tap + 3 * step), f, a3);
		}
		_mm256_storeu_ps(out + c, a0);
		_mm256_storeu_ps(out + channels + c, a1);
		_mm256_storeu_ps(out + 2 * channels + c, a2);
		_mm256_storeu_ps(out + 3 * channels + c, a3);
	}
	for (; c < channels; c++) {
		for (int j = 0; j < GROUP; j++) {
			float acc = bias[c];
			for (int t = 0; t < taps; t++) {
				acc += first[j * step + offset[t] + c] * w[t * channels + c];
			}
			out[j * channels + c] = acc;
		}
	}
}

__attribute__((target("avx2,fma"))) void depthwise_avx2(
    const float *in, const float *w, const float *bias, float *out,
    long in_h, long in_w, long channels, long out_h, long out_w,
    long k_h, long k_w, long stride_h, long stride_w,
    long dilation_h, long dilation_w, long pad_top, long pad_left,
    long oy_begin, long oy_end) {
	(void)out_h;
	long offset[MAX_TAPS];
	int taps = 0;
	for (long ky = 0; ky < k_h; ky++) {
		for (long kx = 0; kx < k_w; kx++) {
			offset[taps++] = (ky * dilation_h * in_w + kx * dilation_w) * channels;
		}
	}
	// Output columns [x_lo, x_hi) have windows inside the input's width.
	long x_lo = (pad_left + stride_w - 1) / stride_w;
	long x_hi = (in_w + pad_left - (k_w - 1) * dilation_w - 1) / stride_w + 1;
	if (in_w + pad_left - (k_w - 1) * dilation_w - 1 < 0) x_hi = 0;
	if (x_hi > out_w) x_hi = out_w;
	for (long oy = oy_begin; oy < oy_end; oy++) {
		long iy0 = oy * stride_h - pad_top;
		int row_inside = iy0 >= 0 && iy0 + (k_h - 1) * dilation_h < in_h;
		long ox = 0;
		if (row_inside) {
			for (; ox < x_lo && ox < out_w; ox++) {
				edge_pixel(in, w, bias, out, in_h, in_w, channels, out_w, k_h, k_w,
				           stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left, oy, ox);
			}
			for (; ox + GROUP <= x_hi; ox += GROUP) {
				const float *first = in + (iy0 * in_w + ox * stride_w - pad_left) * channels;
				interior_group(first, stride_w * channels, offset, w, taps, bias,
				               out + (oy * out_w + ox) * channels, channels);
			}
		}
		for (; ox < out_w; ox++) {
			edge_pixel(in, w, bias, out, in_h, in_w, channels, out_w, k_h, k_w,
			           stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left, oy, ox);
		}
	}
}

__attribute__((target("avx2,fma"))) void add_avx2(float *out, const float *a, const float *b,
                                                   long n, int clamp, float lo, float hi) {
	__m256 low = _mm256_set1_ps(lo);
	__m256 high = _mm256_set1_ps(hi);
	long i = 0;
	for (; i + 8 <= n; i += 8) {
		__m256 v = _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
		if (clamp) v = _mm256_min_ps(_mm256_max_ps(v, low), high);
		_mm256_storeu_ps(out + i, v);
	}
	for (; i < n; i++) {
		float v = a[i] + b[i];
		if (clamp) {
			v = v < lo ? lo : v;
			v = v > hi ? hi : v;
		}
		out[i] = v;
	}
}

__attribute__((target("avx2,fma"))) void max_pool_avx2(
    const float *in, float *out, long in_h, long in_w, long channels, long out_w,
    long k_h, long k_w, long stride_h, long stride_w, long pad_top, long pad_left,
    long oy_begin, long oy_end) {
	for (long oy = oy_begin; oy < oy_end; oy++) {
		for (long ox = 0; ox < out_w; ox++) {
			float *dst = out + (oy * out_w + ox) * channels;
			long c = 0;
			for (; c + 8 <= channels; c += 8) {
				__m256 acc = _mm256_set1_ps(-__FLT_MAX__);
				for (long ky = 0; ky < k_h; ky++) {
					long iy = oy * stride_h - pad_top + ky;
					if (iy < 0 || iy >= in_h) continue;
					for (long kx = 0; kx < k_w; kx++) {
						long ix = ox * stride_w - pad_left + kx;
						if (ix < 0 || ix >= in_w) continue;
						acc = _mm256_max_ps(acc, _mm256_loadu_ps(in + (iy * in_w + ix) * channels + c));
					}
				}
				_mm256_storeu_ps(dst + c, acc);
			}
			for (; c < channels; c++) {
				float acc = -__FLT_MAX__;
				for (long ky = 0; ky < k_h; ky++) {
					long iy = oy * stride_h - pad_top + ky;
					if (iy < 0 || iy >= in_h) continue;
					for (long kx = 0; kx < k_w; kx++) {
						long ix = ox * stride_w - pad_left + kx;
						if (ix < 0 || ix >= in_w) continue;
						float v = in[(iy * in_w + ix) * channels + c];
						acc = v > acc ? v : acc;
					}
				}
				dst[c] = acc;
			}
		}
	}
}
