package tflite

import (
	"fmt"
	"math"
)

// resizeBilinear is RESIZE_BILINEAR as TFLite's reference kernel computes
// it (reference_ops::ResizeBilinear): output pixel y samples input row
//
//	y·scale                   or, with half_pixel_centers,
//	(y + 0.5)·scale − 0.5     with scale = inH/outH, or
//	(inH−1)/(outH−1)          with align_corners,
//
// between rows max(floor, 0) and min(ceil, inH−1), and likewise for x.
// The sample positions are computed once at load time.
type resizeBilinear struct {
	in, out *Tensor
	rows    []sample // per output row
	cols    []sample // per output column
}

// A sample is the two input positions around a sampled coordinate and the
// weight of the second; the first gets 1 − frac.
type sample struct {
	lo, hi int
	frac   float32
}

func newResizeBilinear(ins, outs []*Tensor, opts table) (kernel, error) {
	in, out, size := ins[0], outs[0], ins[1]
	if len(in.Shape) != 4 || len(out.Shape) != 4 {
		return nil, fmt.Errorf("input %v and output %v must be NHWC", in.Shape, out.Shape)
	}
	if len(size.ints) != 2 || int(size.ints[0]) != out.Shape[1] ||
		int(size.ints[1]) != out.Shape[2] {
		return nil, fmt.Errorf("size %v does not match output %v", size.ints, out.Shape)
	}
	if in.Shape[0] != out.Shape[0] || in.Shape[3] != out.Shape[3] {
		return nil, fmt.Errorf("input %v and output %v differ in batch or channels",
			in.Shape, out.Shape)
	}
	alignCorners, halfPixel := opts.bool(2), opts.bool(3)
	return &resizeBilinear{
		in: in, out: out,
		rows: samples(in.Shape[1], out.Shape[1], alignCorners, halfPixel),
		cols: samples(in.Shape[2], out.Shape[2], alignCorners, halfPixel),
	}, nil
}

func samples(inSize, outSize int, alignCorners, halfPixel bool) []sample {
	scale := float32(inSize) / float32(outSize)
	if alignCorners && outSize > 1 {
		scale = float32(inSize-1) / float32(outSize-1)
	}
	out := make([]sample, outSize)
	for i := range out {
		pos := float32(i) * scale
		if halfPixel {
			pos = (float32(i)+0.5)*scale - 0.5
		}
		lo := max(int(math.Floor(float64(pos))), 0)
		hi := min(int(math.Ceil(float64(pos))), inSize-1)
		out[i] = sample{lo: lo, hi: hi, frac: pos - float32(lo)}
	}
	return out
}

func (k *resizeBilinear) flops() int64 { return int64(8 * k.out.Len()) }

func (k *resizeBilinear) run() {
	n, inH, inW, c := k.in.Shape[0], k.in.Shape[1], k.in.Shape[2], k.in.Shape[3]
	dst := 0
	for b := 0; b < n; b++ {
		in := k.in.Data[b*inH*inW*c:]
		for _, r := range k.rows {
			for _, s := range k.cols {
				out := k.out.Data[dst : dst+c]
				k.pixel(out, in, r, s, inW, c)
				dst += c
			}
		}
	}
}

// pixel blends four input pixels with the reference kernel's weights.
func (k *resizeBilinear) pixel(out, in []float32, r, s sample, inW, c int) {
	topLeft := in[(r.lo*inW+s.lo)*c:][:c]
	topRight := in[(r.lo*inW+s.hi)*c:][:c]
	bottomLeft := in[(r.hi*inW+s.lo)*c:][:c]
	bottomRight := in[(r.hi*inW+s.hi)*c:][:c]
	wy, wx := r.frac, s.frac
	for i := range out {
		out[i] = topLeft[i]*(1-wy)*(1-wx) + bottomLeft[i]*wy*(1-wx) +
			topRight[i]*(1-wy)*wx + bottomRight[i]*wy*wx
	}
}
