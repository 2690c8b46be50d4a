package tables

import (
	"context"
	"errors"
	"flag"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// sampleKeypointRows returns a two-hand image row pair and a video pose
// row, so that nulls appear in every optional column.
func sampleKeypointRows() []KeypointRow {
	hand := func(index int32, handedness, person string) KeypointRow {
		points := make([]Keypoint, 21)
		world := make([]Keypoint, 21)
		for i := range points {
			points[i] = Keypoint{X: 0.5 + float64(i)/100, Y: 0.25 - float64(index)/10,
				Z: -float64(i) / 1000}
			world[i] = Keypoint{X: float64(i) / 500, Y: -float64(i) / 700, Z: 0.01}
		}
		return KeypointRow{Source: "digits/3/IMG_1.JPG", Kind: KindHand, Index: index,
			Handedness: ptr(handedness), PersonHandedness: ptr(person),
			HandednessScore: ptr(0.97), DetectionScore: 0.9 - float64(index)/10,
			Presence: 0.99, Width: 100, Height: 100, Landmarks: points,
			WorldLandmarks: world, Label: ptr(int32(3)), Notes: []string{}}
	}
	pose := KeypointRow{Source: "people/video.avi", FrameIndex: 7, TimestampMs: ptr(280.0),
		Kind: KindPose, DetectionScore: 0.8, Presence: 0.95, Width: 640, Height: 480,
		Landmarks: make([]Keypoint, 33), WorldLandmarks: make([]Keypoint, 33),
		Notes: []string{"decoded by OpenCV"}}
	for i := range pose.Landmarks {
		pose.Landmarks[i] = Keypoint{X: 0.3, Y: 0.6, Z: 0.1, Visibility: ptr(0.5 + float64(i)/100),
			Presence: ptr(0.9)}
		pose.WorldLandmarks[i] = Keypoint{X: 0.1, Y: 0.2, Z: -0.3, Visibility: ptr(0.5),
			Presence: ptr(0.25)}
	}
	return []KeypointRow{hand(0, "Left", "Right"), hand(1, "Right", "Left"), pose}
}

func writeKeypointRows(t *testing.T, path string, metadata map[string]string,
	rows []KeypointRow) {
	t.Helper()
	w, err := Create[KeypointRow](path, Options{Metadata: metadata, RowGroupRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write(rows...); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

var keypointMetadata = map[string]string{SchemaKey: KeypointSchema}

func TestReadKeypointsRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keypoints.parquet")
	want := sampleKeypointRows()
	writeKeypointRows(t, path, keypointMetadata, want)
	got, footer, err := ReadKeypoints(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	if footer[SchemaKey] != KeypointSchema {
		t.Errorf("footer %s is %q, want %q", SchemaKey, footer[SchemaKey], KeypointSchema)
	}
}

func TestReadKeypointsZeroRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.parquet")
	writeKeypointRows(t, path, keypointMetadata, nil)
	got, _, err := ReadKeypoints(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("%d rows, want 0", len(got))
	}
}

func TestReadKeypointsRejectsFeatures(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	writeRows(t, path, Options{Metadata: map[string]string{SchemaKey: "features/1"}},
		sampleRows(2))
	_, _, err := ReadKeypoints(path)
	if !errors.Is(err, ErrNotKeypoints) {
		t.Errorf("error %v, want ErrNotKeypoints", err)
	}
}

func TestArrowKeypointSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keypoints.parquet")
	writeKeypointRows(t, path, keypointMetadata, sampleKeypointRows())
	reader, arrowReader := openArrow(t, path)
	for _, name := range []string{"landmarks", "world_landmarks", "notes"} {
		checkThreeLevelList(t, reader.MetaData().Schema, name)
	}
	got, err := arrowReader.Schema()
	if err != nil {
		t.Fatal(err)
	}
	point := "list<element: struct<x: float64, y: float64, z: float64, " +
		"visibility: float64 nullable, presence: float64 nullable>>"
	tests := []struct {
		name     string
		typ      string
		nullable bool
	}{
		{"source", "utf8", false},
		{"frame_index", "int32", false},
		{"timestamp_ms", "float64", true},
		{"kind", "utf8", false},
		{"index", "int32", false},
		{"handedness", "utf8", true},
		{"handedness_score", "float64", true},
		{"detection_score", "float64", false},
		{"presence", "float64", false},
		{"width", "int32", false},
		{"landmarks", point, false},
		{"world_landmarks", point, false},
		{"label", "int32", true},
		{"notes", "list<element: utf8>", false},
	}
	for _, tt := range tests {
		fields, ok := got.FieldsByName(tt.name)
		if !ok {
			t.Errorf("arrow schema has no field %s", tt.name)
			continue
		}
		if typ := fields[0].Type.String(); typ != tt.typ {
			t.Errorf("field %s has type %s, want %s", tt.name, typ, tt.typ)
		}
		if fields[0].Nullable != tt.nullable {
			t.Errorf("field %s nullable %v, want %v", tt.name, fields[0].Nullable, tt.nullable)
		}
	}
}

func TestArrowReadsKeypoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keypoints.parquet")
	want := sampleKeypointRows()
	writeKeypointRows(t, path, keypointMetadata, want)
	_, arrowReader := openArrow(t, path)
	table, err := arrowReader.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()
	if table.NumRows() != int64(len(want)) {
		t.Fatalf("arrow read %d rows, want %d", table.NumRows(), len(want))
	}
	frame := column[*array.Int32](t, table, "frame_index")
	timestamp := column[*array.Float64](t, table, "timestamp_ms")
	handedness := column[*array.Float64](t, table, "handedness_score")
	landmarks := column[*array.List](t, table, "landmarks")
	for i, row := range want {
		if frame.Value(i) != row.FrameIndex {
			t.Errorf("row %d frame_index %d, want %d", i, frame.Value(i), row.FrameIndex)
		}
		if got := printArrow(timestamp, i); got != printNullable(row.TimestampMs) {
			t.Errorf("row %d timestamp_ms %s, want %s", i, got, printNullable(row.TimestampMs))
		}
		if got := printArrow(handedness, i); got != printNullable(row.HandednessScore) {
			t.Errorf("row %d handedness_score %s, want %s", i, got,
				printNullable(row.HandednessScore))
		}
		checkArrowPoints(t, i, listValues[*array.Struct](t, landmarks, i), row.Landmarks)
	}
}

// checkArrowPoints compares the structs Arrow read for one row's landmarks
// with the ones written.
func checkArrowPoints(t *testing.T, row int, got *array.Struct, want []Keypoint) {
	t.Helper()
	if got.Len() != len(want) {
		t.Fatalf("row %d: arrow read %d landmarks, want %d", row, got.Len(), len(want))
	}
	x := got.Field(0).(*array.Float64)
	z := got.Field(2).(*array.Float64)
	visibility := got.Field(3).(*array.Float64)
	for i, point := range want {
		if x.Value(i) != point.X || z.Value(i) != point.Z {
			t.Errorf("row %d landmark %d: x %g z %g, want %g %g", row, i, x.Value(i),
				z.Value(i), point.X, point.Z)
		}
		if got := printArrow(visibility, i); got != printNullable(point.Visibility) {
			t.Errorf("row %d landmark %d visibility %s, want %s", row, i, got,
				printNullable(point.Visibility))
		}
	}
}

var keypointFile = flag.String("keypoints", "",
	"keypoint file that TestArrowKeypointFile reads with Arrow's Go reader")

// TestArrowKeypointFile checks a file written by `pipeline preprocess
// --landmarks`:
//
//	go test ./tables -run ArrowKeypointFile -v -args -keypoints /tmp/hands.parquet
//
// It reads every row with Arrow's Go reader, checks the LIST layout and
// the landmark count of each row (21 for a hand, 33 for a pose), and
// compares every x coordinate with what parquet-go reads.
func TestArrowKeypointFile(t *testing.T) {
	if *keypointFile == "" {
		t.Skip("no file to check: pass -args -keypoints FILE")
	}
	reader, arrowReader := openArrow(t, *keypointFile)
	for _, name := range []string{"landmarks", "world_landmarks", "notes"} {
		checkThreeLevelList(t, reader.MetaData().Schema, name)
	}
	table, err := arrowReader.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()
	want, _, err := ReadKeypoints(*keypointFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d rows in %d row groups", *keypointFile, table.NumRows(),
		reader.NumRowGroups())
	if int(table.NumRows()) != len(want) {
		t.Fatalf("arrow read %d rows, parquet-go %d", table.NumRows(), len(want))
	}

	kind := column[*array.String](t, table, "kind")
	landmarks := column[*array.List](t, table, "landmarks")
	world := column[*array.List](t, table, "world_landmarks")
	counts := map[string]int{KindHand: 21, KindPose: 33}
	for i, row := range want {
		points := listValues[*array.Struct](t, landmarks, i)
		if kind.Value(i) != row.Kind || points.Len() != counts[row.Kind] {
			t.Errorf("row %d: arrow reads %s with %d landmarks, want %s with %d", i,
				kind.Value(i), points.Len(), row.Kind, counts[row.Kind])
			continue
		}
		if n := listValues[*array.Struct](t, world, i).Len(); n != points.Len() {
			t.Errorf("row %d: %d world landmarks for %d landmarks", i, n, points.Len())
		}
		x := points.Field(0).(*array.Float64)
		for j, point := range row.Landmarks {
			if x.Value(j) != point.X {
				t.Errorf("row %d landmark %d: arrow x %g, parquet-go %g", i, j, x.Value(j),
					point.X)
			}
		}
	}
}
