package tflite

// Convolution kernels. Shapes use N batch, H×W spatial size, C channels,
// K = kernel height · kernel width · input channels; all tensors are NHWC,
// row-major, as in TFLite.

import (
	"fmt"

	"pipeline/internal/kernels"
)

// conv2D is CONV_2D as im2col followed by matrix multiplies, one per tile
// of output pixels, so that the im2col buffer holds one tile:
//
//	out[N, outH, outW, outC] = col[outH·outW, K] · weights[K, outC] + bias
//
// On AVX2 CPUs the product is gemmBlocksFast rather than Sgemm, and
// convolutions with one or two output channels take dot products of each
// window with TFLite's filter layout, without im2col (dotConvFast).
type conv2D struct {
	in, out   *Tensor
	weights   []float32 // [K, outC], transposed from TFLite's [outC, kH, kW, inC]
	filter    []float32 // [outC, K], TFLite's layout, for dotConvFast
	bias      []float32 // [outC], zeros when the model has none
	geom      window
	act       activation
	scratch   *[][]float32   // im2col buffers, one per thread, each at least tileRows·K
	direct    bool           // 1×1, stride 1, no padding: the input is its own col
	dot       bool           // compute the output by dotConvFast
	blocked   blockedWeights // weights and bias for gemmBlocksFast, empty for Sgemm
	tileRows  int            // output pixels, so im2col rows, per matrix multiply
	flopCount int64
}

// window is the geometry of a sliding window over an NHWC tensor.
type window struct {
	n, inH, inW, inC     int
	outH, outW, outC     int
	kH, kW               int
	strideH, strideW     int
	dilationH, dilationW int
	padTop, padLeft      int
}

// newWindow checks in, filter and out against each other and returns the
// geometry. filterH and filterW come from the weights or the pool options.
func newWindow(in, out *Tensor, filterH, filterW int, o windowOptions) (window, error) {
	if err := o.check(); err != nil {
		return window{}, err
	}
	if len(in.Shape) != 4 || len(out.Shape) != 4 {
		return window{}, fmt.Errorf("input %v and output %v must be NHWC", in.Shape, out.Shape)
	}
	w := window{
		n: in.Shape[0], inH: in.Shape[1], inW: in.Shape[2], inC: in.Shape[3],
		outC: out.Shape[3], kH: filterH, kW: filterW,
		strideH: o.strideH, strideW: o.strideW,
		dilationH: o.dilationH, dilationW: o.dilationW,
	}
	w.outH, w.padTop = outputSize(o.padding, w.inH, w.kH, w.strideH, w.dilationH)
	w.outW, w.padLeft = outputSize(o.padding, w.inW, w.kW, w.strideW, w.dilationW)
	if out.Shape[0] != w.n || out.Shape[1] != w.outH || out.Shape[2] != w.outW {
		return window{}, fmt.Errorf("output shape %v, expected [%d %d %d %d]",
			out.Shape, w.n, w.outH, w.outW, w.outC)
	}
	return w, nil
}

func (ip *Interpreter) newConv2D(ins, outs []*Tensor, opts table) (kernel, error) {
	if err := wantConstant(ins[1:], "weights and bias"); err != nil {
		return nil, err
	}
	filter := ins[1]
	if len(filter.Shape) != 4 {
		return nil, fmt.Errorf("filter shape %v, expected [outC kH kW inC]", filter.Shape)
	}
	w, err := newWindow(ins[0], outs[0], filter.Shape[1], filter.Shape[2], convOptions(opts))
	if err != nil {
		return nil, err
	}
	if filter.Shape[0] != w.outC || filter.Shape[3] != w.inC {
		return nil, fmt.Errorf("filter shape %v does not match input %v and output %v",
			filter.Shape, ins[0].Shape, outs[0].Shape)
	}
	bias, err := biasOf(ins, w.outC)
	if err != nil {
		return nil, err
	}
	depth := w.kH * w.kW * w.inC
	k := &conv2D{
		in: ins[0], out: outs[0], geom: w, bias: bias, filter: filter.Data,
		act:     convOptions(opts).act,
		weights: ip.weights.transposed(filter, w.outC, depth),
		direct: w.kH == 1 && w.kW == 1 && w.strideH == 1 && w.strideW == 1 &&
			w.padTop == 0 && w.padLeft == 0,
		dot:       hasFastDepthwise && w.outC <= maxDotChannels && w.inC%8 == 0,
		flopCount: int64(2 * w.n * w.outH * w.outW * w.outC * depth),
	}
	if hasFastDepthwise && !k.dot {
		k.blocked = newBlockedWeights(k.weights, bias, w.outC)
	}
	k.tileRows = w.outH * w.outW
	if !k.direct && !k.dot {
		k.tileRows = convTileRows(k.tileRows, depth)
		k.scratch = ip.reserveScratch(k.tileRows * depth)
	}
	return k, nil
}

