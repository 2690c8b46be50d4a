// Package kernels holds the dense float32 loops that the CNN engine spends
// its time in: matrix multiplication in row-major order.
//
// On amd64 with cgo, Sgemm runs a packed, register-blocked AVX2/FMA C
// kernel in one cgo call, and elsewhere a pure-Go loop. BenchmarkSgemm
// reports its GFLOP/s on the LeNet-5 training shapes.
package kernels
