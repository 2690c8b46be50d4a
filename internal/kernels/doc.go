// Package kernels holds the dense float32 loops that the CNN engine spends
// its time in: matrix multiplication in row-major order (Sgemm), and the
// convolution and pooling loops around it (im2col and col2im, layout
// conversions with the bias, ReLU and its gradient, 2×2 average pooling,
// single-channel convolution).
//
// On amd64 with cgo, each runs an AVX2/FMA C kernel in one cgo call (Sgemm
// is packed and register-blocked), and elsewhere a pure-Go loop; the
// element-wise kernels give the same bits either way. BenchmarkSgemm
// reports GFLOP/s on the LeNet-5 training shapes.
package kernels
