package mnist

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// meanAbsDiff compares loaded values in [0, 1] with an MNIST image.
func meanAbsDiff(got []float32, want []uint8) float64 {
	var sum float64
	for i, v := range want {
		sum += math.Abs(float64(got[i]) - float64(v)/255)
	}
	return sum / float64(len(want))
}

// correlation is Pearson's r between loaded values and an MNIST image.
func correlation(got []float32, want []uint8) float64 {
	n := float64(len(want))
	var sumX, sumY, sumXX, sumYY, sumXY float64
	for i, v := range want {
		x, y := float64(got[i]), float64(v)/255
		sumX += x
		sumY += y
		sumXX += x * x
		sumYY += y * y
		sumXY += x * y
	}
	covariance := sumXY/n - sumX/n*sumY/n
	return covariance / math.Sqrt((sumXX/n-sumX/n*sumX/n)*(sumYY/n-sumY/n*sumY/n))
}

// The samples are MNIST test images redrawn by TestUpdateTestdata; the
// tolerances are at least 1.5 times the values measured when they were added.
func TestLoadDigitImageSamples(t *testing.T) {
	originals, err := ReadImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	const resizedByArea = "resized from %d×%d to 28×28 by area averaging"
	tests := []struct {
		file    string
		notes   []string
		maxDiff float64 // mean absolute difference from the MNIST image
		minCorr float64 // Pearson correlation with the MNIST image
	}{
		{"0_grey28.png", nil, 1e-6, 0.999999},
		{"1_grey100.png", []string{fmt.Sprintf(resizedByArea, 100, 100)}, 0.025, 0.98},
		{"2_black_on_white28.png", []string{NoteInverted}, 1e-6, 0.999999},
		// Yellow ink has luma 0.886, so values differ but correlate fully.
		{"3_rgb56.png", []string{fmt.Sprintf(resizedByArea, 56, 56)}, 0.06, 0.999},
		{"4_black_on_white56.jpg",
			[]string{NoteInverted, fmt.Sprintf(resizedByArea, 56, 56)}, 0.005, 0.999},
		{"5_grey16bit28.png", nil, 1e-6, 0.999999},
		{"6_paletted28.png", nil, 0.005, 0.999}, // 16 grey levels
		{"7_transparent64.png", []string{"transparent pixels composited onto white",
			NoteInverted, fmt.Sprintf(resizedByArea, 64, 64)}, 0.025, 0.97},
		{"9_rgb14.jpg",
			[]string{"resized from 14×14 to 28×28 by bilinear interpolation"}, 0.14, 0.9},
	}
	for _, test := range tests {
		t.Run(test.file, func(t *testing.T) {
			got, notes, err := LoadDigitImage(filepath.Join("testdata", "digits", test.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != DigitSize*DigitSize {
				t.Fatalf("%d values, want %d", len(got), DigitSize*DigitSize)
			}
			if !reflect.DeepEqual(notes, test.notes) {
				t.Errorf("notes = %q, want %q", notes, test.notes)
			}
			want := originals.Image(sampleIndex(t, test.file))
			if diff := meanAbsDiff(got, want); diff > test.maxDiff {
				t.Errorf("mean absolute difference %.4f, want at most %g", diff, test.maxDiff)
			}
			if corr := correlation(got, want); corr < test.minCorr {
				t.Errorf("correlation %.4f, want at least %g", corr, test.minCorr)
			}
		})
	}
}

func sampleIndex(t *testing.T, file string) int {
	for _, sample := range digitSamples {
		if sample.file == file {
			return sample.index
		}
	}
	t.Fatalf("no digit sample %s", file)
	return 0
}

// 8_wide40x28.png holds the 28×28 digit centred in a black 40×28 image, so
// padding to 40×40 and area averaging to 28×28 must keep the ink and scale
// its total by (28/40)².
func TestLoadDigitImagePadsToSquare(t *testing.T) {
	originals, err := ReadImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	got, notes, err := LoadDigitImage("testdata/digits/8_wide40x28.png")
	if err != nil {
		t.Fatal(err)
	}
	wantNotes := []string{"padded from 40×28 to 40×40 with the background grey",
		"resized from 40×40 to 28×28 by area averaging"}
	if !reflect.DeepEqual(notes, wantNotes) {
		t.Errorf("notes = %q, want %q", notes, wantNotes)
	}

	var gotInk, wantInk float64
	for _, v := range got {
		gotInk += float64(v)
	}
	for _, v := range originals.Image(8) {
		wantInk += float64(v) / 255 * (28.0 / 40) * (28.0 / 40)
	}
	if math.Abs(gotInk-wantInk) > 1e-3*wantInk {
		t.Errorf("total ink %.3f, want %.3f (tol 0.1%%)", gotInk, wantInk)
	}
	for x := 0; x < DigitSize; x++ {
		if top, bottom := got[x], got[(DigitSize-1)*DigitSize+x]; top != 0 || bottom != 0 {
			t.Errorf("border column %d = %v, %v, want black", x, top, bottom)
		}
	}
}

func TestDecodeDigitImageFromReader(t *testing.T) {
	data, err := os.ReadFile("testdata/digits/0_grey28.png")
	if err != nil {
		t.Fatal(err)
	}
	fromReader, _, err := DecodeDigitImage(bytes.NewReader(data), "digit.png")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, _, err := LoadDigitImage("testdata/digits/0_grey28.png")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromReader, fromFile) {
		t.Error("DecodeDigitImage and LoadDigitImage disagree")
	}
}

// pngWithSize returns a 1×1 grey PNG whose IHDR chunk declares another
// size, with a valid CRC-32.
func pngWithSize(t *testing.T, width, height uint32) []byte {
	var out bytes.Buffer
	if err := png.Encode(&out, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		t.Fatal(err)
	}
	data := out.Bytes()
	ihdr := data[12:29] // chunk type and 13 data bytes
	binary.BigEndian.PutUint32(ihdr[4:], width)
	binary.BigEndian.PutUint32(ihdr[8:], height)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(ihdr))
	return data
}

