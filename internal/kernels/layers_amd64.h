// Declarations shared by layers_cgo_amd64.go and layers_amd64.c.

void layers_im2col(float *cols, long ld, const float *img, long c, long h, long w,
	long k, long pad);
void layers_col2im(float *img, const float *cols, long ld, long c, long h, long w,
	long k, long pad);
void layers_unchunk_bias(float *y, const float *prod, const float *bias, long b, long f,
	long p);
void layers_chunk(float *dst, const float *x, long b, long f, long p);
void layers_relu(float *y, const float *x, long n);
void layers_relu_grad(float *dx, const float *dy, const float *y, long n);
void layers_avg_pool2(float *y, const float *x, long planes, long h, long w);
void layers_avg_pool2_grad(float *dx, const float *dy, long planes, long h, long w);
void layers_conv_single(float *y, const float *x, const float *weight, const float *bias,
	long f, long h, long w, long k);
void layers_conv_single_grad(float *dw, float *db, const float *dy, const float *x, long f,
	long h, long w, long k);
void layers_row_sums(float *dst, const float *src, long rows, long cols);
