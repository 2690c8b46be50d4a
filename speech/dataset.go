package speech

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"pipeline/audio"
	"pipeline/models"
)

// LoadFSDD reads every recording of the FSDD recordings folder (or of its
// recordings/ subfolder), computes the model inputs, normalises them as
// spec says and splits them officially: indices 0–4 test, the rest train.
func LoadFSDD(dir string, spec models.Spec) (train, test *models.Dataset, err error) {
	if sub := filepath.Join(dir, "recordings"); isDir(sub) {
		dir = sub
	}
	list, err := ListRecordings(dir)
	if err != nil {
		return nil, nil, err
	}
	inputs, err := featurizeAll(list)
	if err != nil {
		return nil, nil, err
	}
	var trainIdx, testIdx []int
	for i, r := range list {
		if r.Test() {
			testIdx = append(testIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return gather(list, inputs, trainIdx, spec), gather(list, inputs, testIdx, spec), nil
}

// featurizeAll decodes and featurizes the recordings on every core.
func featurizeAll(list []Recording) ([][]float32, error) {
	inputs := make([][]float32, len(list))
	errs := make([]error, len(list))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := NewFeaturizer()
			for i := w; i < len(list); i += workers {
				clip, err := audio.ReadFile(list[i].Path)
				if err != nil {
					errs[i] = err
					continue
				}
				inputs[i], _ = f.ClipInput(nil, clip)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("load FSDD %s: %w", list[i].Path, err)
		}
	}
	return inputs, nil
}

func gather(list []Recording, inputs [][]float32, indices []int, spec models.Spec) *models.Dataset {
	size := MelBands * Frames
	x := models.NewTensor(len(indices), 1, MelBands, Frames)
	y := make([]int, len(indices))
	for i, idx := range indices {
		dst := x.Data[i*size : (i+1)*size]
		for j, v := range inputs[idx] {
			dst[j] = (v - spec.InputMean) / spec.InputStd
		}
		y[i] = list[idx].Digit
	}
	return &models.Dataset{X: x, Y: y}
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
