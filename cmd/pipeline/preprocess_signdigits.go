package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"

	"pipeline/landmarks"
	"pipeline/models"
	"pipeline/signdigits"
	"pipeline/tables"
)

// isParquetPath reports whether the --data path names a Parquet file.
func isParquetPath(path string) bool {
	return strings.HasSuffix(strings.ToLower(path), ".parquet")
}

// signDigitsKeypoints is a keypoint file of `preprocess --landmarks hands`
// made ready for the signdigits model.
type signDigitsKeypoints struct {
	photos []signdigits.Photo   // every photo with a digit folder, by path
	inputs map[string][]float32 // model input of each photo with a hand
}

// readSignDigitsKeypoints reads a keypoint file and its side files. The
// photos are those with a row, those in FILE.empty.jsonl (no hand found)
// and FILE.errors.jsonl (not decoded), and, when the folder named by the
// footer key pipeline.src still exists, every photo signdigits.ListPhotos
// finds there. So the list, and with it signdigits.Split, is the one that
// training from the photos uses, even when the run that wrote the file was
// interrupted. Each photo's input comes from its hand with the highest
// presence score, as signdigits.BestHand picks it.
func readSignDigitsKeypoints(path string) (*signDigitsKeypoints, error) {
	rows, footer, err := tables.ReadKeypoints(path)
	if err != nil {
		return nil, usageError{err}
	}
	best := map[string]*tables.KeypointRow{}
	for i := range rows {
		row := &rows[i]
		if row.Kind != tables.KindHand {
			return nil, usageErrorf("%s: row %d has %s keypoints; the signdigits model "+
				"needs a file of `preprocess --landmarks hands`", path, i, row.Kind)
		}
		if len(row.Landmarks) != landmarks.NumHandLandmarks {
			return nil, fmt.Errorf("%s: row %d has %d landmarks, expected %d", path, i,
				len(row.Landmarks), landmarks.NumHandLandmarks)
		}
		if old, ok := best[row.Source]; !ok || row.Presence > old.Presence {
			best[row.Source] = row
		}
	}

	warnOtherHandOptions(path, footer["pipeline.landmarks"])
	paths, err := listedPhotos(path, footer["pipeline.src"])
	if err != nil {
		return nil, err
	}
	for source := range best {
		paths = append(paths, source)
	}
	data := &signDigitsKeypoints{inputs: map[string][]float32{}}
	data.photos = labelledPhotos(paths)
	if len(data.photos) == 0 {
		return nil, usageErrorf("%s: no photos in folders named 0 … 9", path)
	}
	for source, row := range best {
		data.inputs[source] = handInput(row)
	}
	return data, nil
}

// handFinding is the part of the footer key pipeline.landmarks that
// decides which hands a keypoint file contains.
type handFinding struct {
	NumHands               int     `json:"num_hands"`
	HandModel              string  `json:"hand_model"`
	MinDetectionConfidence float64 `json:"min_detection_confidence"`
	MinPresenceConfidence  float64 `json:"min_presence_confidence"`
	WholeImageFallback     bool    `json:"whole_image_fallback"`
}

// signDigitsHandFinding returns signdigits.HandOptions as the footer
// records options, with MediaPipe's defaults in place of zero values.
func signDigitsHandFinding() handFinding {
	opts := signdigits.HandOptions()
	model := "full"
	if opts.Lite {
		model = "lite"
	}
	return handFinding{
		NumHands:               cmp.Or(opts.NumHands, 2),
		HandModel:              model,
		MinDetectionConfidence: cmp.Or(opts.MinDetectionConfidence, 0.5),
		MinPresenceConfidence:  cmp.Or(opts.MinPresenceConfidence, 0.5),
		WholeImageFallback:     opts.WholeImageFallback,
	}
}

// warnOtherHandOptions logs a warning when the footer key
// pipeline.landmarks of a keypoint file shows that its hands were found
// with other options than signdigits.HandOptions, because the model then
// trains on other landmarks than `run --model signdigits` gives it.
func warnOtherHandOptions(path, encoded string) {
	var got handFinding
	if err := json.Unmarshal([]byte(encoded), &got); err != nil {
		slog.Warn("keypoint file does not record how its hands were found "+
			"(footer key pipeline.landmarks)", "file", path)
		return
	}
	if want := signDigitsHandFinding(); got != want {
		slog.Warn("the hands in the keypoint file were found with other options than "+
			"`run --model signdigits` uses; make the file again with these preprocess flags",
			"file", path, "flags", strings.Join(handFindingFlags(got, want), " "))
	}
}