func TestLoadDigitImageErrors(t *testing.T) {
	valid, err := os.ReadFile("testdata/digits/3_rgb56.png")
	if err != nil {
		t.Fatal(err)
	}
	validJPEG, err := os.ReadFile("testdata/digits/9_rgb14.jpg")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		data      []byte
		want      string
		truncated bool
	}{
		{"empty.png", nil, "empty file", false},
		{"page.png", []byte("<!doctype html><title>404</title>"),
			"not a PNG or JPEG image: looks like HTML", false},
		{"notes.png", []byte("just some text\n"),
			"not a PNG or JPEG image (first bytes 6a 75 73 74 20 73 6f 6d)", false},
		{"truncated.png", valid[:len(valid)/2],
			"invalid image data: png: invalid format: not enough pixel data (truncated file?)",
			true},
		{"header-only.png", valid[:20], "invalid image data: unexpected EOF", true},
		{"truncated.jpg", validJPEG[:len(validJPEG)/2], "invalid image data", true},
		{"huge.png", pngWithSize(t, 100000, 100000),
			"implausible png image size 100000×100000", false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), test.name)
			if err := os.WriteFile(path, test.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := LoadDigitImage(path)
			if err == nil {
				t.Fatal("LoadDigitImage accepted a bad file")
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !strings.HasPrefix(err.Error(), "mnist: read "+path+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %q does not match ErrFormat", err)
			}
			if errors.Is(err, ErrTruncated) != test.truncated {
				t.Errorf("errors.Is(%q, ErrTruncated) = %v, want %v",
					err, !test.truncated, test.truncated)
			}
		})
	}
}

func TestLoadDigitImageMissing(t *testing.T) {
	_, _, err := LoadDigitImage(filepath.Join(t.TempDir(), "absent.png"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want os.ErrNotExist", err)
	}
}

func TestListImagesByteOrder(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.png", "a.JPG", "10.png", "2.png", "B.jpeg",
		".hidden.png", "notes.txt", "scan.gif"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder.png"), 0o755); err != nil {
		t.Fatal(err)
	}

	got, err := ListImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, name := range []string{"10.png", "2.png", "B.jpeg", "a.JPG", "b.png"} {
		want = append(want, filepath.Join(dir, name))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListImages = %q\nwant %q", got, want)
	}
}

func TestListImagesMissingFolder(t *testing.T) {
	_, err := ListImages(filepath.Join(t.TempDir(), "absent"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error = %v, want os.ErrNotExist", err)
	}
}
