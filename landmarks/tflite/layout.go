package tflite

// Operators that move values without arithmetic, or with little:
// RESHAPE, PAD, CONCATENATION, DEPTH_TO_SPACE, MAX_POOL_2D, MEAN.
// Image tensors are NHWC.

import (
	"fmt"
	"math"
	"slices"
)

// reshape is RESHAPE: the same values under the output tensor's shape.
type reshape struct{ in, out *Tensor }

func newReshape(ins, outs []*Tensor) (kernel, error) {
	if ins[0].Len() != outs[0].Len() {
		return nil, fmt.Errorf("input %v and output %v differ in size",
			ins[0].Shape, outs[0].Shape)
	}
	return &reshape{in: ins[0], out: outs[0]}, nil
}

func (k *reshape) flops() int64 { return 0 }
func (k *reshape) run()         { copy(k.out.Data, k.in.Data) }

// pad is PAD with zeros. The output may share the arena with other
// tensors, so run clears it before copying the input runs.
type pad struct {
	in, out *Tensor
	before  []int // padding before each axis
	outer   int   // number of axes whose coordinates select a run
	runLen  int   // input values that stay contiguous in the output
	coord   []int // scratch: the coordinates of the input run being copied
}

func newPad(ins, outs []*Tensor) (kernel, error) {
	in, out, paddings := ins[0], outs[0], ins[1]
	rank := len(in.Shape)
	if paddings.ints == nil || len(paddings.ints) != 2*rank || len(out.Shape) != rank {
		return nil, fmt.Errorf("paddings %v for input %v: expected constant int32 [%d 2]",
			paddings.Shape, in.Shape, rank)
	}
	if rank == 0 {
		return nil, fmt.Errorf("pad of a scalar")
	}
	k := &pad{in: in, out: out, before: make([]int, rank), coord: make([]int, rank)}
	for i := 0; i < rank; i++ {
		k.before[i] = int(paddings.ints[2*i])
		after := int(paddings.ints[2*i+1])
		if k.before[i] < 0 || after < 0 || in.Shape[i]+k.before[i]+after != out.Shape[i] {
			return nil, fmt.Errorf("paddings %v do not take input %v to output %v",
				paddings.ints, in.Shape, out.Shape)
		}
	}
	// The axes after the last padded one have the same size in the output,
	// so a run spans the last padded axis and all after it.
	k.outer = rank - 1
	for k.outer > 0 && in.Shape[k.outer] == out.Shape[k.outer] {
		k.outer--
	}
	k.runLen = shapeSize(in.Shape[k.outer:])
	return k, nil
}

func (k *pad) flops() int64 { return 0 }

func (k *pad) run() {
	rank := len(k.in.Shape)
	coord := k.coord
	clear(coord)
	clear(k.out.Data)
	if k.runLen == 0 {
		return
	}
	for src := 0; src < len(k.in.Data); src += k.runLen {
		dst := 0
		for i := 0; i < rank; i++ {
			dst = dst*k.out.Shape[i] + coord[i] + k.before[i]
		}
		copy(k.out.Data[dst:dst+k.runLen], k.in.Data[src:src+k.runLen])
		for i := k.outer - 1; i >= 0; i-- {
			coord[i]++
			if coord[i] < k.in.Shape[i] {
				break
			}
			coord[i] = 0
		}
	}
}

// concatenation is CONCATENATION along one axis, with a fused activation.
type concatenation struct {
	ins    []*Tensor
	out    *Tensor
	outer  int   // product of the dimensions before the axis
	chunks []int // per input: its axis length times the dimensions after it
	act    activation
}

func newConcatenation(ins, outs []*Tensor, opts table) (kernel, error) {
	out := outs[0]
	axis := int(opts.int32(0, 0))
	if axis < 0 {
		axis += len(out.Shape)
	}
	if axis < 0 || axis >= len(out.Shape) {
		return nil, fmt.Errorf("axis %d out of range for output %v", axis, out.Shape)
	}
	k := &concatenation{ins: ins, out: out, outer: shapeSize(out.Shape[:axis]),
		act: activation(opts.uint8(1, 0))}
	if err := k.act.valid(); err != nil {
		return nil, err
	}
	inner := shapeSize(out.Shape[axis+1:])
	total := 0
	for _, in := range ins {
		if len(in.Shape) != len(out.Shape) {
			return nil, fmt.Errorf("input %v and output %v differ in rank", in.Shape, out.Shape)
		}
		k.chunks = append(k.chunks, in.Shape[axis]*inner)
		total += in.Shape[axis]
	}
	if total != out.Shape[axis] {
		return nil, fmt.Errorf("inputs sum to %d along axis %d, output has %d",
			total, axis, out.Shape[axis])
	}
	return k, nil
}

func (k *concatenation) flops() int64 { return 0 }

func (k *concatenation) run() {
	dst := 0
	for o := 0; o < k.outer; o++ {
		for i, in := range k.ins {
			n := k.chunks[i]
			copy(k.out.Data[dst:dst+n], in.Data[o*n:(o+1)*n])
			dst += n
		}
	}
	k.act.apply(k.out.Data)
}

// depthToSpace is DEPTH_TO_SPACE (DCR order, as TensorFlow):
//
//	out[n, h·b+i, w·b+j, c] = in[n, h, w, (i·b+j)·outC + c]
type depthToSpace struct {
	in, out *Tensor
	block   int
}

