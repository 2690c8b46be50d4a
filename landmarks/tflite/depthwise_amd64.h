// Depthwise convolution, pooling and element-wise kernels with AVX2/FMA.
#ifndef LANDMARKS_TFLITE_DEPTHWISE_AMD64_H
#define LANDMARKS_TFLITE_DEPTHWISE_AMD64_H

// depthwise_has_avx2_fma returns 1 when the CPU runs depthwise_avx2.
int depthwise_has_avx2_fma(void);

// depthwise_avx2 computes output rows [oy_begin, oy_end) of one image of a
// depthwise convolution with depth multiplier 1, NHWC:
// out[oy, ox, c] = bias[c] + Σ in[iy, ix, c]·w[ky, kx, c] over the window
// positions inside the input, summed in window order.
void depthwise_avx2(const float *in, const float *w, const float *bias, float *out,
                    long in_h, long in_w, long channels, long out_h, long out_w,
                    long k_h, long k_w, long stride_h, long stride_w,
                    long dilation_h, long dilation_w, long pad_top, long pad_left,
                    long oy_begin, long oy_end);

// clamp_avx2 limits each of the n values of x to [lo, hi] in place.
void clamp_avx2(float *x, long n, float lo, float hi);

// prelu_avx2 computes out[i] = max(in[i], 0) + min(in[i], 0)·alpha[i mod c]
// for n values, with n a multiple of c.
void prelu_avx2(float *out, const float *in, const float *alpha, long n, long c);

// add_avx2 computes out[i] = a[i] + b[i] for n values, limited to
// [lo, hi] when clamp is not 0.
void add_avx2(float *out, const float *a, const float *b, long n, int clamp, float lo,
              float hi);

// max_pool_avx2 computes output rows [oy_begin, oy_end) of one NHWC image
// of MAX_POOL_2D: the maximum over the window positions inside the input.
void max_pool_avx2(const float *in, float *out, long in_h, long in_w, long channels,
                   long out_w, long k_h, long k_w, long stride_h, long stride_w,
                   long pad_top, long pad_left, long oy_begin, long oy_end);

#endif
