package kernels

import "fmt"

// Layer loops of the CNN engine. Shapes: B images, C channels, F filters,
// H×W input plane, OH×OW output plane, K×K kernel, P = OH·OW.
//
// Each function panics when a slice is shorter than its shape needs, so that
// the C kernels never read or write outside Go memory.

// Im2col unfolds one image img [C, H, W] into the rows of cols: row
// (c, ky, kx) starts at cols[((c·K+ky)·K+kx)·ld] and holds, for every output
// position (oy, ox), img[c, oy+ky−pad, ox+kx−pad], or 0 outside the image.
func Im2col(cols []float32, ld int, img []float32, c, h, w, k, pad int) {
	oh, ow := h+2*pad-k+1, w+2*pad-k+1
	checkLen("Im2col img", img, c*h*w)
	checkRows("Im2col cols", cols, c*k*k, oh*ow, ld)
	if hasFastLayers && c*h*w > 0 && oh > 0 && ow > 0 {
		im2colFast(cols, ld, img, c, h, w, k, pad)
		return
	}
	im2colGeneric(cols, ld, img, c, h, w, k, pad)
}

// Col2im is the adjoint of Im2col: it overwrites img [C, H, W] with the sum
// of the unfolded values in cols that came from each input position.
func Col2im(img []float32, cols []float32, ld int, c, h, w, k, pad int) {
	oh, ow := h+2*pad-k+1, w+2*pad-k+1
	checkLen("Col2im img", img, c*h*w)
	checkRows("Col2im cols", cols, c*k*k, oh*ow, ld)
	if hasFastLayers && c*h*w > 0 && oh > 0 && ow > 0 {
		col2imFast(img, cols, ld, c, h, w, k, pad)
		return
	}
	col2imGeneric(img, cols, ld, c, h, w, k, pad)
}

// UnchunkBias turns a product laid out as [F, B·P] into images [B, F, P]
// and adds bias [F]:
//
//	y[i, f, p] = prod[f, i·P + p] + bias[f]
func UnchunkBias(y, prod, bias []float32, b, f, p int) {
	checkLen("UnchunkBias y", y, b*f*p)
	checkLen("UnchunkBias prod", prod, b*f*p)
	checkLen("UnchunkBias bias", bias, f)
	if hasFastLayers && b*f*p > 0 {
		unchunkBiasFast(y, prod, bias, b, f, p)
		return
	}
	for i := range b {
		for j := range f {
			src := prod[(j*b+i)*p:][:p]
			dst := y[(i*f+j)*p:][:p]
			for q, v := range src {
				dst[q] = v + bias[j]
			}
		}
	}
}

// Chunk is the inverse layout change of UnchunkBias, without a bias: it
// copies images x [B, F, P] into dst [F, B·P].
func Chunk(dst, x []float32, b, f, p int) {
	checkLen("Chunk dst", dst, b*f*p)
	checkLen("Chunk x", x, b*f*p)
	if hasFastLayers && b*f*p > 0 {
		chunkFast(dst, x, b, f, p)
		return
	}
	for i := range b {
		for j := range f {
			copy(dst[(j*b+i)*p:][:p], x[(i*f+j)*p:][:p])
		}
	}
}

// ReLU sets y = max(x, 0) element-wise. A NaN in x stays NaN, as in
// PyTorch's relu.
func ReLU(y, x []float32) {
	checkLen("ReLU y", y, len(x))
	if hasFastLayers && len(x) > 0 {
		reluFast(y, x)
		return
	}
	for i, v := range x {
		if v > 0 || v != v {
			y[i] = v
		} else {
			y[i] = 0
		}
	}
}

// ReLUGrad sets dx = dy where y > 0 and 0 elsewhere, from the ReLU output
// y, as PyTorch's threshold_backward does.
func ReLUGrad(dx, dy, y []float32) {
	checkLen("ReLUGrad dx", dx, len(dy))
	checkLen("ReLUGrad y", y, len(dy))
	if hasFastLayers && len(dy) > 0 {
		reluGradFast(dx, dy, y)
		return
	}
	for i, g := range dy {
		if y[i] > 0 {
			dx[i] = g
		} else {
			dx[i] = 0
		}
	}
}

