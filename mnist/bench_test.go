package mnist

import (
	"io"
	"testing"

	"pipeline/internal/shareddata"
)

// BenchmarkImageReader streams the 10,000 shared MNIST test images, as the
// run command does. Allocations should stay near one 784-byte slice per image.
func BenchmarkImageReader(b *testing.B) {
	path := shareddata.Path(b, "mnist/t10k-images-idx3-ubyte.gz")
	b.ReportAllocs()
	images := 0
	for b.Loop() {
		reader, err := OpenImages(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			_, err := reader.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			images++
		}
		reader.Close()
	}
	b.ReportMetric(float64(images)/b.Elapsed().Seconds(), "img/s")
}

func BenchmarkLoadDigitImage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := LoadDigitImage("testdata/digits/1_grey100.png"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "img/s")
}