// Tiles of im2col rows. sgemmRowBlock is the MC of internal/kernels'
// AVX2 Sgemm, which packs A in blocks of that many rows. Tiles that are
// whole blocks split the product along the same row boundaries as one
// call over all pixels does, so the sums and their rounding are unchanged.
// NOTE: if MC changes there, results stay correct but may differ in the
// last bits from untiled ones, and TestConv2DTilesMatchOneProduct fails.
const (
	sgemmRowBlock = 144
	maxTileFloats = 1 << 18 // 1 MiB of im2col rows, when K allows
)

// convTileRows returns the output pixels per tile for a product of depth K.
func convTileRows(pixels, depth int) int {
	blocks := max(1, maxTileFloats/(sgemmRowBlock*depth))
	return min(pixels, blocks*sgemmRowBlock)
}

// maxDotChannels is the most output channels that conv2D computes by
// dotConvFast: with so few, a product of im2col rows would be mostly
// copying and empty tile columns.
const maxDotChannels = 2

// Column parts: a convolution over few pixels and many channels is cut by
// output channels, in multiples of Sgemm's 16-column tile, rather than by
// pixels.
const (
	sgemmColumnBlock  = 16
	columnSplitPixels = 96
)

func (k *conv2D) flops() int64 { return k.flopCount }

func (k *conv2D) worthSplitting() bool { return k.flopCount >= minSplitFlops }

func (k *conv2D) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output pixels of every image or, for small
// images with many channels, a range of output channels.
func (k *conv2D) runPart(part, parts, thread int) {
	w := k.geom
	pixels := w.outH * w.outW
	firstPixel, endPixel := partRange(pixels, part, parts, 8)
	firstChannel, endChannel := 0, w.outC
	if parts > 1 && pixels < columnSplitPixels && !k.dot && w.outC >= 4*sgemmColumnBlock {
		firstPixel, endPixel = 0, pixels
		firstChannel, endChannel = partRange(w.outC, part, parts, sgemmColumnBlock)
		if firstChannel == endChannel {
			return
		}
	}
	inSize := w.inH * w.inW * w.inC
	outSize := pixels * w.outC
	for b := 0; b < w.n; b++ {
		in := k.in.Data[b*inSize : (b+1)*inSize]
		out := k.out.Data[b*outSize : (b+1)*outSize]
		if k.dot {
			k.runDot(in, out, part, parts)
			continue
		}
		for first := firstPixel; first < endPixel; first += k.tileRows {
			last := min(first+k.tileRows, endPixel)
			k.runTile(in, out, thread, first, last, firstChannel, endChannel)
		}
	}
}

// runDot computes a range of output rows of one image by dotConvFast.
func (k *conv2D) runDot(in, out []float32, part, parts int) {
	w := k.geom
	rowBegin, rowEnd := partRange(w.outH, part, parts, 1)
	if rowBegin == rowEnd {
		return
	}
	dotConvFast(in, k.filter, k.bias, out, w, rowBegin, rowEnd)
	rowSize := w.outW * w.outC
	k.act.apply(out[rowBegin*rowSize : rowEnd*rowSize])
}