func newDepthToSpace(ins, outs []*Tensor, opts table) (kernel, error) {
	in, out := ins[0], outs[0]
	b := int(opts.int32(0, 0))
	if b < 1 || len(in.Shape) != 4 || len(out.Shape) != 4 {
		return nil, fmt.Errorf("block size %d for input %v", b, in.Shape)
	}
	want := []int{in.Shape[0], in.Shape[1] * b, in.Shape[2] * b, in.Shape[3] / (b * b)}
	if in.Shape[3]%(b*b) != 0 || !slices.Equal(out.Shape, want) {
		return nil, fmt.Errorf("output %v, expected %v", out.Shape, want)
	}
	return &depthToSpace{in: in, out: out, block: b}, nil
}

func (k *depthToSpace) flops() int64 { return 0 }

func (k *depthToSpace) run() {
	n, h, w, c := k.in.Shape[0], k.in.Shape[1], k.in.Shape[2], k.in.Shape[3]
	b := k.block
	outC := c / (b * b)
	outW := w * b
	src := 0
	for batch := 0; batch < n; batch++ {
		base := batch * h * b * outW * outC
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				for i := 0; i < b; i++ {
					for j := 0; j < b; j++ {
						dst := base + ((y*b+i)*outW+x*b+j)*outC
						copy(k.out.Data[dst:dst+outC], k.in.Data[src:src+outC])
						src += outC
					}
				}
			}
		}
	}
}

// maxPool2D is MAX_POOL_2D; padded positions are left out of the maximum.
type maxPool2D struct {
	in, out *Tensor
	geom    window
	act     activation
}

func newMaxPool2D(ins, outs []*Tensor, opts table) (kernel, error) {
	o := poolOptions(opts)
	w, err := newWindow(ins[0], outs[0], o.filterH, o.filterW, o)
	if err != nil {
		return nil, err
	}
	if w.outC != w.inC || w.kH < 1 || w.kW < 1 {
		return nil, fmt.Errorf("pool %d×%d from %v to %v", w.kH, w.kW,
			ins[0].Shape, outs[0].Shape)
	}
	return &maxPool2D{in: ins[0], out: outs[0], geom: w, act: o.act}, nil
}

func (k *maxPool2D) flops() int64 {
	w := k.geom
	return int64(w.n * w.outH * w.outW * w.outC * w.kH * w.kW)
}

func (k *maxPool2D) worthSplitting() bool { return k.out.Len() >= minSplitValues }

func (k *maxPool2D) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output rows of every image.
func (k *maxPool2D) runPart(part, parts, thread int) {
	w := k.geom
	rowBegin, rowEnd := partRange(w.outH, part, parts, 1)
	rowSize := w.outW * w.outC
	for b := 0; b < w.n; b++ {
		in := k.in.Data[b*w.inH*w.inW*w.inC:]
		out := k.out.Data[b*w.outH*rowSize:]
		if hasFastDepthwise {
			maxPoolFast(in, out, w, rowBegin, rowEnd)
			k.act.apply(out[rowBegin*rowSize : rowEnd*rowSize])
			continue
		}
		for oy := rowBegin; oy < rowEnd; oy++ {
			for ox := 0; ox < w.outW; ox++ {
				k.pixel(out[(oy*w.outW+ox)*w.outC:][:w.outC], in, oy, ox)
			}
		}
		k.act.apply(out[rowBegin*rowSize : rowEnd*rowSize])
	}
}

// pixel computes the maximum of the window of output pixel (oy, ox).
func (k *maxPool2D) pixel(out, in []float32, oy, ox int) {
	w := k.geom
	for c := range out {
		out[c] = -math.MaxFloat32
	}
	for ky := 0; ky < w.kH; ky++ {
		iy := oy*w.strideH - w.padTop + ky
		for kx := 0; kx < w.kW; kx++ {
			ix := ox*w.strideW - w.padLeft + kx
			if iy < 0 || iy >= w.inH || ix < 0 || ix >= w.inW {
				continue
			}
			src := in[(iy*w.inW+ix)*w.inC : (iy*w.inW+ix+1)*w.inC]
			for c, v := range src {
				out[c] = max(out[c], v)
			}
		}
	}
}

// mean is MEAN over the axes given by a constant int32 tensor.
type mean struct {
	in, out *Tensor
	target  []int32 // output element of each input element
	count   float32 // input elements per output element
}

func newMean(ins, outs []*Tensor) (kernel, error) {
	in, out, axes := ins[0], outs[0], ins[1]
	if axes.ints == nil {
		return nil, fmt.Errorf("axes must be a constant int32 tensor")
	}
	reduced := make([]bool, len(in.Shape))
	for _, a := range axes.ints {
		axis := int(a)
		if axis < 0 {
			axis += len(in.Shape)
		}
		if axis < 0 || axis >= len(in.Shape) {
			return nil, fmt.Errorf("axis %d out of range for input %v", a, in.Shape)
		}
		reduced[axis] = true
	}
	k := &mean{in: in, out: out, target: make([]int32, in.Len())}
	if in.Len()%max(out.Len(), 1) != 0 || out.Len() == 0 {
		return nil, fmt.Errorf("output %v cannot be a mean of input %v", out.Shape, in.Shape)
	}
	k.count = float32(in.Len() / out.Len())
	coord := make([]int, len(in.Shape))
	for i := range k.target {
		o := 0
		for axis, c := range coord {
			if !reduced[axis] {
				o = o*in.Shape[axis] + c
			}
		}
		k.target[i] = int32(o)
		for axis := len(coord) - 1; axis >= 0; axis-- {
			coord[axis]++
			if coord[axis] < in.Shape[axis] {
				break
			}
			coord[axis] = 0
		}
	}
	return k, nil
}

func (k *mean) flops() int64 { return int64(k.in.Len()) }

func (k *mean) run() {
	clear(k.out.Data)
	for i, v := range k.in.Data {
		k.out.Data[k.target[i]] += v
	}
	for i := range k.out.Data {
		k.out.Data[i] /= k.count
	}
}
