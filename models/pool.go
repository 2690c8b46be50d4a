package models

import (
	"fmt"
	"math"
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

func (l *Pool2d) Forward(x *Tensor, train bool) *Tensor {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	k := l.size
	oh, ow := h/k, w/k
	l.x = x
	l.y = ensure(l.y, n, c, oh, ow)
	if l.isMax && len(l.argmax) != l.y.Len() {
		l.argmax = make([]int32, l.y.Len())
	}
	scale := 1 / float32(k*k)
	for plane := range n * c {
		in := x.Data[plane*h*w:][:h*w]
		out := l.y.Data[plane*oh*ow:][:oh*ow]
		for oy := range oh {
			for ox := range ow {
				o := oy*ow + ox
				if l.isMax {
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
					continue
				}
				var sum float32
				for ky := range k {
					row := in[(oy*k+ky)*w+ox*k:][:k]
					for _, v := range row {
						sum += v
					}
				}
				out[o] = sum * scale
			}
		}
	}
	return l.y
}

func (l *Pool2d) Backward(dy *Tensor, mode BackwardMode) *Tensor {
	if !mode.InputGrad {
		return nil
	}
	x := l.x
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	k := l.size
	oh, ow := h/k, w/k
	l.dx = ensure(l.dx, x.Shape...)
	clear(l.dx.Data)
	scale := 1 / float32(k*k)
	for plane := range n * c {
		din := l.dx.Data[plane*h*w:][:h*w]
		dout := dy.Data[plane*oh*ow:][:oh*ow]
		for oy := range oh {
			for ox := range ow {
				o := oy*ow + ox
				if l.isMax {
					din[l.argmax[plane*oh*ow+o]] += dout[o]
					continue
				}
				g := dout[o] * scale
				for ky := range k {
					row := din[(oy*k+ky)*w+ox*k:][:k]
					for j := range row {
						row[j] += g
					}
				}
			}
		}
	}
	return l.dx
}
