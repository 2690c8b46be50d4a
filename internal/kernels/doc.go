// Package kernels holds the dense float32 loops that the CNN engine spends
// its time in: matrix multiplication in row-major order.
package kernels
