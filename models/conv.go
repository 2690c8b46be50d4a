package models

import (
	"fmt"

	"pipeline/internal/kernels"
)

// Shapes in this file: N batch, C input channels, F output channels
// (filters), H×W input, OH×OW output, K×K kernel, B items in a chunk.
//
// A chunk of B images is unfolded (im2col) into a matrix of
// [C·K·K, B·OH·OW] so that one matrix product per chunk does the work.

// Conv2d is a 2-D convolution with square kernels, stride 1 and zero
// padding, as PyTorch's nn.Conv2d(in, out, k, padding=p).
type Conv2d struct {
	name                 string
	in, out, kernel, pad int
	weight, bias         *Param

	x, y, dx  *Tensor
	scratch   []convScratch // per worker
	chunkDW   [][]float32   // per chunk: F·C·K·K weight gradient, then F bias
	chunkCols [][]float32   // per chunk: the unfolded input of a training pass
	colsValid bool          // chunkCols holds the unfolded input of l.x
}

type convScratch struct {
	cols, prod []float32
}

// NewConv2d returns a convolution layer with zero parameters; call
// InitParams or load weights before use.
func NewConv2d(name string, in, out, kernel, pad int) *Conv2d {
	return &Conv2d{
		name: name, in: in, out: out, kernel: kernel, pad: pad,
		weight: newParam(name+".weight", out, in, kernel, kernel),
		bias:   newParam(name+".bias", out),
	}
}

func (l *Conv2d) Name() string      { return l.name }
func (l *Conv2d) Params() []*Param  { return []*Param{l.weight, l.bias} }
func (l *Conv2d) fanIn() int        { return l.in * l.kernel * l.kernel }
func (l *Conv2d) outSize(n int) int { return n + 2*l.pad - l.kernel + 1 }

func (l *Conv2d) OutputShape(in []int) ([]int, error) {
	if len(in) != 3 || in[0] != l.in {
		return nil, fmt.Errorf("%s: input shape %v, expected [%d H W]", l.name, in, l.in)
	}
	oh, ow := l.outSize(in[1]), l.outSize(in[2])
	if oh < 1 || ow < 1 {
		return nil, fmt.Errorf("%s: input %d×%d smaller than the %d×%d kernel",
			l.name, in[1], in[2], l.kernel, l.kernel)
	}
	return []int{l.out, oh, ow}, nil
}

func (l *Conv2d) prepare(x *Tensor) (oh, ow int) {
	oh, ow = l.outSize(x.Shape[2]), l.outSize(x.Shape[3])
	if len(l.scratch) < Threads() {
		l.scratch = make([]convScratch, Threads())
	}
	rows, cols := l.fanIn(), chunkSize*oh*ow
	for i := range l.scratch {
		if len(l.scratch[i].cols) < rows*cols {
			l.scratch[i].cols = make([]float32, rows*cols)
		}
		if len(l.scratch[i].prod) < l.out*cols {
			l.scratch[i].prod = make([]float32, max(l.out, rows)*cols)
		}
	}
	return oh, ow
}

// Forward: x [N, C, H, W] → y [N, F, OH, OW].
func (l *Conv2d) Forward(x *Tensor, train bool) *Tensor {
	n := x.Shape[0]
	oh, ow := l.prepare(x)
	l.x = x
	l.y = ensure(l.y, n, l.out, oh, ow)
	plane := oh * ow
	// A training pass keeps the unfolded input for the weight gradient.
	l.colsValid = train
	if train {
		l.growChunkCols(chunkCount(n), l.fanIn()*chunkSize*plane)
	}
	forChunks(n, func(worker, chunk, lo, hi int) {
		s := &l.scratch[worker]
		b := hi - lo
		cols := s.cols
		if train {
			cols = l.chunkCols[chunk]
		}
		l.unfold(cols, x, lo, hi) // [CKK, B·OH·OW]
		kernels.Sgemm(false, false, l.out, b*plane, l.fanIn(),
			l.weight.Value.Data, l.fanIn(), cols, b*plane, 0, s.prod, b*plane)
		kernels.UnchunkBias(l.y.Data[lo*l.out*plane:hi*l.out*plane], s.prod,
			l.bias.Value.Data, b, l.out, plane)
	})
	return l.y
}

