package report

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"pipeline/models"
)

// classColors is the ten-colour qualitative palette of matplotlib ("tab10").
var classColors = []color.RGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff},
	{0xd6, 0x27, 0x28, 0xff}, {0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff},
	{0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff}, {0xbc, 0xbd, 0x22, 0xff},
	{0x17, 0xbe, 0xcf, 0xff},
}

// curvePlot draws a train and a test series per epoch.
func curvePlot(path, title, yLabel string, metrics []models.EpochMetrics,
	train, test func(models.EpochMetrics) float64) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = yLabel
	p.Add(plotter.NewGrid())
	series := []struct {
		name  string
		value func(models.EpochMetrics) float64
		color color.RGBA
	}{{"train", train, classColors[0]}, {"test", test, classColors[1]}}
	for _, s := range series {
		points := make(plotter.XYs, len(metrics))
		for i, m := range metrics {
			points[i] = plotter.XY{X: float64(m.Epoch), Y: s.value(m)}
		}
		line, dots, err := plotter.NewLinePoints(points)
		if err != nil {
			return err
		}
		line.Color, dots.Color = s.color, s.color
		dots.Shape = draw.CircleGlyph{}
		p.Add(line, dots)
		p.Legend.Add(s.name, line, dots)
	}
	// Accuracy rises and loss falls: keep the legend in the empty corner.
	p.Legend.Top = yLabel != "accuracy (%)"
	return p.Save(6*vg.Inch, 4*vg.Inch, path)
}

// scatterPlot draws a PCA projection with one colour per class.
func scatterPlot(path, title string, proj projection, labels []int, names []string) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = fmt.Sprintf("PC1 (%.1f%% of variance)", 100*proj.Explained[0])
	p.Y.Label.Text = fmt.Sprintf("PC2 (%.1f%% of variance)", 100*proj.Explained[1])
	byClass := map[int]plotter.XYs{}
	for i, label := range labels {
		byClass[label] = append(byClass[label], plotter.XY{X: proj.X[i], Y: proj.Y[i]})
	}
	for class := range len(names) {
		points := byClass[class]
		if len(points) == 0 {
			continue
		}
		s, err := plotter.NewScatter(points)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = classColors[class%len(classColors)]
		s.GlyphStyle.Radius = vg.Points(1.8)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add(names[class], s)
	}
	// Widen the x range so that the legend sits right of the points.
	p.X.Max += 0.15 * (p.X.Max - p.X.Min)
	p.Legend.Top = true
	return p.Save(6*vg.Inch, 5*vg.Inch, path)
}
