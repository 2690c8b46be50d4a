package report

import (
	"fmt"
	"html/template"
	"path/filepath"

	"pipeline/internal/atomicfile"
	"pipeline/models"
)

// Options selects the run, the test set and the amount of plotted data.
type Options struct {
	RunDir  string          // a folder written by `pipeline train`
	Test    *models.Dataset // the test set, normalised as the model expects
	PCASize int             // test items in the PCA scatter plots (1,000 by default)
	Samples int             // test items with saliency and Grad-CAM overlays
}

// page is the data behind the HTML template.
type page struct {
	Run        string
	Config     models.RunConfig
	Layers     []models.LayerSummary
	InputShape string
	ParamCount int
	Result     models.EvalResult
	Accuracy   float64
	Collapse   string
	Metrics    []models.EpochMetrics
	Curves     []string
	PCA        []pcaPlot
	Overlays   []overlay
	Labels     []string
}

type pcaPlot struct {
	Layer, File string
}

// Write evaluates the run's weights on opts.Test and writes
// RUNDIR/report.html with its PNG files beside it. It returns the path of
// the page.
func Write(opts Options) (string, error) {
	cfg, metrics, net, err := models.LoadRun(opts.RunDir)
	if err != nil {
		return "", err
	}
	if opts.PCASize <= 0 {
		opts.PCASize = 1000
	}
	result := models.Evaluate(net, opts.Test, 1000)
	pg := page{
		Run: opts.RunDir, Config: cfg, Layers: models.Summary(net, 1),
		InputShape: models.FormatShape(append([]int{1}, net.Spec.Input...)),
		ParamCount: net.ParamCount(), Result: result, Accuracy: 100 * result.Accuracy(),
		Collapse: result.Collapse(), Metrics: metrics, Labels: net.Spec.Labels,
	}
	if pg.Curves, err = writeCurves(opts.RunDir, metrics); err != nil {
		return "", err
	}
	if pg.PCA, err = writePCA(opts.RunDir, net, opts.Test, opts.PCASize); err != nil {
		return "", err
	}
	if pg.Overlays, err = writeOverlays(opts.RunDir, net, opts.Test, opts.Samples); err != nil {
		return "", err
	}
	path := filepath.Join(opts.RunDir, "report.html")
	return path, writePage(path, pg)
}

func writeCurves(dir string, metrics []models.EpochMetrics) ([]string, error) {
	if len(metrics) == 0 {
		return nil, nil
	}
	accuracy := func(pick func(models.EpochMetrics) float64) func(models.EpochMetrics) float64 {
		return func(m models.EpochMetrics) float64 { return 100 * pick(m) }
	}
	err := curvePlot(filepath.Join(dir, "accuracy.png"), "Accuracy per epoch", "accuracy (%)",
		metrics, accuracy(func(m models.EpochMetrics) float64 { return m.TrainAcc }),
		accuracy(func(m models.EpochMetrics) float64 { return m.TestAcc }))
	if err != nil {
		return nil, err
	}
	err = curvePlot(filepath.Join(dir, "loss.png"), "Mean cross-entropy per epoch", "loss",
		metrics, func(m models.EpochMetrics) float64 { return m.TrainLoss },
		func(m models.EpochMetrics) float64 { return m.TestLoss })
	if err != nil {
		return nil, err
	}
	return []string{"accuracy.png", "loss.png"}, nil
}

// writePCA projects the outputs of every fully connected layer for the
// first n test items on two principal components.
func writePCA(dir string, net *models.Net, test *models.Dataset, n int) ([]pcaPlot, error) {
	n = min(n, test.Len())
	var layers []string
	for _, name := range net.LayerNames() {
		if len(name) > 2 && name[:2] == "fc" {
			layers = append(layers, name)
		}
	}
	if err := net.KeepOutputs(layers...); err != nil {
		return nil, err
	}
	defer net.KeepOutputs()
	size := test.X.SampleLen()
	x := models.FromData(test.X.Data[:n*size], append([]int{n}, test.X.Shape[1:]...)...)
	net.Forward(x, false)
	var plots []pcaPlot
	for _, layer := range layers {
		out := net.Output(layer)
		proj, err := pca2(out.Data, n, out.SampleLen())
		if err != nil {
			return nil, fmt.Errorf("%s: %w", layer, err)
		}
		file := "pca_" + layer + ".png"
		title := fmt.Sprintf("PCA of %s outputs, %d test items", layer, n)
		if err := scatterPlot(filepath.Join(dir, file), title, proj, test.Y[:n],
			net.Spec.Labels); err != nil {
			return nil, err
		}
		plots = append(plots, pcaPlot{Layer: layer, File: file})
	}
	return plots, nil
}

func writePage(path string, pg page) error {
	tmpl, err := template.New("report").Funcs(template.FuncMap{
		"shape": models.FormatShape,
		"pct":   func(v float64) string { return fmt.Sprintf("%.2f%%", 100*v) },
		"f6":    func(v float64) string { return fmt.Sprintf("%.6f", v) },
		"label": func(i int) string { return labelOf(pg.Labels, i) },
	}).Parse(pageTemplate)
	if err != nil {
		return err
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := tmpl.Execute(f, pg); err != nil {
		return err
	}
	return f.Commit()
}

func labelOf(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return fmt.Sprint(i)
}
