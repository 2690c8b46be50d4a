package models

import (
	"fmt"
	"math"

	"pipeline/internal/kernels"
)

// Pool2d is a square, non-overlapping pooling layer (kernel = stride = k,
// no padding, remainders dropped) as PyTorch's avg_pool2d(x, k) and
// max_pool2d(x, k). Shapes: x [N, C, H, W] → y [N, C, H/k, W/k].
type Pool2d struct {
	name   string
	size   int
	isMax  bool
	x      *Tensor
	y, dx  *Tensor
	argmax []int32 // max pooling: index in the input plane of each output
}

// NewAvgPool2d returns an average pooling layer of size k.
func NewAvgPool2d(name string, k int) *Pool2d { return &Pool2d{name: name, size: k} }

// NewMaxPool2d returns a max pooling layer of size k.
func NewMaxPool2d(name string, k int) *Pool2d {
	return &Pool2d{name: name, size: k, isMax: true}
}

func (l *Pool2d) Name() string     { return l.name }
func (l *Pool2d) Params() []*Param { return nil }

func (l *Pool2d) OutputShape(in []int) ([]int, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("%s: input shape %v, expected [C H W]", l.name, in)
	}
	if in[1] < l.size || in[2] < l.size {
		return nil, fmt.Errorf("%s: input %d×%d smaller than the %d×%d pool",
			l.name, in[1], in[2], l.size, l.size)
	}
	return []int{in[0], in[1] / l.size, in[2] / l.size}, nil
}

// isAvg2 reports whether the layer is a 2×2 average pooling, which has
// its own kernel.
func (l *Pool2d) isAvg2() bool { return !l.isMax && l.size == 2 }

// parallel runs fn over the chunks of a batch of n items of size input
// values. The AVX2 average pooling is so cheap that small batches stay on
// one goroutine.
func (l *Pool2d) parallel(n, size int, fn func(worker, chunk, lo, hi int)) {
	if l.isAvg2() {
		forChunksOf(n, size, fn)
		return
	}
	forChunks(n, fn)
}

func (l *Pool2d) Forward(x *Tensor, train bool) *Tensor {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	l.x = x
	l.y = ensure(l.y, n, c, h/l.size, w/l.size)
	if l.isMax && len(l.argmax) != l.y.Len() {
		l.argmax = make([]int32, l.y.Len())
	}
	l.parallel(n, c*h*w, func(_, _, lo, hi int) {
		if l.isAvg2() {
			oh, ow := h/2, w/2
			kernels.AvgPool2(l.y.Data[lo*c*oh*ow:hi*c*oh*ow], x.Data[lo*c*h*w:hi*c*h*w],
				(hi-lo)*c, h, w)
			return
		}
		for plane := lo * c; plane < hi*c; plane++ {
			l.poolPlane(x.Data[plane*h*w:][:h*w], plane, h, w)
		}
	})
	return l.y
}

// poolPlane pools one input plane into output plane number plane.
func (l *Pool2d) poolPlane(in []float32, plane, h, w int) {
	k := l.size
	oh, ow := h/k, w/k
	out := l.y.Data[plane*oh*ow:][:oh*ow]
	scale := 1 / float32(k*k)
	for oy := range oh {
		for ox := range ow {
			o := oy*ow + ox
			if !l.isMax {
				var sum float32
				for ky := range k {
					for _, v := range in[(oy*k+ky)*w+ox*k:][:k] {
						sum += v
					}
				}
				out[o] = sum * scale
				continue
			}
			best, at := float32(math.Inf(-1)), 0
			for ky := range k {
				for kx := range k {
					i := (oy*k+ky)*w + ox*k + kx
					if v := in[i]; v > best || math.IsNaN(float64(v)) {
						best, at = v, i
					}
				}
			}
			out[o] = best
			l.argmax[plane*oh*ow+o] = int32(at)
		}
	}
}

func (l *Pool2d) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	if !mode.InputGrad {
		return nil
	}
	x := l.x
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := h/l.size, w/l.size
	l.dx = ensure(l.dx, x.Shape...)
	l.parallel(n, c*h*w, func(_, _, lo, hi int) {
		if l.isAvg2() {
			kernels.AvgPool2Grad(l.dx.Data[lo*c*h*w:hi*c*h*w], dy.Data[lo*c*oh*ow:hi*c*oh*ow],
				(hi-lo)*c, h, w)
			return
		}
		for plane := lo * c; plane < hi*c; plane++ {
			din := l.dx.Data[plane*h*w:][:h*w]
			clear(din)
			l.unpoolPlane(din, dy.Data[plane*oh*ow:][:oh*ow], plane, w)
		}
	})
	return l.dx
}

// unpoolPlane spreads one plane of output gradients dout over din: evenly
// for average pooling, to the maximum's position for max pooling.
func (l *Pool2d) unpoolPlane(din, dout []float32, plane, w int) {
	k := l.size
	ow := w / k
	scale := 1 / float32(k*k)
	for o, g := range dout {
		if l.isMax {
			din[l.argmax[plane*len(dout)+o]] += g
			continue
		}
		oy, ox := o/ow, o%ow
		g *= scale
		for ky := range k {
			row := din[(oy*k+ky)*w+ox*k:][:k]
			for j := range row {
				row[j] += g
			}
		}
	}
}
