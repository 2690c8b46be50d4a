package landmarks

import "math"

// Rect is a rotated rectangle in normalised image coordinates, as
// MediaPipe's NormalizedRect: centre and size as fractions of the image
// width and height, rotation in radians, clockwise in image coordinates
// (y down), in [−π, π).
type Rect struct {
	XCenter, YCenter float64
	Width, Height    float64
	Rotation         float64
}

// pixelRect is a Rect in pixels.
type pixelRect struct {
	xCenter, yCenter float64
	width, height    float64
	rotation         float64
}

func (r Rect) toPixels(width, height int) pixelRect {
	w, h := float64(width), float64(height)
	return pixelRect{r.XCenter * w, r.YCenter * h, r.Width * w, r.Height * h, r.Rotation}
}

// normalizeRadians wraps an angle into [−π, π).
func normalizeRadians(angle float64) float64 {
	return angle - 2*math.Pi*math.Floor((angle+math.Pi)/(2*math.Pi))
}

// rotationFromKeypoints returns the rotation that turns the vector from
// (x0, y0) to (x1, y1), in pixels, to point at targetDegrees (90: up),
// as DetectionsToRectsCalculator computes it.
func rotationFromKeypoints(x0, y0, x1, y1, targetDegrees float64) float64 {
	target := targetDegrees * math.Pi / 180
	return normalizeRadians(target - math.Atan2(-(y1-y0), x1-x0))
}

// rectTransform holds RectTransformationCalculator's options.
type rectTransform struct {
	scaleX, scaleY float64
	shiftX, shiftY float64 // fractions of the rect's width and height
	squareLong     bool
}

// apply shifts, squares and scales r as RectTransformationCalculator does:
// the shift follows the rect's rotation, and squaring uses the long side
// in pixels.
func (t rectTransform) apply(r Rect, width, height int) Rect {
	w, h := float64(width), float64(height)
	if r.Rotation == 0 {
		r.XCenter += r.Width * t.shiftX
		r.YCenter += r.Height * t.shiftY
	} else {
		cos, sin := math.Cos(r.Rotation), math.Sin(r.Rotation)
		xShift := w*r.Width*t.shiftX*cos - h*r.Height*t.shiftY*sin
		yShift := w*r.Width*t.shiftX*sin + h*r.Height*t.shiftY*cos
		r.XCenter += xShift / w
		r.YCenter += yShift / h
	}
	if t.squareLong {
		long := max(r.Width*w, r.Height*h)
		r.Width, r.Height = long/w, long/h
	}
	r.Width *= t.scaleX
	r.Height *= t.scaleY
	return r
}

// project maps a point (x, y) normalised to r's crop back to the image, as
// LandmarkProjectionCalculator does.
func (r Rect) project(x, y float64) (float64, float64) {
	x -= 0.5
	y -= 0.5
	cos, sin := math.Cos(r.Rotation), math.Sin(r.Rotation)
	return (cos*x-sin*y)*r.Width + r.XCenter, (sin*x+cos*y)*r.Height + r.YCenter
}

// rotate turns (x, y) by r's rotation, as WorldLandmarkProjectionCalculator
// does for world landmarks.
func (r Rect) rotate(x, y float64) (float64, float64) {
	cos, sin := math.Cos(r.Rotation), math.Sin(r.Rotation)
	return cos*x - sin*y, sin*x + cos*y
}

// iou returns the intersection over union of the axis-aligned boxes of a
// and b, ignoring rotation, as AssociationNormRectCalculator compares
// regions.
func (r Rect) iou(other Rect) float64 {
	return boxIoU(box{r.XCenter - r.Width/2, r.YCenter - r.Height/2, r.Width, r.Height},
		box{other.XCenter - other.Width/2, other.YCenter - other.Height/2,
			other.Width, other.Height})
}

// box is an axis-aligned box: corner and size, normalised.
type box struct{ xMin, yMin, width, height float64 }

func boxIoU(a, b box) float64 {
	left, top := max(a.xMin, b.xMin), max(a.yMin, b.yMin)
	right := min(a.xMin+a.width, b.xMin+b.width)
	bottom := min(a.yMin+a.height, b.yMin+b.height)
	if right <= left || bottom <= top {
		return 0
	}
	inter := (right - left) * (bottom - top)
	union := a.width*a.height + b.width*b.height - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// letterbox is the padding that fitting an image into a square tensor
// adds, as fractions of the tensor: left, top, right, bottom.
type letterbox struct{ left, top, right, bottom float64 }

// fitRect returns the region of the whole image padded to the tensor's
// aspect ratio, and the padding, as ImageToTensorCalculator does with
// keep_aspect_ratio.
func fitRect(r pixelRect, tensorW, tensorH int) (pixelRect, letterbox) {
	tensorAspect := float64(tensorH) / float64(tensorW)
	roiAspect := r.height / r.width
	if tensorAspect > roiAspect {
		pad := (1 - roiAspect/tensorAspect) / 2
		r.height = r.width * tensorAspect
		return r, letterbox{0, pad, 0, pad}
	}
	pad := (1 - tensorAspect/roiAspect) / 2
	r.width = r.height / tensorAspect
	return r, letterbox{pad, 0, pad, 0}
}

// remove maps a point normalised to the padded tensor back to the
// unpadded region.
func (l letterbox) remove(x, y float64) (float64, float64) {
	return (x - l.left) / (1 - l.left - l.right), (y - l.top) / (1 - l.top - l.bottom)
}
