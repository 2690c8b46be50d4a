package mnist

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// Images is a set of equally sized grey images, stored one after another
// in row-major order: image i occupies Pixels[i*Rows*Cols : (i+1)*Rows*Cols].
type Images struct {
	N, Rows, Cols int
	Pixels        []uint8
}

// Image returns the pixels of image i, sharing memory with im.Pixels.
// It panics when i is out of range.
func (im *Images) Image(i int) []uint8 {
	size := im.Rows * im.Cols
	return im.Pixels[i*size : (i+1)*size]
}

// ReadImages reads an IDX image file, gzip-compressed or raw.
func ReadImages(path string) (*Images, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return DecodeImages(f, path)
}

// DecodeImages reads IDX images from r. The name identifies r in errors.
func DecodeImages(r io.Reader, name string) (*Images, error) {
	images, err := decodeImages(r)
	if err != nil {
		return nil, fileError(name, err)
	}
	return images, nil
}

func decodeImages(r io.Reader) (*Images, error) {
	data, unzipped, header, err := openIDX(r, imagesMagic)
	if err != nil {
		return nil, err
	}
	if unzipped != nil {
		defer unzipped.Close()
	}
	n, rows, cols := header.dims[0], header.dims[1], header.dims[2]
	if err := checkImageSize(rows, cols); err != nil {
		return nil, err
	}

	size := int64(rows) * int64(cols)
	pixels, err := readBody(data, int64(n), size)
	if err != nil {
		var short shortBody
		if errors.As(err, &short) {
			return nil, truncatedErrorf("truncated: header declares %d images of %d×%d "+
				"(%d bytes) but only %d bytes follow (%d whole images)",
				n, rows, cols, int64(n)*size, short.found, short.found/size)
		}
		return nil, err
	}
	return &Images{N: n, Rows: rows, Cols: cols, Pixels: pixels}, nil
}

func checkImageSize(rows, cols int) error {
	if rows < 1 || cols < 1 || rows > maxSide || cols > maxSide {
		return formatErrorf("implausible image size %d×%d (rows and columns must be "+
			"1 to %d)", rows, cols, maxSide)
	}
	return nil
}

// ReadLabels reads an IDX label file, gzip-compressed or raw.
func ReadLabels(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	return DecodeLabels(f, path)
}

// DecodeLabels reads IDX labels from r. The name identifies r in errors.
func DecodeLabels(r io.Reader, name string) ([]uint8, error) {
	labels, err := decodeLabels(r)
	if err != nil {
		return nil, fileError(name, err)
	}
	return labels, nil
}

func decodeLabels(r io.Reader) ([]uint8, error) {
	data, unzipped, header, err := openIDX(r, labelsMagic)
	if err != nil {
		return nil, err
	}
	if unzipped != nil {
		defer unzipped.Close()
	}

	n := header.dims[0]
	labels, err := readBody(data, int64(n), 1)
	if err != nil {
		var short shortBody
		if errors.As(err, &short) {
			return nil, truncatedErrorf("truncated: header declares %d labels but only "+
				"%d bytes follow", n, short.found)
		}
		return nil, err
	}
	return labels, nil
}

// shortBody reports that the data ended after found bytes.
type shortBody struct {
	found int64
}

func (e shortBody) Error() string { return fmt.Sprintf("data ends after %d bytes", e.found) }

// readBody reads count items of itemSize bytes and requires the data to
// end there. Memory grows with the bytes actually read, in chunks of at
// most maxChunk, so a false count in a header cannot force a huge
// allocation.
func readBody(r io.Reader, count, itemSize int64) ([]byte, error) {
	want := count * itemSize
	body, err := readUpTo(r, want)
	if err != nil {
		return nil, readError(err)
	}
	if int64(len(body)) < want {
		return nil, shortBody{found: int64(len(body))}
	}

	extra, err := io.Copy(io.Discard, io.LimitReader(r, maxChunk))
	if err != nil {
		return nil, readError(err)
	}
	if extra > 0 {
		return nil, formatErrorf("unexpected data after the %d items the header "+
			"declares (%d or more extra bytes)", count, extra)
	}
	return body, nil
}

// readUpTo reads until n bytes or the end of r, whichever comes first,
// and returns only errors other than an early end. It allocates at most
// maxChunk bytes ahead of the data read so far.
func readUpTo(r io.Reader, n int64) ([]byte, error) {
	body := make([]byte, 0, min(n, maxChunk))
	for int64(len(body)) < n {
		if len(body) == cap(body) {
			body = slices.Grow(body, int(min(n-int64(len(body)), maxChunk)))
		}
		room := min(n-int64(len(body)), int64(cap(body)-len(body)))
		read, err := io.ReadFull(r, body[len(body):len(body)+int(room)])
		body = body[:len(body)+read]

		// A gzip stream cut short ends with io.ErrUnexpectedEOF; the caller
		// reports it as truncation from the count of bytes read.
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return body, nil
}