// Backward: dy [N, F, OH, OW] → dx [N, C, H, W].
func (l *Conv2d) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	x := l.x
	n := x.Shape[0]
	oh, ow := l.prepare(x)
	plane, fan := oh*ow, l.fanIn()
	if mode.InputGrad {
		l.dx = ensure(l.dx, x.Shape...)
	}
	chunks := chunkCount(n)
	if mode.ParamGrads {
		l.growChunkGrads(chunks)
	}
	forChunks(n, func(worker, chunk, lo, hi int) {
		s := &l.scratch[worker]
		b := hi - lo
		cols := b * plane
		dyChunk := s.prod[:l.out*cols] // [F, B·OH·OW]
		kernels.Chunk(dyChunk, dy.Data[lo*l.out*plane:hi*l.out*plane], b, l.out, plane)
		if mode.ParamGrads {
			grad := l.chunkDW[chunk]
			unfolded := s.cols
			if l.colsValid {
				unfolded = l.chunkCols[chunk]
			} else {
				l.unfold(unfolded, x, lo, hi)
			}
			kernels.Sgemm(false, true, l.out, fan, cols, dyChunk, cols, unfolded, cols,
				0, grad[:l.out*fan], fan)
			for f := range l.out {
				var sum float32
				for _, v := range dyChunk[f*cols : (f+1)*cols] {
					sum += v
				}
				grad[l.out*fan+f] = sum
			}
		}
		if mode.InputGrad {
			kernels.Sgemm(true, false, fan, cols, l.out, l.weight.Value.Data, fan,
				dyChunk, cols, 0, s.cols, cols) // [CKK, B·OH·OW]
			l.fold(l.dx, s.cols, lo, hi)
		}
	})
	if mode.ParamGrads {
		l.addChunkGrads(chunks)
	}
	if !mode.InputGrad {
		return nil
	}
	return l.dx
}

func (l *Conv2d) growChunkCols(chunks, size int) {
	for len(l.chunkCols) < chunks {
		l.chunkCols = append(l.chunkCols, nil)
	}
	for c := range chunks {
		if len(l.chunkCols[c]) < size {
			l.chunkCols[c] = make([]float32, size)
		}
	}
}

func (l *Conv2d) growChunkGrads(chunks int) {
	size := l.weight.Value.Len() + l.out
	for len(l.chunkDW) < chunks {
		l.chunkDW = append(l.chunkDW, make([]float32, size))
	}
}

// addChunkGrads adds the per-chunk gradients to the parameters in chunk
// order, which keeps the sums independent of the worker count.
func (l *Conv2d) addChunkGrads(chunks int) {
	dw, db := l.weight.Grad.Data, l.bias.Grad.Data
	for c := range chunks {
		grad := l.chunkDW[c]
		for i := range dw {
			dw[i] += grad[i]
		}
		for f := range db {
			db[f] += grad[len(dw)+f]
		}
	}
}

// unfold writes images lo..hi of x [N, C, H, W] into cols
// [C·K·K, B·OH·OW]: row (c, ky, kx), column (image, oy, ox) holds
// x[image, c, oy+ky-pad, ox+kx-pad], or 0 outside the image.
func (l *Conv2d) unfold(cols []float32, x *Tensor, lo, hi int) {
	h, w := x.Shape[2], x.Shape[3]
	plane := l.outSize(h) * l.outSize(w)
	width := (hi - lo) * plane
	for i := range hi - lo {
		kernels.Im2col(cols[i*plane:], width, x.Sample(lo+i), l.in, h, w, l.kernel, l.pad)
	}
}

// fold is the adjoint of unfold: it sums cols back into images lo..hi of
// dx, overwriting their old values.
func (l *Conv2d) fold(dx *Tensor, cols []float32, lo, hi int) {
	h, w := dx.Shape[2], dx.Shape[3]
	plane := l.outSize(h) * l.outSize(w)
	width := (hi - lo) * plane
	for i := range hi - lo {
		kernels.Col2im(dx.Sample(lo+i), cols[i*plane:], width, l.in, h, w, l.kernel, l.pad)
	}
}
