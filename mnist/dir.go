package mnist

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Set pairs images with their labels: Labels[i] is the digit in image i.
type Set struct {
	Images *Images
	Labels []uint8
}

// Standard MNIST file names, each found raw or with a .gz suffix.
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// LoadDir reads the training and test sets from the four standard files in
// dir and checks that each set has as many labels as images.
func LoadDir(dir string) (train, test *Set, err error) {
	train, err = loadSet(dir, TrainImagesFile, TrainLabelsFile)
	if err != nil {
		return nil, nil, err
	}
	test, err = loadSet(dir, TestImagesFile, TestLabelsFile)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadSet(dir, imagesFile, labelsFile string) (*Set, error) {
	imagesPath, err := FindFile(dir, imagesFile)
	if err != nil {
		return nil, err
	}
	labelsPath, err := FindFile(dir, labelsFile)
	if err != nil {
		return nil, err
	}

	images, err := ReadImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := ReadLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if images.N != len(labels) {
		return nil, fmt.Errorf("mnist: %s contains %d images but %s contains %d labels",
			imagesPath, images.N, labelsPath, len(labels))
	}
	return &Set{Images: images, Labels: labels}, nil
}

// FindFile returns the path of name in dir, trying name itself and then
// name+".gz". The error matches fs.ErrNotExist when neither exists.
func FindFile(dir, name string) (string, error) {
	for _, candidate := range []string{name, name + ".gz"} {
		path := filepath.Join(dir, candidate)
		_, err := os.Stat(path)
		if err == nil {
			return path, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("mnist: %w", err)
		}
	}
	return "", fmt.Errorf("mnist: neither %s nor %s.gz found in %s (download MNIST "+
		"from http://yann.lecun.com/exdb/mnist/ or a mirror): %w",
		name, name, dir, fs.ErrNotExist)
}
