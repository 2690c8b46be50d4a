package pipeline

import (
	"bytes"
	_ "embed"
)

// sampleDigits is an IDX file of the first 10 images of the MNIST test set
// (t10k-images-idx3-ubyte), uncompressed. TestUpdateSampleDigits rewrites
// it from the full test set with -update.
//
//go:embed sampledata/t10k-images-first10-idx3-ubyte
var sampleDigits []byte

// SampleSourceName is the source name of the embedded sample digits.
const SampleSourceName = "embedded:t10k-images-first10-idx3-ubyte"

// SampleDigits returns a source for the first 10 MNIST test digits, which
// are embedded in the binary.
func SampleDigits() Source {
	return NewIDXSource(bytes.NewReader(sampleDigits), SampleSourceName)
}
