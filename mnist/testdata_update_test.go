package mnist

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"pipeline/internal/shareddata"
)

var update = flag.Bool("update", false, "rewrite the files under testdata/ from the shared MNIST copy")

// TestUpdateTestdata rewrites the committed samples from the shared MNIST
// test set when run with -update:
//
//	go test ./mnist -run TestUpdateTestdata -update
func TestUpdateTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite testdata/")
	}
	images, err := ReadImages(shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ReadLabels(shareddata.Path(t, "mnist/t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}

	const n = 20
	size := images.Rows * images.Cols
	header := []uint32{n, uint32(images.Rows), uint32(images.Cols)}
	imageFile := idxBytes(imagesMagic, header, images.Pixels[:n*size])
	writeTestdata(t, first20ImagesFile, gzipBytes(t, imageFile))
	writeTestdata(t, first20LabelsFile, idxBytes(labelsMagic, []uint32{n}, labels[:n]))
}

func writeTestdata(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
