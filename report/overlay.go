package report

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"pipeline/explain"
	"pipeline/landmarks"
	"pipeline/models"
)

// overlay is one sample drawn with its explanations.
type overlay struct {
	File, Caption string
}

// overlayScale is the number of screen pixels per input pixel.
const overlayScale = 8

// writeOverlays explains the first n test items (predicted class, default
// Grad-CAM layer, absolute saliency) and writes one PNG per item with
// three panels: the input, saliency over the input, Grad-CAM over the
// input. Hand keypoints are drawn as the hand's skeleton.
func writeOverlays(dir string, net *models.Net, test *models.Dataset, n int) ([]overlay, error) {
	n = min(n, test.Len())
	if n <= 0 {
		return nil, nil
	}
	explainer, err := explain.New(net, explain.Config{Saliency: true, GradCAM: true,
		Target: explain.PredictedClass})
	if err != nil {
		return nil, err
	}
	size := test.X.SampleLen()
	x := models.FromData(test.X.Data[:n*size], append([]int{n}, test.X.Shape[1:]...)...)
	result, err := explainer.Explain(x)
	if err != nil {
		return nil, err
	}
	spectrogram := net.Spec.InputKind == "spectrogram"
	var list []overlay
	for i := range n {
		var img *image.RGBA
		if net.Spec.InputKind == "keypoints" {
			img = drawHandPanels(x.Sample(i), result.ItemSaliency(i), result.ItemGradCAM(i))
		} else {
			img = drawPanels(x.Sample(i)[:result.Height*result.Width], result.ItemSaliency(i),
				result.ItemGradCAM(i), result.Height, result.Width, spectrogram)
		}
		file := fmt.Sprintf("explain_%03d.png", i)
		if err := savePNG(filepath.Join(dir, file), img); err != nil {
			return nil, err
		}
		caption := fmt.Sprintf("test item %d: true %s, predicted %s", i,
			labelOf(net.Spec.Labels, test.Y[i]), labelOf(net.Spec.Labels, result.Targets[i]))
		list = append(list, overlay{File: file, Caption: caption})
	}
	return list, nil
}

// drawPanels draws the input, the saliency map and the Grad-CAM map, each
// map blended over the grey input with a heat colour scale. Images sit side
// by side; spectrograms are stacked, with time on x and the lowest mel band
// at the bottom. The saliency map is rescaled to [0, 1] for display only.
func drawPanels(input, saliency, gradcam []float32, h, w int, spectrogram bool) *image.RGBA {
	grey := rescale(input)
	panels := [][]float32{nil, rescale(saliency), gradcam}
	scale, dx, dy := overlayScale, w*overlayScale, 0
	if spectrogram {
		scale, dx, dy = overlayScale/2, 0, h*overlayScale/2+4
	}
	img := image.NewRGBA(image.Rect(0, 0, 2*dx+w*scale, 2*dy+h*scale))
	for p, heat := range panels {
		for y := range h * scale {
			row := y / scale
			if spectrogram {
				row = h - 1 - row
			}
			for x := range w * scale {
				i := row*w + x/scale
				img.SetRGBA(p*dx+x, p*dy+y, blend(grey[i], heat, i))
			}
		}
	}
	return img
}

// handPanelSize is the side of each panel of a hand overlay, in pixels.
const handPanelSize = 240

// drawHandPanels draws a keypoint model's input three times side by side
// on black. The input is the hand's 21 points as [3, 21] (x, y and z rows,
// normalised to the wrist and hand size). The first panel shows the
// skeleton in white. The others colour its points by saliency (rescaled to
// [0, 1]) and by Grad-CAM, one value per point.
func drawHandPanels(input, saliency, gradcam []float32) *image.RGBA {
	n := landmarks.NumHandLandmarks
	xs, ys := input[:n], input[n:2*n]
	minX, maxX, minY, maxY := xs[0], xs[0], ys[0], ys[0]
	for k := range n {
		minX, maxX = min(minX, xs[k]), max(maxX, xs[k])
		minY, maxY = min(minY, ys[k]), max(maxY, ys[k])
	}
	const margin = 20
	scale := float32(handPanelSize-2*margin) / max(maxX-minX, maxY-minY, 1e-6)

	img := image.NewRGBA(image.Rect(0, 0, 3*handPanelSize, handPanelSize))
	for i := range img.Pix {
		if i%4 == 3 {
			img.Pix[i] = 255
		}
	}
	white := color.RGBA{255, 255, 255, 255}
	bone := color.RGBA{160, 160, 160, 255}

	for p, heat := range [][]float32{nil, rescale(saliency), gradcam} {
		points := make([]image.Point, n)
		for k := range n {
			points[k] = image.Pt(p*handPanelSize+margin+int((xs[k]-minX)*scale),
				margin+int((ys[k]-minY)*scale))
		}
		explain.DrawSkeleton(img, points, landmarks.HandConnections, 5, bone,
			func(k int) color.RGBA {
				if heat == nil {
					return white
				}
				return heatColor(heat[k])
			})
	}
	return img
}

func blend(grey float32, heat []float32, i int) color.RGBA {
	g := uint8(255 * grey)
	if heat == nil {
		return color.RGBA{g, g, g, 255}
	}
	hc := heatColor(heat[i])
	mix := func(a, b uint8) uint8 { return uint8((float32(a) + float32(b)) / 2) }
	return color.RGBA{mix(g, hc.R), mix(g, hc.G), mix(g, hc.B), 255}
}

// heatColor maps v in [0, 1] to a blue–cyan–yellow–red scale.
func heatColor(v float32) color.RGBA {
	v = min(max(v, 0), 1)
	stops := []color.RGBA{{0, 0, 128, 255}, {0, 200, 255, 255}, {255, 230, 0, 255},
		{220, 0, 0, 255}}
	pos := v * float32(len(stops)-1)
	k := min(int(pos), len(stops)-2)
	t := pos - float32(k)
	lerp := func(a, b uint8) uint8 { return uint8(float32(a) + t*(float32(b)-float32(a))) }
	a, b := stops[k], stops[k+1]
	return color.RGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), 255}
}

// rescale maps values linearly onto [0, 1]; a constant slice becomes zeros.
func rescale(values []float32) []float32 {
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]float32, len(values))
	if hi > lo {
		for i, v := range values {
			out[i] = (v - lo) / (hi - lo)
		}
	}
	return out
}

func savePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
