package models

import (
	"fmt"

	"pipeline/internal/kernels"
)

// Shapes in this file: N batch, C input channels, F output channels
// (filters), H×W input, OH×OW output, K×K kernel, B items in a chunk.
//
// A convolution with several input channels unfolds (im2col) a chunk of B
// images into a matrix of [C·K·K, B·OH·OW], so that one matrix product per
// chunk does the work. One with a single input channel (the first layer of
// an image model) would repeat every pixel K² times in that matrix, so its
// forward pass and weight gradient read the image directly instead.

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
	padded     []float32 // one zero-padded input image of a direct convolution
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

// direct reports whether the layer convolves images directly instead of
// unfolding them.
func (l *Conv2d) direct() bool { return l.in == 1 }

// Forward: x [N, C, H, W] → y [N, F, OH, OW].
func (l *Conv2d) Forward(x *Tensor, train bool) *Tensor {
	n := x.Shape[0]
	oh, ow := l.prepare(x)
	l.x = x
	l.y = ensure(l.y, n, l.out, oh, ow)
	if l.direct() {
		l.colsValid = false
		forChunks(n, func(worker, _, lo, hi int) {
			for i := lo; i < hi; i++ {
				img, h, w := l.paddedImage(worker, x, i)
				kernels.ConvSingleChannel(l.y.Sample(i), img, l.weight.Value.Data,
					l.bias.Value.Data, l.out, h, w, l.kernel)
			}
		})
		return l.y
	}
	// A training pass keeps the unfolded input for the weight gradient.
	l.colsValid = train
	if train {
		l.growChunkCols(chunkCount(n), l.fanIn()*chunkSize*oh*ow)
	}
	forChunks(n, func(worker, chunk, lo, hi int) {
		s := &l.scratch[worker]
		cols := s.cols
		if train {
			cols = l.chunkCols[chunk]
		}
		l.forwardChunk(s, cols, lo, hi, oh*ow)
	})
	return l.y
}

// forwardChunk computes images lo..hi of the output by one matrix product:
// y [F, B·OH·OW] = W [F, C·K·K] · cols [C·K·K, B·OH·OW], plus the bias.
func (l *Conv2d) forwardChunk(s *convScratch, cols []float32, lo, hi, plane int) {
	width := (hi - lo) * plane
	l.unfold(cols, l.x, lo, hi)
	kernels.Sgemm(false, false, l.out, width, l.fanIn(),
		l.weight.Value.Data, l.fanIn(), cols, width, 0, s.prod, width)
	kernels.UnchunkBias(l.y.Data[lo*l.out*plane:hi*l.out*plane], s.prod,
		l.bias.Value.Data, hi-lo, l.out, plane)
}

// paddedImage returns image i of x [N, 1, H, W] with the layer's zero
// padding and its padded size.
func (l *Conv2d) paddedImage(worker int, x *Tensor, i int) (img []float32, h, w int) {
	h, w = x.Shape[2], x.Shape[3]
	if l.pad == 0 {
		return x.Sample(i), h, w
	}
	p := l.pad
	ph, pw := h+2*p, w+2*p
	s := &l.scratch[worker]
	if len(s.padded) < ph*pw {
		s.padded = make([]float32, ph*pw)
	}
	img = s.padded[:ph*pw]
	clear(img)
	src := x.Sample(i)
	for y := range h {
		copy(img[(y+p)*pw+p:][:w], src[y*w:][:w])
	}
	return img, ph, pw
}

// Backward: dy [N, F, OH, OW] → dx [N, C, H, W].
func (l *Conv2d) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	n := l.x.Shape[0]
	oh, ow := l.prepare(l.x)
	if mode.InputGrad {
		l.dx = ensure(l.dx, l.x.Shape...)
	}
	chunks := chunkCount(n)
	if mode.ParamGrads {
		l.growChunkGrads(chunks)
	}
	forChunks(n, func(worker, chunk, lo, hi int) {
		s := &l.scratch[worker]
		width := (hi - lo) * oh * ow
		dyChunk := s.prod[:l.out*width] // [F, B·OH·OW]
		if !l.direct() || mode.InputGrad {
			kernels.Chunk(dyChunk, dy.Data[lo*l.out*oh*ow:hi*l.out*oh*ow], hi-lo, l.out, oh*ow)
		}
		if mode.ParamGrads && l.direct() {
			l.directParamGrads(worker, l.chunkDW[chunk], dy, lo, hi)
		} else if mode.ParamGrads {
			l.paramGradsChunk(s, chunk, dyChunk, lo, hi)
		}
		if mode.InputGrad {
			kernels.Sgemm(true, false, l.fanIn(), width, l.out, l.weight.Value.Data, l.fanIn(),
				dyChunk, width, 0, s.cols, width) // [CKK, B·OH·OW]
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

// paramGradsChunk writes the weight and bias gradients of images lo..hi
// to the chunk's partial sums: dW [F, C·K·K] = dy [F, B·OH·OW] · colsᵀ.
func (l *Conv2d) paramGradsChunk(s *convScratch, chunk int, dyChunk []float32, lo, hi int) {
	fan, width := l.fanIn(), len(dyChunk)/l.out
	grad := l.chunkDW[chunk]
	unfolded := s.cols
	if l.colsValid {
		unfolded = l.chunkCols[chunk]
	} else {
		l.unfold(unfolded, l.x, lo, hi)
	}
	kernels.Sgemm(false, true, l.out, fan, width, dyChunk, width, unfolded, width,
		0, grad[:l.out*fan], fan)
	kernels.RowSums(grad[l.out*fan:], dyChunk, l.out, width)
}

// directParamGrads writes the weight and bias gradients of images lo..hi of
// a single-channel convolution to grad, adding the images in order.
func (l *Conv2d) directParamGrads(worker int, grad []float32, dy *Tensor, lo, hi int) {
	clear(grad)
	dw, db := grad[:l.weight.Value.Len()], grad[l.weight.Value.Len():]
	for i := lo; i < hi; i++ {
		img, h, w := l.paddedImage(worker, l.x, i)
		kernels.ConvSingleChannelGrad(dw, db, dy.Sample(i), img, l.out, h, w, l.kernel)
	}
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
