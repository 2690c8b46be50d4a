package video

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gocv.io/x/gocv"
)

// readOne opens path as images and returns its first frame.
func readOne(t *testing.T, path string) (Frame, error) {
	t.Helper()
	source, err := OpenImages(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { source.Close() })
	f, err := source.Next()
	if err == nil {
		f = f.Clone()
	}
	return f, err
}

// The expected pixels are the values testdata/generate.go wrote, in RGB
// order; 16-bit values v become round(v/257).
func TestImageConversions(t *testing.T) {
	tests := []struct {
		name          string
		file          string
		width, height int
		want          []uint8
	}{
		{"8-bit RGB", "bgr.png", 4, 2, []uint8{
			255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255,
			0, 0, 0, 128, 128, 128, 255, 255, 0, 0, 255, 255}},
		{"grey", "gray.png", 3, 2, []uint8{
			0, 0, 0, 100, 100, 100, 255, 255, 255, 7, 7, 7, 128, 128, 128, 200, 200, 200}},
		{"RGBA keeps colour, drops alpha", "rgba.png", 2, 2, []uint8{
			255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30}},
		{"16-bit grey", "gray16.png", 2, 2, []uint8{
			0, 0, 0, 100, 100, 100, 255, 255, 255, 128, 128, 128}},
		{"16-bit RGB", "rgb16.png", 2, 1, []uint8{255, 0, 0, 100, 200, 0}},
		{"1×1", "one-pixel.png", 1, 1, []uint8{42, 42, 42}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := readOne(t, filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.Width != tt.width || f.Height != tt.height {
				t.Errorf("size %d×%d, want %d×%d", f.Width, f.Height, tt.width, tt.height)
			}
			if !slices.Equal(f.RGB, tt.want) {
				t.Errorf("RGB = %v, want %v", f.RGB, tt.want)
			}
			if f.TimestampMs != nil {
				t.Errorf("a still image has timestamp %v", *f.TimestampMs)
			}
		})
	}
}

// halves.jpg is 32×16, red on the left and blue on the right. With EXIF
// orientation 6 (rotate 90° clockwise to view), upright it is 16×32 with
// red on top.
func TestEXIFOrientationApplied(t *testing.T) {
	plain, err := readOne(t, "testdata/halves.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if plain.Width != 32 || plain.Height != 16 {
		t.Fatalf("halves.jpg is %d×%d, want 32×16", plain.Width, plain.Height)
	}

	f, err := readOne(t, "testdata/exif-orientation-6.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if f.Width != 16 || f.Height != 32 {
		t.Fatalf("upright size %d×%d, want 16×32", f.Width, f.Height)
	}
	top, bottom := f.RGB[:3], f.RGB[len(f.RGB)-3:]
	if top[0] < 240 || top[2] > 15 {
		t.Errorf("top-left pixel %v, want red", top)
	}
	if bottom[2] < 240 || bottom[0] > 15 {
		t.Errorf("bottom-right pixel %v, want blue", bottom)
	}
	if !slices.Contains(f.Notes, "turned upright from EXIF orientation 6") {
		t.Errorf("notes %q do not mention the orientation", f.Notes)
	}
}