// runTile computes channels [firstChannel, endChannel) of output pixels
// [first, last) of one image, with the im2col buffer of thread thread.
func (k *conv2D) runTile(in, out []float32, thread, first, last, firstChannel, endChannel int) {
	w := k.geom
	depth := w.kH * w.kW * w.inC
	rows := last - first
	var col []float32
	if k.direct {
		col = in[first*depth : last*depth]
	} else {
		col = (*k.scratch)[thread][:rows*depth]
		im2col(col, in, w, first, last)
	}
	dst := out[first*w.outC : last*w.outC]
	k.multiply(rows, col, dst, firstChannel, endChannel)
	if firstChannel == 0 && endChannel == w.outC {
		k.act.apply(dst)
		return
	}
	for p := 0; p < rows; p++ {
		k.act.apply(dst[p*w.outC+firstChannel : p*w.outC+endChannel])
	}
}

// multiply sets channels [c0, c1) of dst[rows, outC] to bias + col·weights.
// Ranges start at multiples of sgemmColumnBlock, which is also the block of
// gemmBlocksFast when it has more than one.
func (k *conv2D) multiply(rows int, col, dst []float32, c0, c1 int) {
	outC := k.geom.outC
	depth := len(col) / rows
	if block := k.blocked.block; block > 0 {
		gemmBlocksFast(rows, depth, col, depth, k.blocked, c0/block, (c1+block-1)/block,
			dst, outC)
		return
	}
	for p := 0; p < rows; p++ {
		copy(dst[p*outC+c0:p*outC+c1], k.bias[c0:c1])
	}
	kernels.Sgemm(false, false, rows, c1-c0, depth, col, depth,
		k.weights[c0:], outC, 1, dst[c0:], outC)
}

// maxSingleBlock is the most output channels that gemmBlocksFast takes in
// one block, which then keeps three vectors for four rows in registers.
const maxSingleBlock = 24

// blockedWeights are the weights and bias of a convolution's output
// channels in blocks of block channels: one block of 8, 16 or 24, or blocks
// of sgemmColumnBlock. The C kernel then loads whole vectors. The columns
// past the last channel are zeros.
type blockedWeights struct {
	channels, block int
	weights         []float32 // [blocks, K, block]
	bias            []float32 // [blocks·block]
}

// newBlockedWeights copies weights [K, outC] and bias [outC] into blocks.
func newBlockedWeights(weights, bias []float32, outC int) blockedWeights {
	w := blockedWeights{channels: outC, block: sgemmColumnBlock}
	if outC <= maxSingleBlock {
		w.block = (outC + 7) &^ 7
	}
	depth := len(weights) / outC
	blocks := (outC + w.block - 1) / w.block
	w.weights = make([]float32, blocks*depth*w.block)
	w.bias = make([]float32, blocks*w.block)
	for b := range blocks {
		from, to := b*w.block, min((b+1)*w.block, outC)
		for p := range depth {
			copy(w.weights[(b*depth+p)*w.block:], weights[p*outC+from:p*outC+to])
		}
		copy(w.bias[b*w.block:], bias[from:to])
	}
	return w
}

// im2col writes, for each output pixel in [first, last) in row-major
// order, the kH·kW·inC input values under the window into one row of col,
// with zeros where the window hangs over the padding.
//
//	in:  [inH, inW, inC]    col: [last-first, kH·kW·inC]
func im2col(col, in []float32, w window, first, last int) {
	row := 0
	for p := first; p < last; p++ {
		oy, ox := p/w.outW, p%w.outW
		ix0 := ox*w.strideW - w.padLeft
		for ky := 0; ky < w.kH; ky++ {
			iy := oy*w.strideH - w.padTop + ky*w.dilationH
			// Without dilation, a window row inside the image is one
			// contiguous run of kW·inC input values.
			if w.dilationW == 1 && iy >= 0 && iy < w.inH && ix0 >= 0 && ix0+w.kW <= w.inW {
				n := w.kW * w.inC
				copy(col[row:row+n], in[(iy*w.inW+ix0)*w.inC:])
				row += n
				continue
			}
			for kx := 0; kx < w.kW; kx++ {
				ix := ox*w.strideW - w.padLeft + kx*w.dilationW
				dst := col[row : row+w.inC]
				if iy < 0 || iy >= w.inH || ix < 0 || ix >= w.inW {
					clear(dst)
				} else {
					copy(dst, in[(iy*w.inW+ix)*w.inC:])
				}
				row += w.inC
			}
		}
	}
}