// handFindingFlags returns the preprocess flags that turn the options got
// into want.
func handFindingFlags(got, want handFinding) []string {
	var flags []string
	if got.NumHands != want.NumHands {
		flags = append(flags, fmt.Sprintf("--num-hands %d", want.NumHands))
	}
	if got.HandModel != want.HandModel {
		flags = append(flags, "--hand-model "+want.HandModel)
	}
	if got.MinDetectionConfidence != want.MinDetectionConfidence {
		flags = append(flags, fmt.Sprintf("--min-detection-confidence %g",
			want.MinDetectionConfidence))
	}
	if got.MinPresenceConfidence != want.MinPresenceConfidence {
		flags = append(flags, fmt.Sprintf("--min-presence-confidence %g",
			want.MinPresenceConfidence))
	}
	if got.WholeImageFallback != want.WholeImageFallback {
		flags = append(flags, fmt.Sprintf("--whole-image-fallback=%t", want.WholeImageFallback))
	}
	return flags
}

// listedPhotos returns the photos of the side files of path and those that
// signdigits.ListPhotos finds in src, when src is a folder.
func listedPhotos(path, src string) ([]string, error) {
	var paths []string
	for _, side := range []string{path + ".empty.jsonl", path + ".errors.jsonl"} {
		sources, err := readSideFileSources(side)
		if err != nil {
			return nil, err
		}
		paths = append(paths, sources...)
	}
	if info, err := os.Stat(src); src != "" && err == nil && info.IsDir() {
		photos, err := signdigits.ListPhotos(src)
		if err != nil {
			return nil, usageErrorf("photos of %s (footer key pipeline.src): %w", path, err)
		}
		for _, photo := range photos {
			paths = append(paths, photo.Path)
		}
	}
	return paths, nil
}

// readSideFileSources returns the source of every line of a side file, or
// nothing when the file does not exist.
func readSideFileSources(path string) ([]string, error) {
	file, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usageError{err}
	}
	defer file.Close()
	var sources []string
	scanner := bufio.NewScanner(file)
	scanner.Buffer(nil, 1<<20)
	for line := 1; scanner.Scan(); line++ {
		var entry struct {
			Source string `json:"source"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &entry); err != nil || entry.Source == "" {
			return nil, usageErrorf("%s line %d: expected a JSON object with a source",
				path, line)
		}
		sources = append(sources, entry.Source)
	}
	if err := scanner.Err(); err != nil {
		return nil, usageErrorf("read %s: %w", path, err)
	}
	return sources, nil
}

// labelledPhotos returns the paths whose parent folder names a digit, as
// photos in byte order of paths, each once.
func labelledPhotos(paths []string) []signdigits.Photo {
	slices.Sort(paths)
	paths = slices.Compact(paths)
	var photos []signdigits.Photo
	for _, path := range paths {
		if label := digitFolderLabel(path); label != nil {
			photos = append(photos, signdigits.Photo{Path: path, Digit: int(*label)})
		}
	}
	return photos
}

// handInput returns the signdigits model input of a hand row.
func handInput(row *tables.KeypointRow) []float32 {
	var hand landmarks.Hand
	for i, point := range row.Landmarks {
		hand.Landmarks[i] = landmarks.Landmark{X: point.X, Y: point.Y, Z: point.Z}
	}
	return signdigits.Input(nil, &hand, int(row.Width), int(row.Height))
}

// dataset returns the data set of one part of the split; Missing counts
// its photos without a hand.
func (k *signDigitsKeypoints) dataset(part string, photos []signdigits.Photo) *models.Dataset {
	detections := make([]signdigits.Detection, len(photos))
	for i, photo := range photos {
		detections[i] = signdigits.Detection{Photo: photo, Input: k.inputs[photo.Path]}
	}
	data, missing := signdigits.Dataset(detections)
	data.Missing = missing
	slog.Info("hands read from keypoints", "part", part, "with_hand", data.Len(),
		"without_hand", missing)
	return data
}
