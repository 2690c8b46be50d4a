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
	rows    samples // per output row
	cols    samples // per output column
}

// samples are, for each output position, the two input positions around
// its sampled coordinate and the weight of the second. The first gets
// 1 − frac. The fields are plain int32 and float32 arrays so that the C
// kernel can read them in place.
type samples struct {
	lo, hi []int32
	frac   []float32
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
		rows: newSamples(in.Shape[1], out.Shape[1], alignCorners, halfPixel),
		cols: newSamples(in.Shape[2], out.Shape[2], alignCorners, halfPixel),
	}, nil
}

func newSamples(inSize, outSize int, alignCorners, halfPixel bool) samples {
	scale := float32(inSize) / float32(outSize)
	if alignCorners && outSize > 1 {
		scale = float32(inSize-1) / float32(outSize-1)
	}
	out := samples{
		lo: make([]int32, outSize), hi: make([]int32, outSize), frac: make([]float32, outSize),
	}
	for i := range outSize {
		pos := float32(i) * scale
		if halfPixel {
			pos = (float32(i)+0.5)*scale - 0.5
		}
		lo := max(int(math.Floor(float64(pos))), 0)
		hi := min(int(math.Ceil(float64(pos))), inSize-1)
		out.lo[i], out.hi[i], out.frac[i] = int32(lo), int32(hi), pos-float32(lo)
	}
	return out
}

func (k *resizeBilinear) flops() int64 { return int64(8 * k.out.Len()) }

func (k *resizeBilinear) worthSplitting() bool { return k.out.Len() >= minSplitValues }

func (k *resizeBilinear) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output rows of every image.
func (k *resizeBilinear) runPart(part, parts, thread int) {
	n, inH, inW, c := k.in.Shape[0], k.in.Shape[1], k.in.Shape[2], k.in.Shape[3]
	outH, outW := len(k.rows.lo), len(k.cols.lo)
	rowBegin, rowEnd := partRange(outH, part, parts, 1)
	if rowBegin == rowEnd {
		return
	}
	for b := 0; b < n; b++ {
		in := k.in.Data[b*inH*inW*c : (b+1)*inH*inW*c]
		out := k.out.Data[b*outH*outW*c : (b+1)*outH*outW*c]
		if hasFastDepthwise {
			resizeFast(k, in, out, rowBegin, rowEnd)
			continue
		}
		for y := rowBegin; y < rowEnd; y++ {
			for x := range outW {
				dst := out[(y*outW+x)*c : (y*outW+x+1)*c]
				k.pixel(dst, in, y, x, inW, c)
			}
		}
	}
}

// pixel blends four input pixels into output pixel (y, x) with the
// reference kernel's weights.
func (k *resizeBilinear) pixel(out, in []float32, y, x, inW, c int) {
	rowLo, rowHi := int(k.rows.lo[y]), int(k.rows.hi[y])
	colLo, colHi := int(k.cols.lo[x]), int(k.cols.hi[x])
	topLeft := in[(rowLo*inW+colLo)*c:][:c]
	topRight := in[(rowLo*inW+colHi)*c:][:c]
	bottomLeft := in[(rowHi*inW+colLo)*c:][:c]
	bottomRight := in[(rowHi*inW+colHi)*c:][:c]
	wy, wx := k.rows.frac[y], k.cols.frac[x]
	for i := range out {
		out[i] = topLeft[i]*(1-wy)*(1-wx) + bottomLeft[i]*wy*(1-wx) +
			topRight[i]*(1-wy)*wx + bottomRight[i]*wy*wx
	}
}
