package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"pipeline/mnist"
	"pipeline/models"
)

// imageSource yields digit images from a list of PNG and JPEG files. A
// record's source is the folder (or the single file), and its index is the
// image's position in byte order of names. An error names the file.
type imageSource struct {
	name  string
	paths []string
	next  int
}

// OpenImageFolder returns a source for the PNG and JPEG files in dir, in
// byte order of their names. Other files, hidden files and subfolders are
// skipped. A .png or .jpg file that does not decode becomes an error
// record, and the next image goes on. The error for a folder that cannot
// be listed or holds no images matches ErrUnusableSource.
func OpenImageFolder(dir string) (Source, error) {
	paths, err := mnist.ListImages(dir)
	if err != nil {
		return nil, &unusableError{dir, err}
	}
	if len(paths) == 0 {
		return nil, &unusableError{dir,
			errors.New("the folder has no .png or .jpg images (subfolders are not read)")}
	}
	return &imageSource{name: dir, paths: paths}, nil
}

// NewImageFile returns a source for one PNG or JPEG digit image.
func NewImageFile(path string) Source {
	return &imageSource{name: path, paths: []string{path}}
}

func (s *imageSource) Name() string { return s.name }

func (s *imageSource) Next(ctx context.Context) (Input, bool) {
	if s.next >= len(s.paths) {
		return Input{}, false
	}
	path, index := s.paths[s.next], s.next
	s.next++
	decode := func(spec *models.Spec, dst []float32) ([]string, error) {
		return decodeDigitImage(path, spec, dst)
	}
	return Input{Source: s.name, Index: index, Decode: decode}, true
}

func (s *imageSource) Close() error { return nil }

// decodeDigitImage loads a digit image as a 28×28 MNIST digit and
// normalises it with spec's input mean and standard deviation.
func decodeDigitImage(path string, spec *models.Spec, dst []float32) ([]string, error) {
	want := []int{1, mnist.DigitSize, mnist.DigitSize}
	if !slices.Equal(spec.Input, want) {
		return nil, fmt.Errorf("pipeline: %s: digit images are %v, model %s expects input %v",
			path, want, spec.Name, spec.Input)
	}
	pixels, notes, err := mnist.LoadDigitImage(path)
	if err != nil {
		return nil, err
	}
	for i, v := range pixels {
		dst[i] = (v - spec.InputMean) / spec.InputStd
	}
	return notes, nil
}
