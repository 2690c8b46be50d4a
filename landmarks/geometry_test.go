package landmarks

import (
	"image"
	"math"
	"testing"
)

func imageOf(w, h int) *image.RGBA { return image.NewRGBA(image.Rect(0, 0, w, h)) }

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPalmAnchors(t *testing.T) {
	// 24×24 locations × 2 anchors for stride 8, then 12×12 × 6 for the
	// three stride-16 layers: 1152 + 864 = 2016, the palm model's boxes.
	if len(palmAnchors) != 2016 {
		t.Fatalf("%d anchors, expected 2016", len(palmAnchors))
	}
	first, second := palmAnchors[0], palmAnchors[2]
	if !near(first.x, 0.5/24, 1e-12) || !near(first.y, 0.5/24, 1e-12) {
		t.Errorf("anchor 0 at %+v, expected (0.5/24, 0.5/24)", first)
	}
	if !near(second.x, 1.5/24, 1e-12) {
		t.Errorf("anchor 2 at %+v, expected x 1.5/24", second)
	}
	last := palmAnchors[2015]
	if !near(last.x, 11.5/12, 1e-12) || !near(last.y, 11.5/12, 1e-12) {
		t.Errorf("anchor 2015 at %+v, expected (11.5/12, 11.5/12)", last)
	}
}

func TestDecodeDetections(t *testing.T) {
	// One anchor at (0.5, 0.5); raw box (19.2, −9.6, 96, 48) over scale
	// 192 is centre (0.6, 0.45), size 0.5 × 0.25. Raw score 0 is 0.5,
	// accepted at threshold 0.5; raw score −1 is below it.
	boxes := []float32{19.2, -9.6, 96, 48, 0, 0, 19.2, 19.2, 0, 0, 0, 0}
	anchors := []anchor{{0.5, 0.5}, {0.5, 0.5}}
	opts := decodeOptions{numCoords: 6, numKeypoints: 1, keypointOffset: 4,
		scaleX: 192, scaleY: 192, scaleW: 192, scaleH: 192,
		scoreClipThreshold: 100, minScore: 0.5}
	dets := decodeDetections(boxes, []float32{0, -1}, anchors, opts)
	if len(dets) != 1 {
		t.Fatalf("%d detections, expected 1", len(dets))
	}
	d := dets[0]
	want := box{0.6 - 0.25, 0.45 - 0.125, 0.5, 0.25}
	if !near(d.box.xMin, want.xMin, 1e-6) || !near(d.box.yMin, want.yMin, 1e-6) ||
		!near(d.box.width, want.width, 1e-6) || !near(d.box.height, want.height, 1e-6) {
		t.Errorf("box %+v, expected %+v", d.box, want)
	}
	if !near(d.keypoints[0][0], 0.5, 1e-9) || !near(d.keypoints[0][1], 0.5, 1e-9) {
		t.Errorf("keypoint %v, expected (0.5, 0.5)", d.keypoints[0])
	}
	if d.score != 0.5 {
		t.Errorf("score %g, expected 0.5", d.score)
	}
}

func TestWeightedNMS(t *testing.T) {
	// Boxes a (score 0.9) and b (0.6) overlap with IoU 0.6 and merge into
	// their score-weighted mean, x from (0·0.9 + 0.2·0.6)/1.5 = 0.08; c is
	// apart and survives as is.
	a := detection{score: 0.9, box: box{0, 0, 1, 1}, keypoints: [][2]float64{{0, 0}}}
	b := detection{score: 0.6, box: box{0.2, 0, 1, 1}, keypoints: [][2]float64{{1, 1}}}
	c := detection{score: 0.7, box: box{5, 5, 1, 1}, keypoints: [][2]float64{{5, 5}}}
	out := weightedNMS([]detection{b, c, a}, 0.3)
	if len(out) != 2 {
		t.Fatalf("%d detections, expected 2", len(out))
	}
	if out[0].score != 0.9 || !near(out[0].box.xMin, 0.08, 1e-12) ||
		!near(out[0].box.width, 1, 1e-12) {
		t.Errorf("merged detection %+v, expected score 0.9, xMin 0.08, width 1", out[0])
	}
	if !near(out[0].keypoints[0][0], 0.4, 1e-12) {
		t.Errorf("merged keypoint %v, expected x 0.6/1.5 = 0.4", out[0].keypoints[0])
	}
	if out[1].score != 0.7 || !near(out[1].box.xMin, 5, 1e-12) || !near(out[1].box.width, 1, 1e-12) {
		t.Errorf("second detection %+v, expected c unchanged", out[1])
	}
}

