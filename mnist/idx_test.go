package mnist

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
)

// Committed subset of the MNIST test set: its first 20 images and labels,
// written by TestUpdateTestdata.
const (
	first20ImagesFile = "testdata/t10k-images-first20-idx3-ubyte.gz"
	first20LabelsFile = "testdata/t10k-labels-first20-idx1-ubyte"
)

// First labels of the standard MNIST training and test label files.
var (
	firstTrainLabels = []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4}
	firstTestLabels  = []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}
)

// idxBytes assembles an IDX file from a magic number, dimensions and body.
func idxBytes(magic uint32, dims []uint32, body []byte) []byte {
	out := binary.BigEndian.AppendUint32(nil, magic)
	for _, d := range dims {
		out = binary.BigEndian.AppendUint32(out, d)
	}
	return append(out, body...)
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	writer := gzip.NewWriter(&out)
	if _, err := writer.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := writer.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func TestReadImagesSharedTestSet(t *testing.T) {
	images, err := ReadImages(shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if images.N != 10000 || images.Rows != 28 || images.Cols != 28 {
		t.Errorf("size = %d×%d×%d, want 10000×28×28", images.N, images.Rows, images.Cols)
	}
	if len(images.Pixels) != 10000*28*28 {
		t.Errorf("len(Pixels) = %d, want %d", len(images.Pixels), 10000*28*28)
	}
	// Every MNIST image has a black border and some white stroke.
	first := images.Image(0)
	if first[0] != 0 {
		t.Errorf("corner pixel of image 0 = %d, want 0", first[0])
	}
	if maximum := slicesMax(first); maximum < 250 {
		t.Errorf("brightest pixel of image 0 = %d, want at least 250", maximum)
	}
}

func slicesMax(values []uint8) uint8 {
	var maximum uint8
	for _, v := range values {
		maximum = max(maximum, v)
	}
	return maximum
}

func TestReadLabelsSharedSets(t *testing.T) {
	tests := []struct {
		file  string
		n     int
		first []uint8
	}{
		{"mnist/train-labels-idx1-ubyte.gz", 60000, firstTrainLabels},
		{"mnist/t10k-labels-idx1-ubyte.gz", 10000, firstTestLabels},
	}
	for _, test := range tests {
		t.Run(filepath.Base(test.file), func(t *testing.T) {
			labels, err := ReadLabels(shareddata.Path(t, test.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(labels) != test.n {
				t.Errorf("len(labels) = %d, want %d", len(labels), test.n)
			}
			if !bytes.Equal(labels[:10], test.first) {
				t.Errorf("first labels = %v, want %v", labels[:10], test.first)
			}
		})
	}
}

func TestLoadDirShared(t *testing.T) {
	dir := filepath.Dir(shareddata.Path(t, "mnist/train-images-idx3-ubyte.gz"))
	train, test, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Images.N != 60000 || len(train.Labels) != 60000 {
		t.Errorf("train set = %d images, %d labels, want 60000 each",
			train.Images.N, len(train.Labels))
	}
	if test.Images.N != 10000 || len(test.Labels) != 10000 {
		t.Errorf("test set = %d images, %d labels, want 10000 each",
			test.Images.N, len(test.Labels))
	}
	if !bytes.Equal(train.Labels[:10], firstTrainLabels) {
		t.Errorf("first train labels = %v, want %v", train.Labels[:10], firstTrainLabels)
	}
}

func TestLoadDirCountMismatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	twoImages := idxBytes(imagesMagic, []uint32{2, 1, 1}, []byte{0, 255})
	write(TrainImagesFile, twoImages)
	write(TrainLabelsFile+".gz", gzipBytes(t, idxBytes(labelsMagic, []uint32{2}, []byte{3, 4})))
	write(TestImagesFile, twoImages)
	write(TestLabelsFile, idxBytes(labelsMagic, []uint32{1}, []byte{3}))

	_, _, err := LoadDir(dir)
	want := "contains 2 images but"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("LoadDir error = %v, want it to contain %q", err, want)
	}
}

func TestLoadDirMissingFile(t *testing.T) {
	_, _, err := LoadDir(t.TempDir())
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadDir error = %v, want os.ErrNotExist", err)
	}
	if err == nil || !strings.Contains(err.Error(), TrainImagesFile+".gz") {
		t.Errorf("LoadDir error = %v, want it to name %s.gz", err, TrainImagesFile)
	}
}

func TestReadCommittedSubset(t *testing.T) {
	images, err := ReadImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	labels, err := ReadLabels(first20LabelsFile)
	if err != nil {
		t.Fatal(err)
	}
	if images.N != 20 || images.Rows != 28 || images.Cols != 28 {
		t.Errorf("size = %d×%d×%d, want 20×28×28", images.N, images.Rows, images.Cols)
	}
	if !bytes.Equal(labels[:10], firstTestLabels) {
		t.Errorf("first labels = %v, want %v", labels[:10], firstTestLabels)
	}
}

func TestImageReaderMatchesReadImages(t *testing.T) {
	want, err := ReadImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := OpenImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	if reader.Len() != 20 || reader.Rows() != 28 || reader.Cols() != 28 {
		t.Errorf("size = %d×%d×%d, want 20×28×28", reader.Len(), reader.Rows(), reader.Cols())
	}

	for i := 0; i < want.N; i++ {
		pixels, err := reader.Next()
		if err != nil {
			t.Fatalf("Next at image %d: %v", i, err)
		}
		if !bytes.Equal(pixels, want.Image(i)) {
			t.Errorf("image %d differs from ReadImages", i)
		}
	}
	if _, err := reader.Next(); err != io.EOF {
		t.Errorf("Next after the last image = %v, want io.EOF", err)
	}
	if err := reader.Close(); err != nil {
		t.Errorf("first Close = %v", err)
	}
	if err := reader.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func TestImageReaderReportsTruncationIndex(t *testing.T) {
	body := make([]byte, 2*4+3) // two 2×2 images and 3 bytes of a third
	data := gzipBytes(t, idxBytes(imagesMagic, []uint32{5, 2, 2}, body))
	reader, err := NewImageReader(bytes.NewReader(data), "five.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	for i := 0; i < 2; i++ {
		if _, err := reader.Next(); err != nil {
			t.Fatalf("Next at image %d: %v", i, err)
		}
	}
	_, err = reader.Next()
	want := "mnist: read five.gz: truncated: data ends at image 2 of 5 (3 of its 4 bytes present)"
	if err == nil || err.Error() != want {
		t.Errorf("Next error = %v\nwant %s", err, want)
	}
	if !errors.Is(err, ErrTruncated) {
		t.Errorf("error %v does not match ErrTruncated", err)
	}
	if _, again := reader.Next(); again != err {
		t.Errorf("second Next error = %v, want the same sticky error", again)
	}
}

func TestOpenImagesChecksRawFileSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short-idx3-ubyte")
	data := idxBytes(imagesMagic, []uint32{10000, 28, 28}, make([]byte, 1000))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OpenImages(path)
	want := "truncated: header declares 10000 images of 28×28 (7840000 bytes) " +
		"but only 1000 bytes follow (1 whole images)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("OpenImages error = %v, want it to contain %q", err, want)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	image := idxBytes(imagesMagic, []uint32{2, 2, 2}, make([]byte, 8))
	corruptGzip := gzipBytes(t, image)
	corruptGzip[len(corruptGzip)-6] ^= 0xff // a CRC-32 byte of the gzip trailer
	html := []byte("<!DOCTYPE html>\n<html><body>Moved</body></html>")

	tests := []struct {
		name      string
		data      []byte
		want      string
		truncated bool
	}{
		{"empty", nil, "empty file", true},
		{"short header", image[:3], "truncated header: data ends before the magic number",
			true},
		{"short dimensions", image[:10], "data ends before the dimension 1", true},
		{"truncated raw", image[:len(image)-5],
			"truncated: header declares 2 images of 2×2 (8 bytes) but only 3 bytes " +
				"follow (0 whole images)", true},
		{"truncated gzip", gzipBytes(t, image)[:20], "truncated", true},
		{"html", html, "not gzip or IDX data: looks like HTML", false},
		{"gzipped html", gzipBytes(t, html), "magic number 0x3c21444f (not IDX data), " +
			"expected 0x00000803 (IDX images)", false},
		{"labels file", idxBytes(labelsMagic, []uint32{1}, []byte{7}),
			"magic number 0x00000801 (IDX labels), expected 0x00000803 (IDX images)", false},
		{"float images", idxBytes(0x00000d03, []uint32{1, 1, 1}, make([]byte, 4)),
			"magic number 0x00000d03 (IDX data of another type or rank)", false},
		{"zero rows", idxBytes(imagesMagic, []uint32{1, 0, 28}, nil),
			"implausible image size 0×28", false},
		{"huge side", idxBytes(imagesMagic, []uint32{1, 1 << 30, 1 << 30}, nil),
			"implausible image size 1073741824×1073741824", false},
		{"huge count", idxBytes(imagesMagic, []uint32{1 << 31, 28, 28}, nil),
			"implausible dimension 0 = 2147483648", false},
		{"extra data", append(image, 1, 2, 3), "unexpected data after the 2 items", false},
		{"corrupt gzip", corruptGzip, "corrupt gzip stream: gzip: invalid checksum", false},
		{"corrupt gzip header", append([]byte{0x1f, 0x8b, 0x09}, image...),
			"corrupt gzip stream: gzip: invalid header", false},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, err := DecodeImages(bytes.NewReader(test.data), "bad.gz")
			if err == nil {
				t.Fatal("DecodeImages accepted malformed data")
			}
			if !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %q, want it to contain %q", err, test.want)
			}
			if !strings.HasPrefix(err.Error(), "mnist: read bad.gz: ") {
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

func TestDecodeLabelsErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", idxBytes(labelsMagic, []uint32{60000}, []byte{5, 0, 4}),
			"truncated: header declares 60000 labels but only 3 bytes follow"},
		{"images file", idxBytes(imagesMagic, []uint32{1, 1, 1}, []byte{0}),
			"magic number 0x00000803 (IDX images), expected 0x00000801 (IDX labels)"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			_, err := DecodeLabels(bytes.NewReader(test.data), "labels")
			if err == nil || !strings.Contains(err.Error(), test.want) {
				t.Errorf("error = %v, want it to contain %q", err, test.want)
			}
		})
	}
}

