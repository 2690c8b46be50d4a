// Bilinear resizing with AVX2/FMA for the resizeBilinear kernel.
#ifndef LANDMARKS_TFLITE_RESIZE_AMD64_H
#define LANDMARKS_TFLITE_RESIZE_AMD64_H

// resize_bilinear_avx2 computes output rows [y_begin, y_end) of one NHWC
// image. Output row y blends input rows row_lo[y] and row_hi[y] with
// weight row_frac[y] on the second, and output column x likewise blends
// columns col_lo[x] and col_hi[x]; each image row is in_w·channels values.
void resize_bilinear_avx2(const float *in, float *out, long in_w, long out_w,
                          long channels, const int *row_lo, const int *row_hi,
                          const float *row_frac, const int *col_lo, const int *col_hi,
                          const float *col_frac, long y_begin, long y_end);

#endif
