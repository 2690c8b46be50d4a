package signdigits

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pipeline/landmarks"
	"pipeline/models"
)

// Photo is one labelled photo of the data set.
type Photo struct {
	Path  string
	Digit int
}

// SplitSeed seeds the shuffle that splits the photos.
const SplitSeed = 1

// ListPhotos returns the JPEG and PNG photos under dir/0 … dir/9, with the
// folder name as the label, in byte order of paths.
func ListPhotos(dir string) ([]Photo, error) {
	var photos []Photo
	for digit := range 10 {
		entries, err := os.ReadDir(filepath.Join(dir, strconv.Itoa(digit)))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			ext := strings.ToLower(filepath.Ext(e.Name()))
			if e.IsDir() || (ext != ".jpg" && ext != ".jpeg" && ext != ".png") {
				continue
			}
			photos = append(photos, Photo{filepath.Join(dir, strconv.Itoa(digit), e.Name()), digit})
		}
	}
	if len(photos) == 0 {
		return nil, fmt.Errorf("no photos in %s/0 … %s/9", dir, dir)
	}
	slices.SortFunc(photos, func(a, b Photo) int { return strings.Compare(a.Path, b.Path) })
	return photos, nil
}

// Split divides photos 80/20 into training and test parts: each digit's
// photos are shuffled by a generator seeded with SplitSeed and the first
// fifth (rounded down) is the test part. The split depends only on the
// list of paths.
func Split(photos []Photo) (train, test []Photo) {
	for digit := range 10 {
		var group []Photo
		for _, p := range photos {
			if p.Digit == digit {
				group = append(group, p)
			}
		}
		rng := rand.New(rand.NewPCG(SplitSeed, uint64(digit)))
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
		cut := len(group) / 5
		test = append(test, group[:cut]...)
		train = append(train, group[cut:]...)
	}
	return train, test
}

// Detection is the model input of a photo, or why there is none.
type Detection struct {
	Photo Photo
	Input []float32 // nil when no hand was found or the photo failed
	Err   error
}

// DetectAll finds the best hand in every photo on every core, with
// HandOptions.
func DetectAll(photos []Photo) ([]Detection, error) {
	out := make([]Detection, len(photos))
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			detector, err := landmarks.NewHandLandmarker(HandOptions())
			if err != nil {
				errs[w] = err
				return
			}
			defer detector.Close()
			for i := w; i < len(photos); i += workers {
				out[i] = detect(detector, photos[i])
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func detect(detector *landmarks.HandLandmarker, photo Photo) Detection {
	data, err := os.ReadFile(photo.Path)
	if err != nil {
		return Detection{Photo: photo, Err: err}
	}
	img, err := landmarks.DecodeImage(photo.Path, data)
	if err != nil {
		return Detection{Photo: photo, Err: err}
	}
	hands, err := detector.Detect(img)
	if err != nil {
		return Detection{Photo: photo, Err: fmt.Errorf("%s: %w", photo.Path, err)}
	}
	hand := BestHand(hands)
	if hand == nil {
		return Detection{Photo: photo}
	}
	b := img.Bounds()
	return Detection{Photo: photo, Input: Input(nil, hand, b.Dx(), b.Dy())}
}

// Dataset builds a data set from the detections that have a hand, and
// returns the number left out because no hand was found or the photo
// failed.
func Dataset(detections []Detection) (*models.Dataset, int) {
	var kept []Detection
	for _, d := range detections {
		if d.Input != nil {
			kept = append(kept, d)
		}
	}
	size := Channels * Points
	x := models.NewTensor(len(kept), Channels, Points)
	y := make([]int, len(kept))
	for i, d := range kept {
		copy(x.Data[i*size:(i+1)*size], d.Input)
		y[i] = d.Photo.Digit
	}
	return &models.Dataset{X: x, Y: y}, len(detections) - len(kept)
}
