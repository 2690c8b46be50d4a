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

// TrainShifts are the time shifts, in samples, of the copies of each
// training clip. The copies are the clip itself and the clip 125 ms earlier
// and later in its window, so that the model does not learn where in the
// second a digit starts.
var TrainShifts = []int{0, -1000, 1000}

// LoadFSDD reads every recording of the FSDD recordings folder (or of its
// recordings/ subfolder), computes the model inputs, normalises them as
// spec says and splits them officially: indices 0–4 test, the rest train.
// Training clips appear once per entry of TrainShifts.
func LoadFSDD(dir string, spec models.Spec) (train, test *models.Dataset, err error) {
	if sub := filepath.Join(dir, "recordings"); isDir(sub) {
		dir = sub
	}
	list, err := ListRecordings(dir)
	if err != nil {
		return nil, nil, err
	}
	inputs, err := featurizeAll(list, TrainShifts)
	if err != nil {
		return nil, nil, err
	}
	var trainIdx, testIdx []int
	for i, r := range list {
		for s := range TrainShifts {
			if r.Test() && s == 0 {
				testIdx = append(testIdx, i*len(TrainShifts))
			}
			if !r.Test() {
				trainIdx = append(trainIdx, i*len(TrainShifts)+s)
			}
		}
	}
	return gather(list, inputs, trainIdx, len(TrainShifts), spec),
		gather(list, inputs, testIdx, len(TrainShifts), spec), nil
}

// featurizeAll decodes the recordings on every core and featurizes each
// at every shift; input i·len(shifts)+s is recording i at shifts[s].
func featurizeAll(list []Recording, shifts []int) ([][]float32, error) {
	inputs := make([][]float32, len(list)*len(shifts))
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
				samples, _ := MonoAt8k(clip)
				for s, shift := range shifts {
					inputs[i*len(shifts)+s], _ = f.ShiftedInput(nil, samples, shift, nil)
				}
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

// gather builds a data set from the inputs at indices; input i belongs to
// recording i/copies.
func gather(list []Recording, inputs [][]float32, indices []int, copies int,
	spec models.Spec) *models.Dataset {
	size := MelBands * Frames
	x := models.NewTensor(len(indices), 1, MelBands, Frames)
	y := make([]int, len(indices))
	for i, idx := range indices {
		dst := x.Data[i*size : (i+1)*size]
		for j, v := range inputs[idx] {
			dst[j] = (v - spec.InputMean) / spec.InputStd
		}
		y[i] = list[idx/copies].Digit
	}
	return &models.Dataset{X: x, Y: y}
}

func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