func TestDecodeRawAndGzipAgree(t *testing.T) {
	image := idxBytes(imagesMagic, []uint32{2, 1, 3}, []byte{1, 2, 3, 4, 5, 6})
	raw, err := DecodeImages(bytes.NewReader(image), "raw")
	if err != nil {
		t.Fatal(err)
	}
	zipped, err := DecodeImages(bytes.NewReader(gzipBytes(t, image)), "raw.gz")
	if err != nil {
		t.Fatal(err)
	}
	want := &Images{N: 2, Rows: 1, Cols: 3, Pixels: []uint8{1, 2, 3, 4, 5, 6}}
	if !reflect.DeepEqual(raw, want) {
		t.Errorf("raw = %+v, want %+v", raw, want)
	}
	if !reflect.DeepEqual(zipped, want) {
		t.Errorf("gzip = %+v, want %+v", zipped, want)
	}
}

func TestCommittedSubsetMatchesShared(t *testing.T) {
	shared, err := ReadImages(shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	subset, err := ReadImages(first20ImagesFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(subset.Pixels, shared.Pixels[:len(subset.Pixels)]) {
		t.Errorf("%s differs from the first 20 shared test images", first20ImagesFile)
	}
}

func TestImageReaderReportsCorruptionIndex(t *testing.T) {
	body := make([]byte, 3*4)
	for i := range body {
		body[i] = byte(i * 37)
	}
	data := gzipBytes(t, idxBytes(imagesMagic, []uint32{3, 2, 2}, body))
	data[len(data)-6] ^= 0xff // a CRC-32 byte of the gzip trailer

	reader, err := NewImageReader(bytes.NewReader(data), "three.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	// The last image is returned; the bad checksum after it is the next
	// call's error, so that a stream loses no image it has read.
	for i := 0; i < 3; i++ {
		if _, err := reader.Next(); err != nil {
			t.Fatalf("Next at image %d: %v", i, err)
		}
	}
	_, err = reader.Next()
	want := "mnist: read three.gz: after image 2 of 3: corrupt gzip stream: " +
		"gzip: invalid checksum"
	if err == nil || err.Error() != want {
		t.Errorf("Next error = %v\nwant %s", err, want)
	}
}
