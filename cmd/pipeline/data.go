package main

import (
	"fmt"
	"log/slog"

	"pipeline/mnist"
	"pipeline/models"
	"pipeline/signdigits"
	"pipeline/speech"
)

// loadDatasets reads the training and test sets a model trains on from the
// folder given with --data.
func loadDatasets(spec models.Spec, dir string) (train, test *models.Dataset, err error) {
	if dir == "" {
		return nil, nil, usageErrorf("--data is required: the folder with the data set")
	}
	switch spec.Name {
	case "lenet5":
		trainSet, testSet, err := mnist.LoadDir(dir)
		if err != nil {
			return nil, nil, usageError{err}
		}
		return mnistDataset(spec, trainSet), mnistDataset(spec, testSet), nil
	case "audiocnn":
		train, test, err := speech.LoadFSDD(dir, spec)
		if err != nil {
			return nil, nil, usageError{err}
		}
		return train, test, nil
	case "signdigits":
		return loadSignDigits(dir)
	}
	return nil, nil, usageErrorf("model %s: no data set loader", spec.Name)
}

// loadTestDataset reads only the test set, for eval.
func loadTestDataset(spec models.Spec, dir string) (*models.Dataset, error) {
	if dir == "" {
		return nil, usageErrorf("--data is required: the folder with the data set")
	}
	switch spec.Name {
	case "lenet5":
		images, err := mnist.FindFile(dir, mnist.TestImagesFile)
		if err != nil {
			return nil, usageError{err}
		}
		labels, err := mnist.FindFile(dir, mnist.TestLabelsFile)
		if err != nil {
			return nil, usageError{err}
		}
		set, err := readMNISTSet(images, labels)
		if err != nil {
			return nil, usageError{err}
		}
		return mnistDataset(spec, set), nil
	}
	if spec.Name == "signdigits" {
		return loadSignDigitsTest(dir)
	}
	_, test, err := loadDatasets(spec, dir)
	return test, err
}

func readMNISTSet(imagesPath, labelsPath string) (*mnist.Set, error) {
	images, err := mnist.ReadImages(imagesPath)
	if err != nil {
		return nil, err
	}
	labels, err := mnist.ReadLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels) != images.N {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels",
			imagesPath, images.N, labelsPath, len(labels))
	}
	return &mnist.Set{Images: images, Labels: labels}, nil
}

// mnistDataset normalises MNIST pixels as the model expects.
func mnistDataset(spec models.Spec, set *mnist.Set) *models.Dataset {
	im := set.Images
	x := models.NewTensor(im.N, 1, im.Rows, im.Cols)
	spec.Normalize(x.Data, im.Pixels)
	y := make([]int, len(set.Labels))
	for i, label := range set.Labels {
		y[i] = int(label)
	}
	return &models.Dataset{X: x, Y: y}
}

// loadSignDigits finds the hand in every photo under dir/0 … dir/9 and
// splits them 80/20 with the fixed seed; photos without a hand are left
// out of training and count as wrong in the test part. When dir is a
// .parquet file of `preprocess --landmarks hands`, the hands come from it
// instead (see readSignDigitsKeypoints).
func loadSignDigits(dir string) (train, test *models.Dataset, err error) {
	if isParquetPath(dir) {
		keypoints, err := readSignDigitsKeypoints(dir)
		if err != nil {
			return nil, nil, err
		}
		trainPhotos, testPhotos := signdigits.Split(keypoints.photos)
		return keypoints.dataset("train", trainPhotos), keypoints.dataset("test", testPhotos), nil
	}
	photos, err := signdigits.ListPhotos(dir)
	if err != nil {
		return nil, nil, usageError{err}
	}
	trainPhotos, testPhotos := signdigits.Split(photos)
	train, err = signDigitsDataset("train", trainPhotos)
	if err != nil {
		return nil, nil, err
	}
	test, err = signDigitsDataset("test", testPhotos)
	if err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadSignDigitsTest finds the hands of the test part only, or reads them
// from a keypoint file.
func loadSignDigitsTest(dir string) (*models.Dataset, error) {
	if isParquetPath(dir) {
		keypoints, err := readSignDigitsKeypoints(dir)
		if err != nil {
			return nil, err
		}
		_, testPhotos := signdigits.Split(keypoints.photos)
		return keypoints.dataset("test", testPhotos), nil
	}
	photos, err := signdigits.ListPhotos(dir)
	if err != nil {
		return nil, usageError{err}
	}
	_, testPhotos := signdigits.Split(photos)
	return signDigitsDataset("test", testPhotos)
}

// signDigitsDataset finds the best hand in each photo; Missing counts the
// photos without one.
func signDigitsDataset(part string, photos []signdigits.Photo) (*models.Dataset, error) {
	slog.Info("finding hands", "part", part, "photos", len(photos))
	found, err := signdigits.DetectAll(photos)
	if err != nil {
		return nil, err
	}
	for _, d := range found {
		if d.Err != nil {
			slog.Warn("photo skipped", "photo", d.Photo.Path, "err", d.Err)
		}
	}
	data, missing := signdigits.Dataset(found)
	data.Missing = missing
	slog.Info("hands found", "part", part, "with_hand", data.Len(), "without_hand", missing)
	return data, nil
}
