package main

import (
	"cmp"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"

	"pipeline/landmarks"
	"pipeline/tables"
	"pipeline/video"
)

// This file turns one image or video frame into keypoint rows: decoding,
// detection with one landmarker per worker, and the columns of each row.

// newWorkers creates one landmarker per worker, because a landmarker is
// not safe for concurrent use, and returns the function each worker runs.
// A tracked video gets one worker, which takes the frames in order, and
// its model inferences use every core.
func (j *keypointJob) newWorkers() ([]func(frameInput) frameResult, error) {
	tracked := j.track && j.video != ""
	n, threads := j.workers, 1
	if tracked {
		n, threads = 1, j.workers
	}
	workers := make([]func(frameInput) frameResult, n)
	for i := range workers {
		detect, err := j.newDetector(tracked, threads)
		if err != nil {
			return nil, err
		}
		workers[i] = func(input frameInput) frameResult { return j.search(detect, input) }
	}
	return workers, nil
}

// keypointDetector returns the rows of the hands or bodies in img, a
// video frame at timestampMs or an image (nil).
type keypointDetector func(img image.Image, timestampMs *float64) ([]tables.KeypointRow, error)

// newDetector loads a landmarker whose inferences use threads goroutines.
// With tracked set, frames with a timestamp are tracked from the one
// before (DetectVideo).
func (j *keypointJob) newDetector(tracked bool, threads int) (keypointDetector, error) {
	if j.kind == tables.KindPose {
		opts := j.pose
		opts.Threads = threads
		landmarker, err := landmarks.NewPoseLandmarker(opts)
		if err != nil {
			return nil, usageErrorf("pose landmarker: %w", err)
		}
		return func(img image.Image, timestampMs *float64) ([]tables.KeypointRow, error) {
			var pose *landmarks.Pose
			var err error
			if tracked && timestampMs != nil {
				pose, err = landmarker.DetectVideo(img, *timestampMs)
			} else {
				pose, err = landmarker.Detect(img)
			}
			if err != nil || pose == nil {
				return nil, err
			}
			return []tables.KeypointRow{poseRow(pose)}, nil
		}, nil
	}
	opts := j.hands
	opts.Threads = threads
	landmarker, err := landmarks.NewHandLandmarker(opts)
	if err != nil {
		return nil, usageErrorf("hand landmarker: %w", err)
	}
	return func(img image.Image, timestampMs *float64) ([]tables.KeypointRow, error) {
		var hands []landmarks.Hand
		var err error
		if tracked && timestampMs != nil {
			hands, err = landmarker.DetectVideo(img, *timestampMs)
		} else {
			hands, err = landmarker.Detect(img)
		}
		if err != nil {
			return nil, err
		}
		return handRows(hands, j.mirrored), nil
	}, nil
}

// search decodes one input and returns the rows of what detect finds in
// it, with the columns that describe the input filled in.
func (j *keypointJob) search(detect keypointDetector, input frameInput) frameResult {
	img, result, notes := decodeInput(input)
	if result.err != nil {
		return result
	}
	if len(notes) > 0 {
		result.notes = notes
	}
	rows, err := detect(img, result.timestampMs)
	if err != nil {
		result.err = fmt.Errorf("find %ss in %s frame %d: %w", j.kind, result.source,
			result.frameIndex, err)
		return result
	}
	label := digitFolderLabel(input.path)
	bounds := img.Bounds()
	for i := range rows {
		rows[i].Source, rows[i].FrameIndex = result.source, int32(result.frameIndex)
		rows[i].TimestampMs, rows[i].Label = result.timestampMs, label
		rows[i].Width, rows[i].Height = int32(bounds.Dx()), int32(bounds.Dy())
		rows[i].Notes = slices.Clone(notes)
	}
	result.rows = rows
	return result
}