// AvgPool2 averages each 2×2 block of planes x [planes, H, W] into
// y [planes, H/2, W/2], dropping an odd last row or column.
func AvgPool2(y, x []float32, planes, h, w int) {
	checkLen("AvgPool2 x", x, planes*h*w)
	checkLen("AvgPool2 y", y, planes*(h/2)*(w/2))
	if hasFastLayers && planes*(h/2)*(w/2) > 0 {
		avgPool2Fast(y, x, planes, h, w)
		return
	}
	oh, ow := h/2, w/2
	for plane := range planes {
		in := x[plane*h*w:][:h*w]
		out := y[plane*oh*ow:][:oh*ow]
		for oy := range oh {
			top, bottom := in[2*oy*w:][:2*ow], in[(2*oy+1)*w:][:2*ow]
			for ox := range out[oy*ow:][:ow] {
				sum := (top[2*ox] + bottom[2*ox]) + (top[2*ox+1] + bottom[2*ox+1])
				out[oy*ow+ox] = sum * 0.25
			}
		}
	}
}

// AvgPool2Grad overwrites dx [planes, H, W] with the gradient of AvgPool2:
// each value of dy [planes, H/2, W/2] times 1/4 spread over its 2×2 block,
// and 0 in a dropped last row or column.
func AvgPool2Grad(dx, dy []float32, planes, h, w int) {
	checkLen("AvgPool2Grad dx", dx, planes*h*w)
	checkLen("AvgPool2Grad dy", dy, planes*(h/2)*(w/2))
	if hasFastLayers && planes*(h/2)*(w/2) > 0 {
		avgPool2GradFast(dx, dy, planes, h, w)
		return
	}
	oh, ow := h/2, w/2
	for plane := range planes {
		din := dx[plane*h*w:][:h*w]
		dout := dy[plane*oh*ow:][:oh*ow]
		clear(din)
		for oy := range oh {
			top, bottom := din[2*oy*w:][:2*ow], din[(2*oy+1)*w:][:2*ow]
			for ox, g := range dout[oy*ow:][:ow] {
				g *= 0.25
				top[2*ox], top[2*ox+1] = g, g
				bottom[2*ox], bottom[2*ox+1] = g, g
			}
		}
	}
}

func im2colGeneric(cols []float32, ld int, img []float32, c, h, w, k, pad int) {
	oh, ow := h+2*pad-k+1, w+2*pad-k+1
	for ch := range c {
		plane := img[ch*h*w:][:h*w]
		for ky := range k {
			for kx := range k {
				row := cols[((ch*k+ky)*k+kx)*ld:][:oh*ow]
				unfoldPlane(plane, row, h, w, oh, ow, ky-pad, kx-pad)
			}
		}
	}
}

// unfoldPlane writes dst[oy·OW+ox] = img[oy+dy, ox+dx], zero outside.
func unfoldPlane(img, dst []float32, h, w, oh, ow, dy, dx int) {
	lo, hi := validRange(ow, w, dx)
	for oy := range oh {
		out := dst[oy*ow:][:ow]
		iy := oy + dy
		if iy < 0 || iy >= h || lo >= hi {
			clear(out)
			continue
		}
		clear(out[:lo])
		copy(out[lo:hi], img[iy*w+lo+dx:][:hi-lo])
		clear(out[hi:])
	}
}

func col2imGeneric(img []float32, cols []float32, ld int, c, h, w, k, pad int) {
	oh, ow := h+2*pad-k+1, w+2*pad-k+1
	clear(img[:c*h*w])
	for ch := range c {
		plane := img[ch*h*w:][:h*w]
		for ky := range k {
			for kx := range k {
				row := cols[((ch*k+ky)*k+kx)*ld:][:oh*ow]
				foldPlane(row, plane, h, w, oh, ow, ky-pad, kx-pad)
			}
		}
	}
}

// foldPlane adds src[oy·OW+ox] to img[oy+dy, ox+dx] where that is inside.
func foldPlane(src, img []float32, h, w, oh, ow, dy, dx int) {
	lo, hi := validRange(ow, w, dx)
	for oy := range oh {
		iy := oy + dy
		if iy < 0 || iy >= h || lo >= hi {
			continue
		}
		dst := img[iy*w+lo+dx:][:hi-lo]
		for i, v := range src[oy*ow+lo : oy*ow+hi] {
			dst[i] += v
		}
	}
}

