package video

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // registers the PNG header reader
	"io"
	"os"
	"path/filepath"
	"strings"

	"gocv.io/x/gocv"
	_ "golang.org/x/image/bmp"  // registers the BMP header reader
	_ "golang.org/x/image/tiff" // registers the TIFF header reader
	_ "golang.org/x/image/webp" // registers the WebP header reader

	"pipeline/internal/icc"
)

// MaxImagePixels is the largest image or video frame, in pixels, that the
// sources decode. Each pixel takes 3 bytes in OpenCV's decoded Mat and 3
// more in the RGB frame, so one image at the limit needs 300 MB, and a
// pipeline decodes several at once. Larger images (an 8000×8000 scan is 64
// million pixels) are rejected with ErrTooLarge before decoding, and so are
// videos whose frame size at open is larger. 8K video (7680×4320, 33
// million pixels) is within the limit.
const MaxImagePixels = 50_000_000

// imageSource yields one image file, or the image files of a folder.
type imageSource struct {
	name      string   // the file or folder that was opened
	paths     []string // the image files, in byte order of names
	next      int
	converter *rgbConverter
	rgb       []uint8
	closed    bool
}

// OpenImages opens one image file, or a folder whose image files
// (IsImageFile) are read in byte order of their names. Subfolders, hidden
// files and files with other extensions in the folder are skipped. Frames
// have no timestamp; Source is path and Index the image's position. A
// JPEG's EXIF orientation is applied, and an embedded ICC profile other
// than sRGB is converted to sRGB (see icc.ConvertJPEG).
func OpenImages(path string) (Source, error) {
	info, err := statSource(path)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		if err := checkRegular(path, info); err != nil {
			return nil, err
		}
	}
	paths := []string{path}
	if info.IsDir() {
		paths, err = listImages(path)
		if err != nil {
			return nil, err
		}
	}
	return &imageSource{name: path, paths: paths, converter: newRGBConverter()}, nil
}

// listImages returns the image files in dir in byte order of names.
func listImages(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir) // sorted by name, byte by byte
	if err != nil {
		return nil, fmt.Errorf("video: open %s: %w: %w", dir, ErrOpen, err)
	}
	var paths []string
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() || strings.HasPrefix(name, ".") || !IsImageFile(name) {
			continue
		}
		paths = append(paths, filepath.Join(dir, name))
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("video: open %s: %w: the folder has no image files "+
			"(.bmp, .dib, .jpg, .jpeg, .jpe, .png, .tif, .tiff, .webp)", dir, ErrOpen)
	}
	return paths, nil
}

// Next decodes and returns the next image. The frame's RGB buffer is
// reused by the next call. An image that does not decode returns an error
// naming its file, and the following call goes on with the next image.
func (s *imageSource) Next() (Frame, error) {
	if s.closed {
		return Frame{}, fmt.Errorf("video: read %s: source is closed", s.name)
	}
	if s.next >= len(s.paths) {
		return Frame{}, io.EOF
	}
	path := s.paths[s.next]
	frame := Frame{Source: s.name, Path: path, Index: s.next}
	s.next++

	width, height, notes, err := s.decode(path)
	if err != nil {
		return frame, fmt.Errorf("video: decode %s: %w", path, err)
	}
	frame.RGB, frame.Width, frame.Height, frame.Notes = s.rgb, width, height, notes
	return frame, nil
}