// decodeInput returns the image of an input, the result that names it and
// the notes on decoding. result.err is set when there is no image.
func decodeInput(input frameInput) (image.Image, frameResult, []string) {
	if input.path != "" {
		result := frameResult{source: input.path}
		img, notes, err := decodeImageFile(input.path)
		result.err = err
		return img, result, notes
	}
	frame := input.frame
	result := frameResult{source: frame.Source, frameIndex: frame.Index,
		timestampMs: frame.TimestampMs, err: input.err}
	if result.err != nil {
		return nil, result, nil
	}
	notes := append([]string{}, frame.Notes...)
	return frame.RGBA(nil), result, notes
}

// decodeImageFile decodes an image file with landmarks.DecodeImage, whose
// JPEG decoding (libjpeg-turbo's pixels, ICC profiles converted to sRGB)
// is what agreement with MediaPipe was measured on. Files that it
// cannot decode are decoded by OpenCV instead, with a note.
//
// NOTE: landmarks.DecodeImage does not apply a JPEG's EXIF orientation,
// while OpenCV does, so the two paths may give a photo different sides up.
func decodeImageFile(path string) (image.Image, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read image %s: %w", path, err)
	}
	img, err := landmarks.DecodeImage(path, data)
	if err == nil {
		return img, []string{}, nil
	}
	frame, openCVErr := decodeWithOpenCV(path)
	if openCVErr != nil {
		return nil, nil, fmt.Errorf("decode image %s: %w; OpenCV: %w", path, err, openCVErr)
	}
	notes := append([]string{"decoded by OpenCV because landmarks.DecodeImage failed: " +
		err.Error()}, frame.Notes...)
	return frame.RGBA(nil), notes, nil
}

func decodeWithOpenCV(path string) (video.Frame, error) {
	source, err := video.OpenImages(path)
	if err != nil {
		return video.Frame{}, err
	}
	defer source.Close()
	return source.Next()
}

// digitFolderLabel returns the digit named by the parent folder of an
// image file when that name is one digit 0–9, and nil otherwise.
func digitFolderLabel(path string) *int32 {
	if path == "" {
		return nil
	}
	name := filepath.Base(filepath.Dir(path))
	if len(name) != 1 || name[0] < '0' || name[0] > '9' {
		return nil
	}
	label := int32(name[0] - '0')
	return &label
}

// handRows returns one row per hand, ordered by palm detection score,
// highest first.
func handRows(hands []landmarks.Hand, mirrored bool) []tables.KeypointRow {
	hands = slices.Clone(hands)
	slices.SortStableFunc(hands, func(a, b landmarks.Hand) int {
		return cmp.Compare(b.PalmScore, a.PalmScore)
	})
	rows := make([]tables.KeypointRow, len(hands))
	for i, hand := range hands {
		person := hand.PersonHandedness(mirrored)
		rows[i] = tables.KeypointRow{
			Kind: tables.KindHand, Index: int32(i),
			Handedness: &hand.Handedness, PersonHandedness: &person,
			HandednessScore: &hand.HandednessScore,
			DetectionScore:  hand.PalmScore, Presence: hand.Presence,
			Landmarks:      handPoints(hand.Landmarks[:]),
			WorldLandmarks: handPoints(hand.WorldLandmarks[:]),
		}
	}
	return rows
}

func handPoints(points []landmarks.Landmark) []tables.Keypoint {
	out := make([]tables.Keypoint, len(points))
	for i, p := range points {
		out[i] = tables.Keypoint{X: p.X, Y: p.Y, Z: p.Z}
	}
	return out
}

func poseRow(pose *landmarks.Pose) tables.KeypointRow {
	return tables.KeypointRow{
		Kind: tables.KindPose, DetectionScore: pose.DetectionScore, Presence: pose.Presence,
		Landmarks:      posePoints(pose.Landmarks[:]),
		WorldLandmarks: posePoints(pose.WorldLandmarks[:]),
	}
}

func posePoints(points []landmarks.PoseLandmark) []tables.Keypoint {
	out := make([]tables.Keypoint, len(points))
	for i, p := range points {
		out[i] = tables.Keypoint{X: p.X, Y: p.Y, Z: p.Z, Visibility: &p.Visibility,
			Presence: &p.Presence}
	}
	return out
}