// writeLargePNG writes a grey PNG of width×height to a temporary folder.
func writeLargePNG(t *testing.T, width, height int) string {
	t.Helper()
	var buf bytes.Buffer
	encoder := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := encoder.Encode(&buf, image.NewGray(image.Rect(0, 0, width, height))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "large.png")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeCutJPEG writes the first 60% of a 256×256 noise JPEG, which OpenCV
// alone decodes at full size without an error, to a temporary folder.
func writeCutJPEG(t *testing.T) string {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 256, 256))
	random := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(random.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cut.jpg")
	if err := os.WriteFile(path, buf.Bytes()[:buf.Len()*6/10], 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// smallJPEG returns a 16×16 baseline JPEG of noise.
func smallJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	random := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(random.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hugeArithmeticJPEG returns the headers of an arithmetic-coded JPEG
// (SOF9) that declares 60000×60000 pixels, which Go's image/jpeg cannot
// read and OpenCV rejects by throwing.
func hugeArithmeticJPEG() []byte {
	return []byte{
		0xFF, 0xD8, // SOI
		0xFF, 0xC9, 0x00, 0x0B, 8, 0xEA, 0x60, 0xEA, 0x60, 1, 1, 0x11, 0, // SOF9
		0xFF, 0xDA, 0x00, 0x08, 1, 1, 0x00, 0, 63, 0, // SOS
		0x00, 0x00, 0xFF, 0xD9, // data, EOI
	}
}

// hugeRLEBMP returns the headers of an RLE8 BMP that declares 60000×60000
// pixels; Go's BMP reader does not read compressed BMPs.
func hugeRLEBMP() []byte {
	data := make([]byte, 54+1024+2)
	copy(data, "BM")
	binary.LittleEndian.PutUint32(data[2:], uint32(len(data)))
	binary.LittleEndian.PutUint32(data[10:], 54+1024)
	binary.LittleEndian.PutUint32(data[14:], 40)
	binary.LittleEndian.PutUint32(data[18:], 60000)
	binary.LittleEndian.PutUint32(data[22:], 60000)
	binary.LittleEndian.PutUint16(data[26:], 1)
	binary.LittleEndian.PutUint16(data[28:], 8)
	binary.LittleEndian.PutUint32(data[30:], 1) // BI_RLE8
	return data
}

// closedCutJPEG returns a JPEG cut in its scan data with an end-of-image
// marker put back, which OpenCV decodes with the missing rows made up.
func closedCutJPEG(t *testing.T) []byte {
	data, err := os.ReadFile(writeCutJPEG(t))
	if err != nil {
		t.Fatal(err)
	}
	return append(data, 0xFF, 0xD9)
}

// zeroWidthJPEG returns a valid JPEG whose frame header says width 0.
func zeroWidthJPEG(t *testing.T) []byte {
	data := smallJPEG(t)
	sof := bytes.Index(data, []byte{0xFF, 0xC0})
	if sof < 0 {
		t.Fatal("no SOF0 in the encoded JPEG")
	}
	data[sof+7], data[sof+8] = 0, 0
	return data
}

// fillByteWalkJPEG returns a valid JPEG whose first marker is preceded by
// a fill byte and a TEM marker, followed by a comment that holds the
// bytes of an empty APP1 segment. A marker walk that takes the fill byte
// for a segment lands on that APP1.
func fillByteWalkJPEG(t *testing.T) []byte {
	data := smallJPEG(t)
	comment := make([]byte, 0x0256-2)
	copy(comment[515-9:], []byte{0xFF, 0xE1, 0x00, 0x00})
	out := []byte{0xFF, 0xD8, 0xFF, 0xFF, 0x01, 0xFF, 0xFE, 0x02, 0x56}
	out = append(out, comment...)
	return append(out, data[2:]...)
}

func TestImageBadInput(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		wantErr error
		want    string
	}{
		{"truncated JPEG", "testdata/truncated.jpg", ErrDecode, "truncated JPEG"},
		{"JPEG photo cut at 60%", writeCutJPEG(t), ErrDecode, "truncated JPEG"},
		{"not an image", "testdata/not-an-image.jpg", ErrDecode, "cannot decode it"},
		{"8000×8000", writeLargePNG(t, 8000, 8000), ErrTooLarge, "8000×8000"},
		{"arithmetic-coded JPEG header of 60000×60000",
			writeFile(t, "arith.jpg", hugeArithmeticJPEG()), ErrTooLarge, "60000×60000"},
		{"RLE BMP header of 60000×60000",
			writeFile(t, "rle.bmp", hugeRLEBMP()), ErrTooLarge, "60000×60000"},
		{"PPM header of 60000×60000 in a .png file",
			writeFile(t, "ppm.png", []byte("P6\n60000 60000\n255\n")), ErrDecode, "OpenCV"},
		{"JPEG cut and closed with an end-of-image marker",
			writeFile(t, "closed.jpg", closedCutJPEG(t)), ErrDecode, "corrupt JPEG data"},
		{"JPEG header of 0×16", writeFile(t, "zero.jpg", zeroWidthJPEG(t)), ErrDecode,
			"declares a 0×16 image"},
		{"JPEG with a TEM marker", writeFile(t, "walk.jpg", fillByteWalkJPEG(t)), ErrDecode,
			"corrupt JPEG data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readOne(t, tt.path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			for _, want := range []string{tt.path, tt.want} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			t.Log(err)
		})
	}
}

// Every extension that IsImageFile accepts decodes with this OpenCV build:
// bgr.png is written in each format by OpenCV and read back.
func TestImageFormatsRoundTrip(t *testing.T) {
	original := gocv.IMRead("testdata/bgr.png", gocv.IMReadColor)
	defer original.Close()
	want, err := readOne(t, "testdata/bgr.png")
	if err != nil {
		t.Fatal(err)
	}

	for extension := range imageExtensions {
		path := filepath.Join(t.TempDir(), "primaries"+extension)
		if !gocv.IMWrite(path, original) {
			t.Fatalf("OpenCV cannot write %s", extension)
		}
		f, err := readOne(t, path)
		if err != nil {
			t.Errorf("%s: %v", extension, err)
			continue
		}
		if f.Width != 4 || f.Height != 2 {
			t.Errorf("%s: %d×%d, want 4×2", extension, f.Width, f.Height)
		}
		lossy := extension == ".jpg" || extension == ".jpeg" || extension == ".jpe"
		if !lossy && !slices.Equal(f.RGB, want.RGB) {
			t.Errorf("%s: RGB %v, want %v", extension, f.RGB, want.RGB)
		}
	}
}

func TestImageFolderOrder(t *testing.T) {
	source, err := OpenImages("testdata/folder")
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	// Byte order puts digits before upper case before lower case; notes.txt
	// and .hidden.png are skipped.
	names := []string{"10.png", "2.png", "B.png", "a.png"}
	for i, name := range names {
		f, err := source.Next()
		if err != nil {
			t.Fatalf("image %d: %v", i, err)
		}
		if f.Index != i || f.Path != filepath.Join("testdata/folder", name) {
			t.Errorf("image %d: Index %d, Path %q, want %s", i, f.Index, f.Path, name)
		}
		if f.Source != "testdata/folder" {
			t.Errorf("image %d: Source %q, want the folder", i, f.Source)
		}
		if !slices.Equal(f.RGB, []uint8{uint8(i), uint8(i), uint8(i)}) {
			t.Errorf("image %d: RGB %v, want grey %d", i, f.RGB, i)
		}
	}
	if _, err := source.Next(); err != io.EOF {
		t.Fatalf("after the last image: %v, want io.EOF", err)
	}
}

func TestImageFolderGoesOnAfterError(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.jpg", "b.png"} {
		from := map[string]string{"a.jpg": "truncated.jpg", "b.png": "one-pixel.png"}[name]
		data, err := os.ReadFile(filepath.Join("testdata", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	source, err := OpenImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()

	f, err := source.Next()
	if !errors.Is(err, ErrDecode) || f.Index != 0 || f.Path != filepath.Join(dir, "a.jpg") {
		t.Errorf("first image: index %d, path %q, error %v; want ErrDecode for a.jpg",
			f.Index, f.Path, err)
	}
	f, err = source.Next()
	if err != nil || f.Index != 1 || !slices.Equal(f.RGB, []uint8{42, 42, 42}) {
		t.Errorf("second image: index %d, RGB %v, error %v", f.Index, f.RGB, err)
	}
}

func TestOpenImagesEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := OpenImages(dir)
	if !errors.Is(err, ErrOpen) || !strings.Contains(err.Error(), "no image files") {
		t.Errorf("error %v, want ErrOpen: no image files", err)
	}
}

func TestFrameCloneAndRGBA(t *testing.T) {
	timestampMs := 40.0
	f := Frame{RGB: []uint8{1, 2, 3, 4, 5, 6}, Width: 2, Height: 1,
		TimestampMs: &timestampMs, Notes: []string{"a note"}}
	clone := f.Clone()
	f.RGB[0], *f.TimestampMs, f.Notes[0] = 99, 80, "changed"
	if clone.RGB[0] != 1 || *clone.TimestampMs != 40 || clone.Notes[0] != "a note" {
		t.Errorf("clone shares memory with the frame: %+v", clone)
	}

	rgba := clone.RGBA(nil)
	if !slices.Equal(rgba.Pix, []uint8{1, 2, 3, 255, 4, 5, 6, 255}) {
		t.Errorf("RGBA pixels %v", rgba.Pix)
	}
	if again := clone.RGBA(rgba); again != rgba {
		t.Error("RGBA did not reuse a destination of the right size")
	}
}

// The JPEG header readers skip fill bytes and markers without a length as
// libjpeg does. Reading the fill byte 0xFF 0xFF as a segment once made
// jpegOrientation slice out of range on this file.
func TestJPEGHeadersSkipFillBytes(t *testing.T) {
	data := fillByteWalkJPEG(t)
	if got := jpegOrientation(data); got != 0 {
		t.Errorf("orientation %d, expected 0", got)
	}
	if w, h, ok := jpegSize(data); !ok || w != 16 || h != 16 {
		t.Errorf("size %d×%d (found %v), expected 16×16", w, h, ok)
	}
	if !jpegComplete(data) {
		t.Error("the JPEG is complete but jpegComplete says it is not")
	}
}

// FuzzJPEGHeaders feeds the JPEG and BMP header readers corrupt files:
// they must not panic, and a JPEG size must match Go's header reader
// where that reads the file.
func FuzzJPEGHeaders(f *testing.F) {
	for _, path := range []string{"testdata/exif-orientation-6.jpg", "testdata/halves.jpg",
		"testdata/truncated.jpg"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(hugeArithmeticJPEG())
	f.Add(hugeRLEBMP())
	f.Fuzz(func(t *testing.T, data []byte) {
		jpegOrientation(data)
		jpegComplete(data)
		bmpSize(data)
		w, h, ok := jpegSize(data)
		config, err := jpeg.DecodeConfig(bytes.NewReader(data))
		if ok && err == nil && (config.Width != w || config.Height != h) {
			t.Fatalf("jpegSize %d×%d, image/jpeg %d×%d", w, h, config.Width, config.Height)
		}
	})
}
