package pipeline

import (
	"encoding/binary"
	"flag"
	"os"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/mnist"
)

var update = flag.Bool("update", false, "rewrite sampledata/ from the shared MNIST copy")

// TestUpdateSampleDigits rewrites the embedded sample digits from the
// shared MNIST test set when run with -update:
//
//	go test ./pipeline -run TestUpdateSampleDigits -update
func TestUpdateSampleDigits(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite sampledata/")
	}
	images, err := mnist.ReadImages(shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 10
	header := []uint32{0x00000803, n, uint32(images.Rows), uint32(images.Cols)}
	data := binary.BigEndian.AppendUint32(nil, header[0])
	for _, v := range header[1:] {
		data = binary.BigEndian.AppendUint32(data, v)
	}
	data = append(data, images.Pixels[:n*images.Rows*images.Cols]...)
	if err := os.WriteFile("sampledata/t10k-images-first10-idx3-ubyte", data, 0o644); err != nil {
		t.Fatal(err)
	}
}
