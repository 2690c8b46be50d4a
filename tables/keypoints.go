package tables

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"
)

// KeypointSchema is the value of the footer key SchemaKey in keypoint
// files.
const KeypointSchema = "keypoints/1"

// SchemaKey is the footer key that names the kind of data set a file holds.
const SchemaKey = "pipeline.schema"

// Values of the kind column.
const (
	KindHand = "hand"
	KindPose = "pose"
)

// KeypointRow is one row of a keypoint data set: one hand or one body
// found in one image or video frame. An image or frame with nothing found
// has no row. Source and FrameIndex identify the image or frame.
//
// Hand rows have 21 landmarks and pose rows 33, in MediaPipe's order, with
// the coordinates of the landmarks package. In Landmarks, x and y are
// normalised to the image width and height, and z is relative depth on
// about the scale of x. In WorldLandmarks all three are metres.
type KeypointRow struct {
	Source      string   `parquet:"source"`                // image file or video file
	FrameIndex  int32    `parquet:"frame_index"`           // frame in a video; 0 for an image
	TimestampMs *float64 `parquet:"timestamp_ms,optional"` // frame start; null for images
	Kind        string   `parquet:"kind,dict"`             // KindHand or KindPose

	// Index is the position of the hand or body within its frame, 0 for
	// the highest detection score.
	Index int32 `parquet:"index"`

	// Handedness is MediaPipe's label, "Left" or "Right", which assumes a
	// mirrored (selfie) image. PersonHandedness is the person's own hand,
	// given whether the input was mirrored. Both are null in pose rows.
	Handedness       *string  `parquet:"handedness,optional,dict"`
	PersonHandedness *string  `parquet:"person_handedness,optional,dict"`
	HandednessScore  *float64 `parquet:"handedness_score,optional"`

	DetectionScore float64 `parquet:"detection_score"` // palm or pose detector score
	Presence       float64 `parquet:"presence"`        // landmark model's presence score
	Width          int32   `parquet:"width"`           // image width in pixels
	Height         int32   `parquet:"height"`          // image height in pixels

	Landmarks      []Keypoint `parquet:"landmarks,list"`
	WorldLandmarks []Keypoint `parquet:"world_landmarks,list"`

	// Label is the digit named by the image's parent folder (0–9), as in
	// the sign-digits layout DIR/3/photo.jpg; null otherwise.
	Label *int32   `parquet:"label,optional"`
	Notes []string `parquet:"notes,list"` // notes on decoding the input
}

// Keypoint is one landmark. Visibility and Presence are the pose model's
// probabilities that the point is visible and inside the image. Hand
// landmarks have neither, so both are null in hand rows.
type Keypoint struct {
	X          float64  `parquet:"x"`
	Y          float64  `parquet:"y"`
	Z          float64  `parquet:"z"`
	Visibility *float64 `parquet:"visibility,optional"`
	Presence   *float64 `parquet:"presence,optional"`
}

// ErrNotKeypoints is returned by ReadKeypoints for a Parquet file that is
// not a keypoint data set.
var ErrNotKeypoints = errors.New("not a keypoint data set")

// ReadKeypoints reads every row of a keypoint file written by a
// Writer[KeypointRow] whose footer names KeypointSchema, and the footer's
// key-value pairs.
func ReadKeypoints(path string) ([]KeypointRow, map[string]string, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("tables: read %s: %w", path, err)
	}
	defer file.Close()

	info, err := file.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("tables: read %s: %w", path, err)
	}
	parquetFile, err := parquet.OpenFile(file, info.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("tables: read %s: %w", path, err)
	}
	if schema, _ := parquetFile.Lookup(SchemaKey); schema != KeypointSchema {
		return nil, nil, fmt.Errorf("tables: read %s: %w: footer key %s is %q, expected %q",
			path, ErrNotKeypoints, SchemaKey, schema, KeypointSchema)
	}

	footer := map[string]string{}
	for _, pair := range parquetFile.Metadata().KeyValueMetadata {
		footer[pair.Key] = pair.Value
	}
	reader := parquet.NewGenericReader[KeypointRow](parquetFile)
	defer reader.Close()
	rows := make([]KeypointRow, parquetFile.NumRows())
	for done := 0; done < len(rows); {
		n, err := reader.Read(rows[done:])
		done += n
		if done < len(rows) && (err != nil || n == 0) {
			err = cmp.Or(err, io.ErrUnexpectedEOF)
			return nil, nil, fmt.Errorf("tables: read %s: row %d of %d: %w", path, done, len(rows), err)
		}
	}
	return rows, footer, nil
}