func TestRotationFromKeypoints(t *testing.T) {
	tests := []struct {
		name           string
		x0, y0, x1, y1 float64
		want           float64
	}{
		{"upright", 50, 80, 50, 20, 0},
		{"pointing right", 20, 50, 80, 50, math.Pi / 2},
		{"pointing left", 80, 50, 20, 50, -math.Pi / 2},
		{"upside down", 50, 20, 50, 80, -math.Pi},
	}
	for _, tc := range tests {
		got := rotationFromKeypoints(tc.x0, tc.y0, tc.x1, tc.y1, 90)
		if !near(got, tc.want, 1e-12) {
			t.Errorf("%s: rotation %g, expected %g", tc.name, got, tc.want)
		}
	}
}

func TestRectTransformRotated(t *testing.T) {
	// A 0.2 × 0.1 rect on a 200 × 100 image (40 × 10 pixels) rotated by
	// π/2: the −0.5 height shift moves the centre along −y of the rect,
	// which after rotation is +x: 0.5·10 pixels = 0.025 of the width.
	// The long side, 40 pixels, makes it 0.2 × 0.4, then doubled.
	r := Rect{XCenter: 0.5, YCenter: 0.5, Width: 0.2, Height: 0.1, Rotation: math.Pi / 2}
	got := rectTransform{scaleX: 2, scaleY: 2, shiftY: -0.5, squareLong: true}.apply(r, 200, 100)
	if !near(got.XCenter, 0.525, 1e-12) || !near(got.YCenter, 0.5, 1e-12) {
		t.Errorf("centre (%g, %g), expected (0.525, 0.5)", got.XCenter, got.YCenter)
	}
	if !near(got.Width, 0.4, 1e-12) || !near(got.Height, 0.8, 1e-12) {
		t.Errorf("size %g × %g, expected 0.4 × 0.8", got.Width, got.Height)
	}
}

func TestProjectInvertsWarp(t *testing.T) {
	// The point that warpTensor samples for a crop position must be where
	// project sends that position.
	img := &rgbImage{width: 100, height: 100}
	r := Rect{XCenter: 0.4, YCenter: 0.6, Width: 0.3, Height: 0.3, Rotation: 0.7}
	p := r.toPixels(img.width, img.height)
	u, v := 0.25, 0.8
	dx, dy := (u-0.5)*p.width, (v-0.5)*p.height
	wantX := (p.xCenter + math.Cos(p.rotation)*dx - math.Sin(p.rotation)*dy) / 100
	wantY := (p.yCenter + math.Sin(p.rotation)*dx + math.Cos(p.rotation)*dy) / 100
	x, y := r.project(u, v)
	if !near(x, wantX, 1e-12) || !near(y, wantY, 1e-12) {
		t.Errorf("project (%g, %g), expected (%g, %g)", x, y, wantX, wantY)
	}
}

func TestFitRectLetterbox(t *testing.T) {
	// A 200 × 100 region in a square tensor grows to 200 × 200 with a
	// quarter of padding above and below.
	r, pad := fitRect(pixelRect{100, 50, 200, 100, 0}, 192, 192)
	if r.height != 200 || pad.top != 0.25 || pad.bottom != 0.25 || pad.left != 0 {
		t.Errorf("rect %+v pad %+v, expected height 200 and 0.25 top and bottom", r, pad)
	}
	x, y := pad.remove(0.5, 0.25)
	if x != 0.5 || y != 0 {
		t.Errorf("remove(0.5, 0.25) = (%g, %g), expected (0.5, 0)", x, y)
	}
}

func TestWarpTensorIdentity(t *testing.T) {
	// Warping a whole 2×2 image into a 2×2 tensor samples pixel centres
	// exactly, so values come back unchanged (scaled to [0, 1]).
	img := &rgbImage{width: 2, height: 2, pix: []uint8{
		0, 0, 0, 255, 0, 0,
		0, 255, 0, 0, 0, 255}}
	dst := make([]float32, 12)
	warpTensor(dst, 2, 2, img, pixelRect{1, 1, 2, 2, 0}, 0, 1, borderZero)
	want := []float32{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("tensor %v, expected %v", dst, want)
		}
	}
}

func TestNormalizeRadians(t *testing.T) {
	for _, tc := range [][2]float64{{3 * math.Pi, -math.Pi}, {-math.Pi, -math.Pi},
		{math.Pi / 2, math.Pi / 2}, {-3 * math.Pi / 2, math.Pi / 2}} {
		if got := normalizeRadians(tc[0]); !near(got, tc[1], 1e-12) {
			t.Errorf("normalizeRadians(%g) = %g, expected %g", tc[0], got, tc[1])
		}
	}
}
