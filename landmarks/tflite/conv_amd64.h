// Convolution products with AVX2/FMA for the conv2D kernel.
#ifndef LANDMARKS_TFLITE_CONV_AMD64_H
#define LANDMARKS_TFLITE_CONV_AMD64_H

// gemm_blocks_avx2 computes c[i, j] = bias[j] + Σ_p a[i, p]·w[p, j] for
// i < m and the columns j < n of blocks [first_block, end_block), summing
// p in order with one FMA each. a is m×k with rows lda apart and c is m×n
// with rows ldc apart. Block b holds columns [b·block, (b+1)·block), with
// block 8, 16 or 24: its weights are k×block at w + b·k·block and its bias
// is at bias + b·block, with zeros in the columns past n.
void gemm_blocks_avx2(long m, long n, long k, const float *a, long lda,
                      const float *w, const float *bias, float *c, long ldc,
                      long block, long first_block, long end_block);

// conv_geometry is a convolution window over one NHWC image.
struct conv_geometry {
	long in_h, in_w, in_c, out_h, out_w, out_c;
	long k_h, k_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
};

// dot_conv_avx2 computes output rows [oy_begin, oy_end) of a convolution
// of one image with in_c a multiple of 8, as a dot product of each window
// with the filter of each output channel: out[oy, ox, j] = bias[j] + the
// sum over window positions inside the input of in[iy, ix, :]·w[j, ky, kx, :].
// Each sum runs in eight lanes, which are then added.
// The geometry comes as separate arguments, so that Go passes no pointer
// to its own memory besides the tensors.
void dot_conv_avx2(const float *in, const float *w, const float *bias, float *out,
                   long in_h, long in_w, long in_c, long out_h, long out_w, long out_c,
                   long k_h, long k_w, long stride_h, long stride_w,
                   long dilation_h, long dilation_w, long pad_top, long pad_left,
                   long oy_begin, long oy_end);

#endif