// depthwiseConv2D is DEPTHWISE_CONV_2D: output channel c·m+j is input
// channel c filtered by weights[.., .., c·m+j], m the depth multiplier.
//
//	in: [N, inH, inW, inC]  weights: [1, kH, kW, outC]  out: [N, outH, outW, outC]
type depthwiseConv2D struct {
	in, out    *Tensor
	weights    []float32
	bias       []float32
	geom       window
	multiplier int
	act        activation
}

func newDepthwiseConv2D(ins, outs []*Tensor, opts table) (kernel, error) {
	if err := wantConstant(ins[1:], "weights and bias"); err != nil {
		return nil, err
	}
	filter := ins[1]
	if len(filter.Shape) != 4 || filter.Shape[0] != 1 {
		return nil, fmt.Errorf("filter shape %v, expected [1 kH kW outC]", filter.Shape)
	}
	o := depthwiseOptions(opts)
	w, err := newWindow(ins[0], outs[0], filter.Shape[1], filter.Shape[2], o)
	if err != nil {
		return nil, err
	}
	// Some converters write depth_multiplier 0; outC/inC is authoritative.
	if w.inC == 0 || w.outC%w.inC != 0 || filter.Shape[3] != w.outC {
		return nil, fmt.Errorf("filter shape %v does not match input %v and output %v",
			filter.Shape, ins[0].Shape, outs[0].Shape)
	}
	bias, err := biasOf(ins, w.outC)
	if err != nil {
		return nil, err
	}
	return &depthwiseConv2D{
		in: ins[0], out: outs[0], weights: filter.Data, bias: bias, geom: w,
		multiplier: w.outC / w.inC, act: o.act,
	}, nil
}

func (k *depthwiseConv2D) flops() int64 {
	w := k.geom
	return int64(2 * w.n * w.outH * w.outW * w.outC * w.kH * w.kW)
}

func (k *depthwiseConv2D) worthSplitting() bool { return k.flops() >= minSplitFlops }

func (k *depthwiseConv2D) run() { k.runPart(0, 1, 0) }

// runPart computes a range of output rows of every image.
func (k *depthwiseConv2D) runPart(part, parts, thread int) {
	w := k.geom
	inSize := w.inH * w.inW * w.inC
	outSize := w.outH * w.outW * w.outC
	rowBegin, rowEnd := partRange(w.outH, part, parts, 1)
	rowSize := w.outW * w.outC
	for b := 0; b < w.n; b++ {
		in := k.in.Data[b*inSize : (b+1)*inSize]
		out := k.out.Data[b*outSize : (b+1)*outSize]
		if k.multiplier == 1 && hasFastDepthwise && w.kH*w.kW <= maxFastTaps {
			depthwiseFast(in, k.weights, k.bias, out, w, rowBegin, rowEnd)
		} else {
			for oy := rowBegin; oy < rowEnd; oy++ {
				for ox := 0; ox < w.outW; ox++ {
					dst := out[(oy*w.outW+ox)*w.outC : (oy*w.outW+ox+1)*w.outC]
					k.pixel(dst, in, oy, ox)
				}
			}
		}
		k.act.apply(out[rowBegin*rowSize : rowEnd*rowSize])
	}
}

