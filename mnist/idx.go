package mnist

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// IDX magic numbers: two zero bytes, the element type (0x08 = unsigned
// byte) and the number of dimensions.
const (
	imagesMagic = 0x00000803
	labelsMagic = 0x00000801
)

// maxSide bounds the rows and columns of an IDX image. MNIST-style sets
// contain small images, so a larger side is taken as a corrupt header. The
// bound also keeps one image buffer at 16 MiB or less.
const maxSide = 4096

// maxChunk is the largest buffer allocated ahead of the data it holds.
const maxChunk = 1 << 20

var (
	// ErrFormat is matched by every error about malformed or truncated
	// data, as opposed to I/O errors.
	ErrFormat = errors.New("mnist: invalid data")

	// ErrTruncated is matched by errors for data that ends early.
	ErrTruncated = errors.New("mnist: truncated data")
)

// formatError marks a message about malformed content so that it matches
// ErrFormat, and ErrTruncated too when truncated is set.
type formatError struct {
	err       error
	truncated bool
}

func (e *formatError) Error() string { return e.err.Error() }

func (e *formatError) Unwrap() []error {
	if e.truncated {
		return []error{ErrFormat, ErrTruncated, e.err}
	}
	return []error{ErrFormat, e.err}
}

func formatErrorf(format string, args ...any) error {
	return &formatError{err: fmt.Errorf(format, args...)}
}

func truncatedErrorf(format string, args ...any) error {
	return &formatError{err: fmt.Errorf(format, args...), truncated: true}
}

// fileError prefixes err with the package name and the file.
func fileError(name string, err error) error {
	return fmt.Errorf("mnist: read %s: %w", name, err)
}

// idxHeader is the decoded header of an IDX file with unsigned byte data.
type idxHeader struct {
	magic uint32
	dims  []int
}

// openIDX detects gzip compression, rejects HTML and reads the header,
// requiring the given magic number. It returns the data that follows the
// header and the gzip reader to close, if any.
func openIDX(r io.Reader, magic uint32) (io.Reader, *gzip.Reader, idxHeader, error) {
	buffered := bufio.NewReader(r)
	prefix, err := buffered.Peek(512)
	if len(prefix) == 0 {
		if err != nil && err != io.EOF {
			return nil, nil, idxHeader{}, err
		}
		return nil, nil, idxHeader{}, truncatedErrorf("empty file")
	}

	var data io.Reader = buffered
	var unzipped *gzip.Reader
	if bytes.HasPrefix(prefix, []byte{0x1f, 0x8b}) {
		unzipped, err = gzip.NewReader(buffered)
		if err != nil {
			return nil, nil, idxHeader{}, gzipError(err)
		}
		data = unzipped
	} else if looksLikeHTML(prefix) {
		return nil, nil, idxHeader{}, formatErrorf("not gzip or IDX data: looks like HTML " +
			"(a web page saved in place of the file?)")
	}

	header, err := readHeader(data, magic)
	if err != nil {
		if unzipped != nil {
			unzipped.Close()
		}
		return nil, nil, idxHeader{}, err
	}
	return data, unzipped, header, nil
}

// looksLikeHTML reports whether data starts, after white space and a
// UTF-8 byte order mark, with a markup tag.
func looksLikeHTML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 1 && data[0] == '<' &&
		(data[1] == '!' || data[1] == '?' || isLetter(data[1]))
}

func isLetter(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// gzipError classifies an error from the gzip layer: an early end is
// truncation, anything else is corruption.
func gzipError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return truncatedErrorf("truncated gzip stream: %w", err)
	}
	return formatErrorf("corrupt gzip stream: %w", err)
}

func readHeader(r io.Reader, magic uint32) (idxHeader, error) {
	var word [4]byte
	if _, err := io.ReadFull(r, word[:]); err != nil {
		return idxHeader{}, headerReadError(err, "magic number")
	}
	got := binary.BigEndian.Uint32(word[:])
	if got != magic {
		return idxHeader{}, magicError(got, magic)
	}

	header := idxHeader{magic: got, dims: make([]int, got&0xff)}
	for i := range header.dims {
		if _, err := io.ReadFull(r, word[:]); err != nil {
			return idxHeader{}, headerReadError(err, fmt.Sprintf("dimension %d", i))
		}
		dim := binary.BigEndian.Uint32(word[:])
		if dim > math.MaxInt32 {
			return idxHeader{}, formatErrorf("implausible dimension %d = %d", i, dim)
		}
		header.dims[i] = int(dim)
	}
	return header, nil
}

func headerReadError(err error, field string) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return truncatedErrorf("truncated header: data ends before the %s", field)
	}
	return readError(err)
}

// readError classifies errors from the gzip and flate layers as corrupt
// data and passes I/O errors through.
func readError(err error) error {
	var corrupt flate.CorruptInputError
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) ||
		errors.As(err, &corrupt) {
		return formatErrorf("corrupt gzip stream: %w", err)
	}
	return err
}

func magicError(got, want uint32) error {
	message := fmt.Sprintf("magic number 0x%08x (%s), expected 0x%08x (%s)",
		got, describeMagic(got), want, describeMagic(want))
	return formatErrorf("%s", message)
}

func describeMagic(magic uint32) string {
	switch magic {
	case imagesMagic:
		return "IDX images"
	case labelsMagic:
		return "IDX labels"
	}
	if magic>>16 == 0 {
		return "IDX data of another type or rank"
	}
	return "not IDX data"
}