// validRange returns the output columns [lo, hi) whose input column
// ox+dx lies inside [0, w).
func validRange(ow, w, dx int) (lo, hi int) {
	lo, hi = max(0, -dx), min(ow, w-dx)
	return lo, max(lo, hi)
}

// checkLen panics unless len(s) ≥ n.
func checkLen(name string, s []float32, n int) {
	if len(s) < n {
		panic(fmt.Sprintf("kernels: %s: length %d, want at least %d", name, len(s), n))
	}
}

// checkRows panics unless rows rows of cols values, ld apart, fit in s.
func checkRows(name string, s []float32, rows, cols, ld int) {
	if ld < cols {
		panic(fmt.Sprintf("kernels: %s: row stride %d, want at least %d", name, ld, cols))
	}
	if rows > 0 && cols > 0 {
		checkLen(name, s, (rows-1)*ld+cols)
	}
}

// ConvSingleChannel computes the valid (unpadded, stride 1) convolution of
// one single-channel image x [H, W] with F filters weight [F, K, K]:
//
//	y[f, oy, ox] = bias[f] + Σ_{ky,kx} weight[f, ky, kx]·x[oy+ky, ox+kx]
//
// into y [F, OH, OW], OH = H−K+1, OW = W−K+1. With one input channel an
// unfolded matrix would repeat every pixel K² times, so this loop reads the
// image directly instead.
func ConvSingleChannel(y, x, weight, bias []float32, f, h, w, k int) {
	oh, ow := h-k+1, w-k+1
	checkLen("ConvSingleChannel x", x, h*w)
	checkLen("ConvSingleChannel weight", weight, f*k*k)
	checkLen("ConvSingleChannel bias", bias, f)
	checkLen("ConvSingleChannel y", y, f*oh*ow)
	if oh < 1 || ow < 1 || f < 1 || k < 1 {
		return
	}
	if hasFastLayers {
		convSingleChannelFast(y, x, weight, bias, f, h, w, k)
		return
	}
	for j := range f {
		filter := weight[j*k*k:][:k*k]
		out := y[j*oh*ow:][:oh*ow]
		for oy := range oh {
			for ox := range ow {
				sum := bias[j]
				for ky := range k {
					row := x[(oy+ky)*w+ox:][:k]
					for kx, v := range row {
						sum += filter[ky*k+kx] * v
					}
				}
				out[oy*ow+ox] = sum
			}
		}
	}
}

// ConvSingleChannelGrad adds the gradients of ConvSingleChannel for one
// image to dw [F, K, K] and db [F], given the output gradient dy [F, OH, OW]:
//
//	dw[f, ky, kx] += Σ_{oy,ox} dy[f, oy, ox]·x[oy+ky, ox+kx]
//	db[f]         += Σ_{oy,ox} dy[f, oy, ox]
func ConvSingleChannelGrad(dw, db, dy, x []float32, f, h, w, k int) {
	oh, ow := h-k+1, w-k+1
	checkLen("ConvSingleChannelGrad x", x, h*w)
	checkLen("ConvSingleChannelGrad dw", dw, f*k*k)
	checkLen("ConvSingleChannelGrad db", db, f)
	checkLen("ConvSingleChannelGrad dy", dy, f*oh*ow)
	if oh < 1 || ow < 1 || f < 1 || k < 1 {
		return
	}
	if hasFastLayers {
		convSingleChannelGradFast(dw, db, dy, x, f, h, w, k)
		return
	}
	for j := range f {
		dout := dy[j*oh*ow:][:oh*ow]
		for ky := range k {
			for kx := range k {
				var sum float32
				for oy := range oh {
					row := x[(oy+ky)*w+kx:][:ow]
					for ox, g := range dout[oy*ow:][:ow] {
						sum += g * row[ox]
					}
				}
				dw[(j*k+ky)*k+kx] += sum
			}
		}
		var sum float32
		for _, g := range dout {
			sum += g
		}
		db[j] += sum
	}
}

// RowSums sets dst[r] to the sum of row r of src [rows, cols].
func RowSums(dst, src []float32, rows, cols int) {
	checkLen("RowSums dst", dst, rows)
	checkLen("RowSums src", src, rows*cols)
	if hasFastLayers && rows*cols > 0 {
		rowSumsFast(dst, src, rows, cols)
		return
	}
	for r := range rows {
		var sum float32
		for _, v := range src[r*cols:][:cols] {
			sum += v
		}
		dst[r] = sum
	}
}
