package mnist

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damagedCopies returns truncations and single-bit flips of data, spread
// over its length, for seed corpora.
func damagedCopies(data []byte) [][]byte {
	var out [][]byte
	for _, fraction := range []int{1, 2, 4, 8, 16, 64} {
		out = append(out, data[:len(data)*fraction/(fraction+1)])
	}
	for i := 1; i <= 8; i++ {
		flipped := bytes.Clone(data)
		at := len(data) * i / 9
		if at < len(flipped) {
			flipped[at] ^= 1 << (i % 8)
			out = append(out, flipped)
		}
	}
	return out
}

func idxSeeds(f *testing.F) [][]byte {
	images, err := os.ReadFile(first20ImagesFile)
	if err != nil {
		f.Fatal(err)
	}
	labels, err := os.ReadFile(first20LabelsFile)
	if err != nil {
		f.Fatal(err)
	}
	unzipped, err := gzip.NewReader(bytes.NewReader(images))
	if err != nil {
		f.Fatal(err)
	}
	rawImages, err := io.ReadAll(unzipped)
	if err != nil {
		f.Fatal(err)
	}

	seeds := [][]byte{images, labels, rawImages[:16+3*784], []byte("<html>moved</html>")}
	for _, data := range [][]byte{images, labels, rawImages[:16+3*784]} {
		seeds = append(seeds, damagedCopies(data)...)
	}
	return seeds
}

func FuzzReadIDX(f *testing.F) {
	for _, seed := range idxSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := DecodeLabels(bytes.NewReader(data), "fuzz"); err != nil &&
			!strings.HasPrefix(err.Error(), "mnist: read fuzz: ") {
			t.Fatalf("DecodeLabels error %q does not name the input", err)
		}

		images, err := DecodeImages(bytes.NewReader(data), "fuzz")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "mnist: read fuzz: ") {
				t.Fatalf("DecodeImages error %q does not name the input", err)
			}
			return
		}
		if len(images.Pixels) != images.N*images.Rows*images.Cols {
			t.Fatalf("%d pixels for %d×%d×%d", len(images.Pixels),
				images.N, images.Rows, images.Cols)
		}
		compareStream(t, data, images)
	})
}

// compareStream requires the streaming reader to return the same images
// as DecodeImages did.
func compareStream(t *testing.T, data []byte, images *Images) {
	reader, err := NewImageReader(bytes.NewReader(data), "fuzz")
	if err != nil {
		t.Fatalf("NewImageReader failed where DecodeImages succeeded: %v", err)
	}
	defer reader.Close()
	for i := 0; i < images.N; i++ {
		pixels, err := reader.Next()
		if err != nil {
			t.Fatalf("Next at image %d: %v", i, err)
		}
		if !bytes.Equal(pixels, images.Image(i)) {
			t.Fatalf("image %d differs between the readers", i)
		}
	}
	if _, err := reader.Next(); err != io.EOF {
		t.Fatalf("Next after the last image = %v, want io.EOF", err)
	}
}

func FuzzDecodeDigitImage(f *testing.F) {
	paths, err := filepath.Glob("testdata/digits/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		for _, damaged := range damagedCopies(data) {
			f.Add(damaged)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pixels, _, err := DecodeDigitImage(bytes.NewReader(data), "fuzz.png")
		if err != nil {
			return
		}
		if len(pixels) != DigitSize*DigitSize {
			t.Fatalf("%d values, want %d", len(pixels), DigitSize*DigitSize)
		}
		for i, v := range pixels {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("value %d = %v, outside [0, 1]", i, v)
			}
		}
	})
}
