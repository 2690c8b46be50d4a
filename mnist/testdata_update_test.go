package mnist

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
)

var update = flag.Bool("update", false,
	"rewrite the files under testdata/ from the shared MNIST copy")

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

	for _, sample := range digitSamples {
		digit := images.Image(sample.index)
		writeTestdata(t, filepath.Join("testdata", "digits", sample.file),
			encodeSample(t, sample, digit))
	}
}

// digitSample is a committed digit image made from MNIST test image index.
type digitSample struct {
	file  string
	index int
	make  func(digit []uint8) image.Image
}

// digitSamples cover the image kinds that LoadDigitImage must handle. The
// digit in file N is MNIST test image N, whose label is firstTestLabels[N].
var digitSamples = []digitSample{
	{"0_grey28.png", 0, func(d []uint8) image.Image { return greyDigit(d, 28, false) }},
	{"1_grey100.png", 1, func(d []uint8) image.Image { return greyDigit(d, 100, false) }},
	{"2_black_on_white28.png", 2, func(d []uint8) image.Image { return greyDigit(d, 28, true) }},
	{"3_rgb56.png", 3, colourDigit},
	{"4_black_on_white56.jpg", 4, func(d []uint8) image.Image { return greyDigit(d, 56, true) }},
	{"5_grey16bit28.png", 5, grey16Digit},
	{"6_paletted28.png", 6, palettedDigit},
	{"7_transparent64.png", 7, transparentDigit},
	{"8_wide40x28.png", 8, wideDigit},
	{"9_rgb14.jpg", 9, smallColourDigit},
}

func encodeSample(t *testing.T, sample digitSample, digit []uint8) []byte {
	var out bytes.Buffer
	img := sample.make(digit)
	var err error
	if strings.HasSuffix(sample.file, ".jpg") {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 95})
	} else {
		err = png.Encode(&out, img)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// sampleAt returns the MNIST pixel under (x, y) of a side×side copy,
// by nearest neighbour.
func sampleAt(digit []uint8, x, y, side int) uint8 {
	return digit[(y*28/side)*28+x*28/side]
}

func greyDigit(digit []uint8, side int, invert bool) image.Image {
	img := image.NewGray(image.Rect(0, 0, side, side))
	for y := 0; y < side; y++ {
		for x := 0; x < side; x++ {
			v := sampleAt(digit, x, y, side)
			if invert {
				v = 255 - v
			}
			img.SetGray(x, y, color.Gray{v})
		}
	}
	return img
}

// colourDigit draws the digit in yellow on dark blue.
func colourDigit(digit []uint8) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 56, 56))
	for y := 0; y < 56; y++ {
		for x := 0; x < 56; x++ {
			v := uint16(sampleAt(digit, x, y, 56))
			img.SetNRGBA(x, y, color.NRGBA{uint8(v), uint8(v), uint8(64 - v*64/255), 255})
		}
	}
	return img
}

func grey16Digit(digit []uint8) image.Image {
	img := image.NewGray16(image.Rect(0, 0, 28, 28))
	for i, v := range digit {
		img.SetGray16(i%28, i/28, color.Gray16{uint16(v) * 0x101})
	}
	return img
}

// palettedDigit quantises the digit to 16 grey levels.
func palettedDigit(digit []uint8) image.Image {
	palette := make(color.Palette, 16)
	for i := range palette {
		palette[i] = color.Gray{uint8(i * 17)}
	}
	img := image.NewPaletted(image.Rect(0, 0, 28, 28), palette)
	for i, v := range digit {
		img.SetColorIndex(i%28, i/28, uint8((int(v)+8)/17))
	}
	return img
}

// transparentDigit draws black ink whose alpha is the MNIST pixel, on a
// fully transparent background.
func transparentDigit(digit []uint8) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.SetNRGBA(x, y, color.NRGBA{0, 0, 0, sampleAt(digit, x, y, 64)})
		}
	}
	return img
}

// wideDigit centres the 28×28 digit in a black 40×28 image.
func wideDigit(digit []uint8) image.Image {
	img := image.NewGray(image.Rect(0, 0, 40, 28))
	for i, v := range digit {
		img.SetGray(6+i%28, i/28, color.Gray{v})
	}
	return img
}

// smallColourDigit halves the digit to 14×14 by 2×2 averaging, in cyan on
// black.
func smallColourDigit(digit []uint8) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 14, 14))
	for y := 0; y < 14; y++ {
		for x := 0; x < 14; x++ {
			sum := int(digit[2*y*28+2*x]) + int(digit[2*y*28+2*x+1]) +
				int(digit[(2*y+1)*28+2*x]) + int(digit[(2*y+1)*28+2*x+1])
			v := uint8((sum + 2) / 4)
			img.SetRGBA(x, y, color.RGBA{0, v, v, 255})
		}
	}
	return img
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