// decode reads the image at path into s.rgb and returns its size and
// notes on what was done to it.
func (s *imageSource) decode(path string) (width, height int, notes []string, err error) {
	info, err := os.Stat(path)
	if err != nil {
		return 0, 0, nil, err
	}
	if kind := specialFileKind(info.Mode()); kind != "" {
		return 0, 0, nil, fmt.Errorf("%w: it is %s, not a regular file", ErrOpen, kind)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, nil, err
	}
	if err := checkImageData(data); err != nil {
		return 0, 0, nil, err
	}
	if orientation := jpegOrientation(data); orientation > 1 && orientation <= 8 {
		notes = append(notes, fmt.Sprintf("turned upright from EXIF orientation %d",
			orientation))
	}

	// Go's decoder checks a JPEG's coded data while OpenCV decodes it, on
	// another core when one is free.
	checked := make(chan error, 1)
	go func() { checked <- checkJPEGData(data) }()

	// Any colour and any depth keep grey and 16-bit images as they are,
	// and unlike IMReadUnchanged they let OpenCV 4.6 apply the EXIF
	// orientation (checked by a test). Alpha channels are dropped.
	mat, err := imdecode(data, gocv.IMReadAnyColor|gocv.IMReadAnyDepth)
	if checkErr := <-checked; checkErr != nil {
		mat.Close()
		return 0, 0, nil, checkErr
	}
	if err != nil {
		return 0, 0, nil, err
	}
	defer mat.Close()
	if mat.Empty() {
		return 0, 0, nil, fmt.Errorf("%w: OpenCV cannot decode it as an image", ErrDecode)
	}
	if err := checkPixels(mat.Cols(), mat.Rows()); err != nil {
		return 0, 0, nil, err
	}

	s.rgb, err = s.converter.convert(mat, s.rgb)
	if err != nil {
		return 0, 0, nil, err
	}
	// Browsers show a JPEG in sRGB, converted from its ICC profile, and
	// the landmark models are checked against MediaPipe in a browser.
	if isJPEG(data) {
		icc.ConvertJPEG(data, s.rgb)
	}
	return mat.Cols(), mat.Rows(), notes, nil
}

// checkImageData rejects, before decoding, an image whose header declares
// no pixels or more than MaxImagePixels, and a JPEG without its end.
// Sizes come from Go's header readers, and for JPEG codings and BMP
// compressions that they do not read, from jpegSize and bmpSize. Headers
// of other formats that only OpenCV reads are left to it.
func checkImageData(data []byte) error {
	width, height, known := 0, 0, false
	if config, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		width, height, known = config.Width, config.Height, true
	} else if w, h, ok := jpegSize(data); ok && isJPEG(data) {
		width, height, known = w, h, true
	} else if w, h, ok := bmpSize(data); ok {
		width, height, known = w, h, true
	}
	if known && (width == 0 || height == 0) {
		return fmt.Errorf("%w: the header declares a %d×%d image", ErrDecode, width, height)
	}
	if known {
		if err := checkPixels(width, height); err != nil {
			return err
		}
	}
	if !isJPEG(data) {
		return nil
	}
	if !jpegComplete(data) {
		return fmt.Errorf("%w: truncated JPEG: no end-of-image marker after "+
			"the image data", ErrDecode)
	}
	return nil
}

// checkJPEGData rejects a JPEG whose coded data Go's image/jpeg finds
// corrupt, and accepts other files. OpenCV 4.6 decodes a cut or damaged
// JPEG without an error: it returns a photo cut at 60% at full size with
// the rows past the cut made up, and only libjpeg's warnings on standard
// error name the damage. Codings that Go does not support (arithmetic
// coding, 12-bit, lossless) are left to OpenCV.
func checkJPEGData(data []byte) error {
	if !isJPEG(data) {
		return nil
	}
	_, err := jpeg.Decode(bytes.NewReader(data))
	var unsupported jpeg.UnsupportedError
	if err != nil && !errors.As(err, &unsupported) {
		return fmt.Errorf("%w: corrupt JPEG data (%w); export the file again or remove it",
			ErrDecode, err)
	}
	return nil
}

func checkPixels(width, height int) error {
	if pixels := int64(width) * int64(height); pixels > MaxImagePixels {
		return fmt.Errorf("%w: %d×%d is %.1f million pixels, more than the %d "+
			"million this package decodes (MaxImagePixels); downscale it first",
			ErrTooLarge, width, height, float64(pixels)/1e6, MaxImagePixels/1_000_000)
	}
	return nil
}

// Close releases the source. It may be called more than once.
func (s *imageSource) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	return s.converter.Close()
}
