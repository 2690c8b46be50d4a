package pipeline

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"

	"pipeline/mnist"
	"pipeline/models"
)

// idxSource streams the images of an MNIST IDX file, gzip-compressed or
// raw, one at a time. A file that breaks midway yields the images before
// the break, then one error input at the index where it broke.
type idxSource struct {
	name   string
	file   io.Closer // nil when the caller owns the data
	reader *mnist.ImageReader
	err    error // an error that ends the source at index next
	next   int
	done   bool
}

// OpenIDX returns a source for the IDX image file at path. It fails only
// when the file cannot be opened, with an error matching
// ErrUnusableSource. An invalid header becomes the source's one error
// input, so that the stream goes on to other sources.
func OpenIDX(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &unusableError{path, err}
	}
	s := NewIDXSource(f, path).(*idxSource)
	s.file = f
	return s, nil
}

// NewIDXSource returns a source for IDX image data read from r; name
// identifies it in records. Closing the source does not close r.
func NewIDXSource(r io.Reader, name string) Source {
	reader, err := mnist.NewImageReader(r, name)
	return &idxSource{name: name, reader: reader, err: err}
}

func (s *idxSource) Name() string { return s.name }

func (s *idxSource) Next(ctx context.Context) (Input, bool) {
	if s.done {
		return Input{}, false
	}
	if s.err == nil {
		pixels, err := s.reader.Next()
		if err == io.EOF {
			s.done = true
			return Input{}, false
		}
		if err == nil {
			s.next++
			return Input{Source: s.name, Index: s.next - 1, Decode: s.decoder(pixels)}, true
		}
		s.err = err
	}
	s.done = true
	return Input{Source: s.name, Index: s.next, Err: s.err}, true
}

func (s *idxSource) decoder(pixels []uint8) func(*models.Spec, []float32) ([]string, error) {
	rows, cols, index := s.reader.Rows(), s.reader.Cols(), s.next-1
	return func(spec *models.Spec, dst []float32) ([]string, error) {
		if want := []int{1, rows, cols}; !slices.Equal(spec.Input, want) {
			return nil, fmt.Errorf("pipeline: %s image %d: %d×%d grey image, model %s "+
				"expects input %v", s.name, index, rows, cols, spec.Name, spec.Input)
		}
		spec.Normalize(dst, pixels)
		return nil, nil
	}
}

func (s *idxSource) Close() error {
	var err error
	if s.reader != nil {
		err = s.reader.Close()
	}
	if s.err != nil {
		// The broken data was already reported as an error record; the
		// reader's close error repeats it.
		err = nil
	}
	if s.file != nil {
		if closeErr := s.file.Close(); err == nil {
			err = closeErr
		}
		s.file = nil
	}
	return err
}
