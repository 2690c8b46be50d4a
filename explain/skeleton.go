package explain

import (
	"image"
	"image/color"
)

// DrawSkeleton draws keypoints joined by bones onto img: each bone, a pair
// of indices into points, as a 1-pixel line in boneColor, then each point
// as a disc of the given radius in pointColor(index). Parts outside img
// are clipped.
func DrawSkeleton(img *image.RGBA, points []image.Point, bones [][2]int, radius int,
	boneColor color.RGBA, pointColor func(int) color.RGBA) {
	for _, bone := range bones {
		drawLine(img, points[bone[0]], points[bone[1]], boneColor)
	}
	for k, p := range points {
		fillCircle(img, p, radius, pointColor(k))
	}
}

// drawLine draws a 1-pixel line from a to b (Bresenham), clipped to img.
func drawLine(img *image.RGBA, a, b image.Point, c color.RGBA) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	stepX, stepY := sign(b.X-a.X), sign(b.Y-a.Y)
	errSum := dx + dy
	for steps := 0; steps <= dx-dy; steps++ {
		img.SetRGBA(a.X, a.Y, c) // SetRGBA ignores points outside img
		if a == b {
			return
		}
		if 2*errSum >= dy {
			errSum += dy
			a.X += stepX
		}
		if 2*errSum <= dx {
			errSum += dx
			a.Y += stepY
		}
	}
}

func fillCircle(img *image.RGBA, center image.Point, radius int, c color.RGBA) {
	for y := -radius; y <= radius; y++ {
		for x := -radius; x <= radius; x++ {
			if x*x+y*y <= radius*radius {
				img.SetRGBA(center.X+x, center.Y+y, c)
			}
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func sign(x int) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
