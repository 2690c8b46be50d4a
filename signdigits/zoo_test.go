package signdigits

import (
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/models"
)

// minTestAccuracy is the accuracy the embedded weights must reach on the
// split's test part, counting photos without a hand as wrong.
const minTestAccuracy = 0.95

// TestBuiltinAccuracy finds the hands of the 389 test photos with
// HandOptions and checks the embedded weights on them. models/zoo/README.md
// gives the figure of the training run, 387/389. It took 13 s on 2 busy
// cores, and -short skips it.
func TestBuiltinAccuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("finds the hands of 389 photos; skipped with -short")
	}
	photos, err := ListPhotos(shareddata.Path(t, "sign-digits"))
	if err != nil {
		t.Fatal(err)
	}
	_, test := Split(photos)
	detections, err := DetectAll(test)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range detections {
		if d.Err != nil {
			t.Errorf("%s: %v", d.Photo.Path, d.Err)
		}
	}
	data, missing := Dataset(detections)
	data.Missing = missing

	net, _, err := models.LoadBuiltin("signdigits")
	if err != nil {
		t.Fatal(err)
	}
	got := models.Evaluate(net, data, 1000)
	t.Logf("%d/%d correct, %d photos without a hand", got.Correct, got.Total, missing)
	if got.Accuracy() < minTestAccuracy {
		t.Errorf("embedded signdigits: %d/%d correct (%.2f%%), want at least %.0f%%",
			got.Correct, got.Total, 100*got.Accuracy(), 100*minTestAccuracy)
	}
	if msg := got.Collapse(); msg != "" {
		t.Errorf("embedded signdigits reported as collapsed: %s", msg)
	}
}