// pixel computes the outC values of output pixel (oy, ox).
func (k *depthwiseConv2D) pixel(dst, in []float32, oy, ox int) {
	w := k.geom
	copy(dst, k.bias)
	for ky := 0; ky < w.kH; ky++ {
		iy := oy*w.strideH - w.padTop + ky*w.dilationH
		if iy < 0 || iy >= w.inH {
			continue
		}
		for kx := 0; kx < w.kW; kx++ {
			ix := ox*w.strideW - w.padLeft + kx*w.dilationW
			if ix < 0 || ix >= w.inW {
				continue
			}
			src := in[(iy*w.inW+ix)*w.inC : (iy*w.inW+ix+1)*w.inC]
			filter := k.weights[(ky*w.kW+kx)*w.outC : (ky*w.kW+kx+1)*w.outC]
			if k.multiplier == 1 {
				multiplyAdd(dst, src, filter)
				continue
			}
			for c, v := range src {
				for j := 0; j < k.multiplier; j++ {
					dst[c*k.multiplier+j] += v * filter[c*k.multiplier+j]
				}
			}
		}
	}
}

// multiplyAdd computes dst[i] += a[i]·b[i].
func multiplyAdd(dst, a, b []float32) {
	a = a[:len(dst)]
	b = b[:len(dst)]
	for i := range dst {
		dst[i] += a[i] * b[i]
	}
}

// fullyConnected is FULLY_CONNECTED: out[M, N] = in[M, K] · weightsᵀ + bias,
// where TFLite stores weights as [N, K] and M is the input's size over K.
type fullyConnected struct {
	in, out *Tensor
	weights []float32 // [K, N], transposed from TFLite's [N, K]
	bias    []float32
	m, n, k int
	act     activation
}

func (ip *Interpreter) newFullyConnected(ins, outs []*Tensor, opts table) (kernel, error) {
	if err := wantConstant(ins[1:], "weights and bias"); err != nil {
		return nil, err
	}
	filter := ins[1]
	if len(filter.Shape) != 2 {
		return nil, fmt.Errorf("weights shape %v, expected [N K]", filter.Shape)
	}
	n, depth := filter.Shape[0], filter.Shape[1]
	if depth == 0 || ins[0].Len()%depth != 0 || outs[0].Len() != ins[0].Len()/depth*n {
		return nil, fmt.Errorf("weights %v do not match input %v and output %v",
			filter.Shape, ins[0].Shape, outs[0].Shape)
	}
	bias, err := biasOf(ins, n)
	if err != nil {
		return nil, err
	}
	act := activation(opts.uint8(0, 0))
	if err := act.valid(); err != nil {
		return nil, err
	}
	return &fullyConnected{
		in: ins[0], out: outs[0], weights: ip.weights.transposed(filter, n, depth),
		bias: bias, m: ins[0].Len() / depth, n: n, k: depth, act: act,
	}, nil
}

func (k *fullyConnected) flops() int64 { return int64(2 * k.m * k.n * k.k) }

func (k *fullyConnected) run() {
	for i := 0; i < k.m; i++ {
		copy(k.out.Data[i*k.n:(i+1)*k.n], k.bias)
	}
	kernels.Sgemm(false, false, k.m, k.n, k.k, k.in.Data, k.k, k.weights, k.n,
		1, k.out.Data, k.n)
	k.act.apply(k.out.Data)
}

// transpose returns the [cols, rows] transpose of a row-major [rows, cols]
// matrix.
func transpose(a []float32, rows, cols int) []float32 {
	out := make([]float32, rows*cols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			out[c*rows+r] = a[r*cols+c]
		}
	}
	return out
}

// biasOf returns the bias input (the third), or zeros when the operator
// has none.
func biasOf(ins []*Tensor, n int) ([]float32, error) {
	if len(ins) < 3 || ins[2] == nil {
		return make([]float32, n), nil
	}
	if ins[2].Len() != n || len(ins[2].Data) != n {
		return nil, fmt.Errorf("bias shape %v, expected [%d]", ins[2].Shape, n)
	}
	return ins[2].Data, nil
}

// wantConstant checks that every present tensor is a float32 constant.
func wantConstant(ts []*Tensor, what string) error {
	for _, t := range ts {
		if t != nil && (!t.constant || t.Data == nil) {
			return fmt.Errorf("%s must be constant float32 (tensor %q is not)", what, t.Name)
		}
	}
	return nil
}
