package landmarks

import (
	"math"
	"slices"
)

// anchorOptions are the SsdAnchorsCalculator options that matter when
// fixed_anchor_size is true, as in MediaPipe's palm and pose detectors:
// every anchor is 1×1 and only its centre varies.
type anchorOptions struct {
	inputWidth, inputHeight int
	strides                 []int
	offsetX, offsetY        float64
	// anchorsPerLayer: one per aspect ratio plus the interpolated scale;
	// MediaPipe's detectors use aspect ratio 1.0 and so 2 per layer.
	anchorsPerLayer int
}

// anchor is an anchor centre, normalised to the detector's input.
type anchor struct{ x, y float64 }

// ssdAnchors generates anchors as SsdAnchorsCalculator does: consecutive
// layers with the same stride share one feature map, and each location of
// that map gets anchorsPerLayer anchors for each of those layers.
func ssdAnchors(o anchorOptions) []anchor {
	var out []anchor
	for layer := 0; layer < len(o.strides); {
		last := layer
		for last < len(o.strides) && o.strides[last] == o.strides[layer] {
			last++
		}
		perLocation := (last - layer) * o.anchorsPerLayer
		stride := o.strides[layer]
		rows := (o.inputHeight + stride - 1) / stride
		cols := (o.inputWidth + stride - 1) / stride
		for y := 0; y < rows; y++ {
			for x := 0; x < cols; x++ {
				a := anchor{(float64(x) + o.offsetX) / float64(cols),
					(float64(y) + o.offsetY) / float64(rows)}
				for k := 0; k < perLocation; k++ {
					out = append(out, a)
				}
			}
		}
		layer = last
	}
	return out
}

// decodeOptions are TensorsToDetectionsCalculator's options for a
// single-class detector whose boxes are stored x first
// (reverse_output_order) and whose scores pass through a sigmoid.
type decodeOptions struct {
	numCoords          int
	numKeypoints       int
	keypointOffset     int
	scaleX, scaleY     float64 // x_scale, y_scale
	scaleW, scaleH     float64 // w_scale, h_scale
	scoreClipThreshold float64
	minScore           float64
}

// detection is one detected box with keypoints, normalised to the
// detector's input (or, after letterbox removal, to the image).
type detection struct {
	score     float64
	box       box
	keypoints [][2]float64
}

// decodeDetections turns raw boxes [numAnchors, numCoords] and raw scores
// [numAnchors] into detections whose sigmoid score is at least minScore.
func decodeDetections(boxes, scores []float32, anchors []anchor, o decodeOptions) []detection {
	var out []detection
	for i, a := range anchors {
		raw := float64(scores[i])
		raw = min(max(raw, -o.scoreClipThreshold), o.scoreClipThreshold)
		score := 1 / (1 + math.Exp(-raw))
		if score < o.minScore {
			continue
		}
		v := boxes[i*o.numCoords : (i+1)*o.numCoords]
		xCenter := float64(v[0])/o.scaleX + a.x
		yCenter := float64(v[1])/o.scaleY + a.y
		w := float64(v[2]) / o.scaleW
		h := float64(v[3]) / o.scaleH
		d := detection{score: score, box: box{xCenter - w/2, yCenter - h/2, w, h}}
		for k := 0; k < o.numKeypoints; k++ {
			p := v[o.keypointOffset+2*k:]
			d.keypoints = append(d.keypoints,
				[2]float64{float64(p[0])/o.scaleX + a.x, float64(p[1])/o.scaleY + a.y})
		}
		out = append(out, d)
	}
	return out
}

// weightedNMS merges overlapping detections as NonMaxSuppressionCalculator
// does with algorithm WEIGHTED and IoU overlap. Taking detections by
// descending score, each one absorbs every remaining detection whose IoU
// with it exceeds threshold, itself included. Its box and keypoints become
// the score-weighted mean of those, and its score stays.
func weightedNMS(dets []detection, threshold float64) []detection {
	remaining := slices.Clone(dets)
	slices.SortStableFunc(remaining, func(a, b detection) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var out []detection
	for len(remaining) > 0 {
		top := remaining[0]
		var absorbed, kept []detection
		for _, d := range remaining {
			if boxIoU(d.box, top.box) > threshold {
				absorbed = append(absorbed, d)
			} else {
				kept = append(kept, d)
			}
		}
		out = append(out, weightedMean(top, absorbed))
		remaining = kept
	}
	return out
}

func weightedMean(top detection, group []detection) detection {
	var total, xMin, yMin, xMax, yMax float64
	keypoints := make([][2]float64, len(top.keypoints))
	for _, d := range group {
		total += d.score
		xMin += d.box.xMin * d.score
		yMin += d.box.yMin * d.score
		xMax += (d.box.xMin + d.box.width) * d.score
		yMax += (d.box.yMin + d.box.height) * d.score
		for k, p := range d.keypoints {
			keypoints[k][0] += p[0] * d.score
			keypoints[k][1] += p[1] * d.score
		}
	}
	if total == 0 {
		return top
	}
	for k := range keypoints {
		keypoints[k][0] /= total
		keypoints[k][1] /= total
	}
	xMin, yMin, xMax, yMax = xMin/total, yMin/total, xMax/total, yMax/total
	return detection{score: top.score, keypoints: keypoints,
		box: box{xMin, yMin, xMax - xMin, yMax - yMin}}
}

// removeLetterbox maps a detection from the padded detector input back to
// the image, as DetectionLetterboxRemovalCalculator does.
func (d detection) removeLetterbox(l letterbox) detection {
	sx, sy := 1-l.left-l.right, 1-l.top-l.bottom
	d.box = box{(d.box.xMin - l.left) / sx, (d.box.yMin - l.top) / sy,
		d.box.width / sx, d.box.height / sy}
	keypoints := make([][2]float64, len(d.keypoints))
	for k, p := range d.keypoints {
		keypoints[k][0], keypoints[k][1] = l.remove(p[0], p[1])
	}
	d.keypoints = keypoints
	return d
}

// rect returns the detection's box as a Rect rotated so that keypoint
// start → keypoint end points at targetDegrees, as DetectionsToRectsCalculator
// does with rotation_vector_* options.
func (d detection) rect(start, end int, targetDegrees float64, width, height int) Rect {
	w, h := float64(width), float64(height)
	p0, p1 := d.keypoints[start], d.keypoints[end]
	return Rect{
		XCenter:  d.box.xMin + d.box.width/2,
		YCenter:  d.box.yMin + d.box.height/2,
		Width:    d.box.width,
		Height:   d.box.height,
		Rotation: rotationFromKeypoints(p0[0]*w, p0[1]*h, p1[0]*w, p1[1]*h, targetDegrees),
	}
}
