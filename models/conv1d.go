package models

import (
	"fmt"

	"pipeline/internal/kernels"
)

// Shapes in this file: N batch, C input channels, F output channels, L
// input length, OL output length, K kernel.

// Conv1d is a 1-D convolution with stride 1 and zero padding, as PyTorch's
// nn.Conv1d(in, out, k, padding=p). Shapes: x [N, C, L] → y [N, F, OL]
// with OL = L + 2p − K + 1; weight [F, C, K]; bias [F].
type Conv1d struct {
	name                 string
	in, out, kernel, pad int
	weight, bias         *Param

	x, y, dx *Tensor
	scratch  [][]float32 // per worker: the unfolded input [C·K, OL], then its gradient
	chunkDW  [][]float32 // per chunk: F·C·K weight gradient, then F bias
}

// NewConv1d returns a 1-D convolution layer with zero parameters.
func NewConv1d(name string, in, out, kernel, pad int) *Conv1d {
	return &Conv1d{
		name: name, in: in, out: out, kernel: kernel, pad: pad,
		weight: newParam(name+".weight", out, in, kernel),
		bias:   newParam(name+".bias", out),
	}
}

func (l *Conv1d) Name() string     { return l.name }
func (l *Conv1d) Params() []*Param { return []*Param{l.weight, l.bias} }
func (l *Conv1d) fanIn() int       { return l.in * l.kernel }
func (l *Conv1d) outLen(n int) int { return n + 2*l.pad - l.kernel + 1 }

func (l *Conv1d) OutputShape(in []int) ([]int, error) {
	if len(in) != 2 || in[0] != l.in {
		return nil, fmt.Errorf("%s: input shape %v, expected [%d L]", l.name, in, l.in)
	}
	if l.outLen(in[1]) < 1 {
		return nil, fmt.Errorf("%s: input length %d shorter than the kernel %d",
			l.name, in[1], l.kernel)
	}
	return []int{l.out, l.outLen(in[1])}, nil
}

func (l *Conv1d) prepare(length int) int {
	outLen := l.outLen(length)
	if len(l.scratch) < Threads() {
		l.scratch = make([][]float32, Threads())
	}
	for i := range l.scratch {
		if len(l.scratch[i]) < l.fanIn()*outLen {
			l.scratch[i] = make([]float32, l.fanIn()*outLen)
		}
	}
	return outLen
}

// Forward: x [N, C, L] → y [N, F, OL], one matrix product per item.
func (l *Conv1d) Forward(x *Tensor, train bool) *Tensor {
	n, length := x.Shape[0], x.Shape[2]
	outLen := l.prepare(length)
	l.x = x
	l.y = ensure(l.y, n, l.out, outLen)
	forChunks(n, func(worker, _, lo, hi int) {
		cols := l.scratch[worker]
		for i := lo; i < hi; i++ {
			l.unfold(x.Sample(i), cols, length, outLen)
			out := l.y.Sample(i)
			for f := range l.out {
				row := out[f*outLen : (f+1)*outLen]
				for j := range row {
					row[j] = l.bias.Value.Data[f]
				}
			}
			kernels.Sgemm(false, false, l.out, outLen, l.fanIn(), l.weight.Value.Data,
				l.fanIn(), cols, outLen, 1, out, outLen)
		}
	})
	return l.y
}

// Backward: dy [N, F, OL] → dx [N, C, L].
func (l *Conv1d) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	x := l.x
	n, length := x.Shape[0], x.Shape[2]
	outLen := l.prepare(length)
	fan := l.fanIn()
	if mode.InputGrad {
		l.dx = ensure(l.dx, x.Shape...)
	}
	chunks := chunkCount(n)
	for len(l.chunkDW) < chunks {
		l.chunkDW = append(l.chunkDW, make([]float32, l.weight.Value.Len()+l.out))
	}
	forChunks(n, func(worker, chunk, lo, hi int) {
		cols := l.scratch[worker]
		grad := l.chunkDW[chunk]
		if mode.ParamGrads {
			clear(grad)
		}
		for i := lo; i < hi; i++ {
			g := dy.Sample(i)
			if mode.ParamGrads {
				l.unfold(x.Sample(i), cols, length, outLen)
				kernels.Sgemm(false, true, l.out, fan, outLen, g, outLen, cols, outLen,
					1, grad[:l.out*fan], fan)
				for f := range l.out {
					for _, v := range g[f*outLen : (f+1)*outLen] {
						grad[l.out*fan+f] += v
					}
				}
			}
			if mode.InputGrad {
				kernels.Sgemm(true, false, fan, outLen, l.out, l.weight.Value.Data, fan,
					g, outLen, 0, cols, outLen)
				l.fold(cols, l.dx.Sample(i), length, outLen)
			}
		}
	})
	if mode.ParamGrads {
		addChunkSums(l.weight.Grad.Data, l.bias.Grad.Data, l.chunkDW[:chunks])
	}
	if !mode.InputGrad {
		return nil
	}
	return l.dx
}

// unfold writes cols[(c·K + k)·OL + o] = x[c, o + k − pad], zero outside.
func (l *Conv1d) unfold(x, cols []float32, length, outLen int) {
	for c := range l.in {
		src := x[c*length : (c+1)*length]
		for k := range l.kernel {
			row := cols[(c*l.kernel+k)*outLen : (c*l.kernel+k+1)*outLen]
			for o := range row {
				if p := o + k - l.pad; p >= 0 && p < length {
					row[o] = src[p]
				} else {
					row[o] = 0
				}
			}
		}
	}
}

// fold is the adjoint of unfold: it sums cols into dx, overwriting it.
func (l *Conv1d) fold(cols, dx []float32, length, outLen int) {
	clear(dx[:l.in*length])
	for c := range l.in {
		dst := dx[c*length : (c+1)*length]
		for k := range l.kernel {
			row := cols[(c*l.kernel+k)*outLen : (c*l.kernel+k+1)*outLen]
			for o, v := range row {
				if p := o + k - l.pad; p >= 0 && p < length {
					dst[p] += v
				}
			}
		}
	}
}

// addChunkSums adds per-chunk gradients, each a weight gradient followed by
// a bias gradient, to dw and db in chunk order.
func addChunkSums(dw, db []float32, chunks [][]float32) {
	for _, grad := range chunks {
		for i := range dw {
			dw[i] += grad[i]
		}
		for f := range db {
			db[f] += grad[len(dw)+f]
		}
	}
}
