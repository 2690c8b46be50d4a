package mnist

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// ImageReader reads the images of an IDX file one at a time, so memory
// stays flat however many images the file holds.
type ImageReader struct {
	name       string
	data       io.Reader
	unzipped   *gzip.Reader
	file       *os.File // nil when the caller owns the source
	n          int
	rows, cols int
	next       int // index of the image that Next returns next
	err        error
	closed     bool
}

// OpenImages opens an IDX image file, gzip-compressed or raw, and reads its
// header. For a raw file the size is checked against the header at once;
// a gzip file is checked as it is read. The caller must Close the reader.
func OpenImages(path string) (*ImageReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	reader, err := NewImageReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	reader.file = f

	if reader.unzipped == nil {
		if err := reader.checkFileSize(); err != nil {
			reader.Close()
			return nil, err
		}
	}
	return reader, nil
}

// NewImageReader reads an IDX image header from r and returns a reader for
// the images that follow. The name identifies r in errors, and closing the
// returned reader does not close r.
func NewImageReader(r io.Reader, name string) (*ImageReader, error) {
	data, unzipped, header, err := openIDX(r, imagesMagic)
	if err != nil {
		return nil, fileError(name, err)
	}
	reader := &ImageReader{
		name:     name,
		data:     data,
		unzipped: unzipped,
		n:        header.dims[0],
		rows:     header.dims[1],
		cols:     header.dims[2],
	}
	if err := checkImageSize(reader.rows, reader.cols); err != nil {
		reader.Close()
		return nil, fileError(name, err)
	}
	return reader, nil
}

func (r *ImageReader) checkFileSize() error {
	info, err := r.file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return nil
	}
	const headerBytes = 16
	size := int64(r.rows) * int64(r.cols)
	want := headerBytes + int64(r.n)*size
	if info.Size() < want {
		found := max(info.Size()-headerBytes, 0)
		return fileError(r.name, truncatedErrorf("truncated: header declares %d images "+
			"of %d×%d (%d bytes) but only %d bytes follow (%d whole images)",
			r.n, r.rows, r.cols, int64(r.n)*size, found, found/size))
	}
	return nil
}

// Len returns the number of images that the header declares.
func (r *ImageReader) Len() int { return r.n }

// Rows returns the height of each image in pixels.
func (r *ImageReader) Rows() int { return r.rows }

// Cols returns the width of each image in pixels.
func (r *ImageReader) Cols() int { return r.cols }

// Next returns the next image as a new slice of Rows*Cols pixels, or io.EOF
// after the last one. Reading the last image also checks that the data ends
// there, including the gzip checksum. A failure of that check is returned
// by the call after the last image, so the error names index N. An error
// other than io.EOF is sticky and names the index of the image that could
// not be read.
func (r *ImageReader) Next() ([]uint8, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.closed {
		return nil, fmt.Errorf("mnist: read %s: reader is closed", r.name)
	}
	if r.next >= r.n {
		return nil, io.EOF
	}

	size := int64(r.rows) * int64(r.cols)
	pixels, err := readUpTo(r.data, size)
	if err == nil && int64(len(pixels)) < size {
		err = truncatedErrorf("truncated: data ends at image %d of %d "+
			"(%d of its %d bytes present)", r.next, r.n, len(pixels), size)
	}
	if err == nil && r.next == r.n-1 {
		if endErr := r.checkEnd(); endErr != nil {
			r.err = fileError(r.name, fmt.Errorf("after image %d of %d: %w", r.next, r.n,
				readError(endErr)))
			r.next++
			return pixels, nil
		}
	}
	if err != nil && !errors.Is(err, ErrTruncated) {
		err = fmt.Errorf("image %d of %d: %w", r.next, r.n, readError(err))
	}
	if err != nil {
		r.err = fileError(r.name, err)
		return nil, r.err
	}
	r.next++
	return pixels, nil
}

// checkEnd requires the data to end after the last image. Reading to the
// end also makes the gzip reader verify its checksum.
func (r *ImageReader) checkEnd() error {
	extra, err := io.Copy(io.Discard, io.LimitReader(r.data, maxChunk))
	if err != nil {
		return err
	}
	if extra > 0 {
		return formatErrorf("unexpected data after the last image (%d or more extra "+
			"bytes)", extra)
	}
	return nil
}

// Close releases the file and the gzip reader. It may be called more than
// once; later calls return nil.
func (r *ImageReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	var err error
	if r.unzipped != nil {
		err = r.unzipped.Close()
	}
	if r.file != nil {
		if closeErr := r.file.Close(); err == nil {
			err = closeErr
		}
	}
	return err
}
