package main

import (
	"context"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"pipeline/internal/shareddata"
	"pipeline/landmarks"
	"pipeline/models"
	"pipeline/tables"
	"pipeline/video"
)

// committedPhotos is the folder of six sign-digit photos (100×100 JPEGs
// from an iPhone 7): five of the digit 3, one of the digit 7.
const committedPhotos = "testdata/sign-digits"

// photoFolder returns a new folder with the committed photos, a grey PNG
// without a hand in 5/, a file that is no JPEG in 0/ and a text file that
// is no image.
func photoFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, digit := range []string{"0", "3", "5", "7"} {
		if err := os.Mkdir(filepath.Join(dir, digit), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, digit := range []string{"3", "7"} {
		entries, err := os.ReadDir(filepath.Join(committedPhotos, digit))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			copyFile(t, filepath.Join(committedPhotos, digit, e.Name()),
				filepath.Join(dir, digit, e.Name()))
		}
	}
	writeGreyPNG(t, filepath.Join(dir, "5", "grey.png"))
	if err := os.WriteFile(filepath.Join(dir, "0", "broken.jpg"), []byte("no JPEG"),
		0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("no image"),
		0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func writeGreyPNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	if err := png.Encode(file, img); err != nil {
		t.Fatal(err)
	}
}

func readKeypointRows(t *testing.T, path string) []tables.KeypointRow {
	t.Helper()
	rows, _, err := tables.ReadKeypoints(path)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestPreprocessHands(t *testing.T) {
	src := photoFolder(t)
	out := filepath.Join(t.TempDir(), "hands.parquet")
	code, _, stderr := run(t, "preprocess", "--src", src, "--landmarks", "hands", "--to", out)
	if code != exitSomeFailed {
		t.Fatalf("exit code %d, want 1 for the broken JPEG; stderr:\n%s", code, stderr)
	}
	broken := filepath.Join(src, "0", "broken.jpg")
	grey := filepath.Join(src, "5", "grey.png")
	for _, want := range []string{"preprocess: 8 images read", "rows written to " + out,
		"1 images without hands listed in " + out + ".empty.jsonl",
		"1 failed: decode image " + broken} {
		if !strings.Contains(stderr, want) {
			t.Errorf("summary lacks %q:\n%s", want, stderr)
		}
	}

	rows := readKeypointRows(t, out)
	sources := map[string]bool{}
	for i, row := range rows {
		sources[row.Source] = true
		checkHandRow(t, row)
		if i > 0 && row.Source < rows[i-1].Source {
			t.Errorf("row %d (%s) comes after %s: rows must follow the paths", i,
				row.Source, rows[i-1].Source)
		}
	}
	if len(sources) != 6 {
		t.Errorf("rows for %d photos, want the 6 committed ones: %v", len(sources), sources)
	}
	checkDirectHands(t, rows)

	empty := readFailures(t, out+".empty.jsonl")
	if len(empty) != 1 || empty[0].Source != grey {
		t.Errorf("empty list %+v, want only %s", empty, grey)
	}
	failures := readFailures(t, out+".errors.jsonl")
	if len(failures) != 1 || failures[0].Source != broken ||
		!strings.HasPrefix(failures[0].Error, "decode image "+broken) {
		t.Errorf("error list %+v, want one entry for %s", failures, broken)
	}
}

// checkHandRow checks the columns of a hand row found in a 100×100 photo.
func checkHandRow(t *testing.T, row tables.KeypointRow) {
	t.Helper()
	if row.Kind != tables.KindHand || row.FrameIndex != 0 || row.TimestampMs != nil {
		t.Errorf("%s: kind %s, frame %d, timestamp %v; want hand, 0, null", row.Source,
			row.Kind, row.FrameIndex, row.TimestampMs)
	}
	if row.Width != 100 || row.Height != 100 {
		t.Errorf("%s: %d×%d, want 100×100", row.Source, row.Width, row.Height)
	}
	if len(row.Landmarks) != 21 || len(row.WorldLandmarks) != 21 {
		t.Errorf("%s: %d and %d world landmarks, want 21 each", row.Source,
			len(row.Landmarks), len(row.WorldLandmarks))
	}
	if row.Handedness == nil || row.PersonHandedness == nil || row.HandednessScore == nil {
		t.Fatalf("%s: handedness columns are null", row.Source)
	}
	if *row.Handedness == *row.PersonHandedness {
		t.Errorf("%s: person's hand %s equals MediaPipe's label without --mirrored",
			row.Source, *row.PersonHandedness)
	}
	want := int32(filepath.Base(filepath.Dir(row.Source))[0] - '0')
	if row.Label == nil || *row.Label != want {
		t.Errorf("%s: label %v, want %d", row.Source, row.Label, want)
	}
}

// checkDirectHands compares the rows with the hands that a HandLandmarker
// finds in landmarks.DecodeImage's pixels, ordered by palm score.
func checkDirectHands(t *testing.T, rows []tables.KeypointRow) {
	t.Helper()
	landmarker, err := landmarks.NewHandLandmarker(landmarks.HandOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer landmarker.Close()
	for _, row := range rows {
		data, err := os.ReadFile(row.Source)
		if err != nil {
			t.Fatal(err)
		}
		img, err := landmarks.DecodeImage(row.Source, data)
		if err != nil {
			t.Fatal(err)
		}
		hands, err := landmarker.Detect(img)
		if err != nil {
			t.Fatal(err)
		}
		want := handRows(hands, false)
		if int(row.Index) >= len(want) {
			t.Errorf("%s: row index %d of %d hands", row.Source, row.Index, len(want))
			continue
		}
		if !slices.Equal(row.Landmarks, want[row.Index].Landmarks) ||
			row.Presence != want[row.Index].Presence {
			t.Errorf("%s hand %d differs from direct detection", row.Source, row.Index)
		}
	}
}

func TestTrainSignDigitsFromKeypoints(t *testing.T) {
	src := photoFolder(t)
	out := filepath.Join(t.TempDir(), "hands.parquet")
	if code, _, stderr := run(t, "preprocess", "--src", src, "--landmarks", "hands",
		"--whole-image-fallback", "--to", out); code != exitSomeFailed {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	wantTrain, wantTest, err := loadSignDigits(src)
	if err != nil {
		t.Fatal(err)
	}
	if wantTest.Len()+wantTest.Missing == 0 || wantTrain.Missing == 0 {
		t.Fatalf("test part %d+%d, train missing %d: the split checks too little",
			wantTest.Len(), wantTest.Missing, wantTrain.Missing)
	}

	check := func(name string) {
		train, test, err := loadSignDigits(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareDatasets(t, name+" train", train, wantTrain)
		compareDatasets(t, name+" test", test, wantTest)
		testOnly, err := loadSignDigitsTest(out)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareDatasets(t, name+" test only", testOnly, wantTest)
	}
	check("with photos")
	// Without the photo folder the list comes from the rows and side files.
	if err := os.Rename(src, src+".moved"); err != nil {
		t.Fatal(err)
	}
	check("photos moved")
}

func compareDatasets(t *testing.T, name string, got, want *models.Dataset) {
	t.Helper()
	if !slices.Equal(got.Y, want.Y) || got.Missing != want.Missing {
		t.Errorf("%s: labels %v missing %d, want %v missing %d", name, got.Y, got.Missing,
			want.Y, want.Missing)
	}
	if !slices.Equal(got.X.Data, want.X.Data) {
		t.Errorf("%s: inputs differ from those of the photos", name)
	}
}

func TestTrainCommandFromKeypoints(t *testing.T) {
	out := filepath.Join(t.TempDir(), "hands.parquet")
	if code, _, stderr := run(t, "preprocess", "--src", committedPhotos, "--landmarks",
		"hands", "--whole-image-fallback", "--to", out); code != exitOK {
		t.Fatalf("preprocess exit code %d; stderr:\n%s", code, stderr)
	}
	runDir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := run(t, "train", "--model", "signdigits", "--data", out, "--epochs", "1",
		"--out", runDir)
	if code != exitOK {
		t.Fatalf("train exit code %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "hands read from keypoints") {
		t.Errorf("train did not read the keypoint file:\n%s", stderr)
	}
	if strings.Contains(stderr, "other options") {
		t.Errorf("train warned of other hand options:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(runDir, "weights.safetensors")); err != nil {
		t.Error(err)
	}
}

// TestTrainWarnsOfOtherHandOptions trains from a keypoint file made
// without --whole-image-fallback, which signdigits.HandOptions sets.
func TestTrainWarnsOfOtherHandOptions(t *testing.T) {
	out := filepath.Join(t.TempDir(), "hands.parquet")
	if code, _, stderr := run(t, "preprocess", "--src", committedPhotos, "--landmarks",
		"hands", "--to", out); code != exitOK {
		t.Fatalf("preprocess exit code %d; stderr:\n%s", code, stderr)
	}
	code, _, stderr := run(t, "train", "--model", "signdigits", "--data", out, "--epochs", "1",
		"--out", filepath.Join(t.TempDir(), "run"))
	if code != exitOK {
		t.Fatalf("train exit code %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "were found with other options") {
		t.Errorf("no warning of other hand options:\n%s", stderr)
	}
	if !strings.Contains(stderr, "--whole-image-fallback=true") {
		t.Errorf("warning does not name the flag to add:\n%s", stderr)
	}
}

func TestPreprocessPoseVideo(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	out := filepath.Join(t.TempDir(), "pose.parquet")
	code, _, stderr := run(t, "preprocess", "--src", path, "--landmarks", "pose",
		"--max-frames", "3", "--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "preprocess: 3 frames read") {
		t.Errorf("summary lacks the frame count:\n%s", stderr)
	}
	rows := readKeypointRows(t, out)
	var empty []clipFailure
	if _, err := os.Stat(out + ".empty.jsonl"); err == nil {
		empty = readFailures(t, out+".empty.jsonl")
	}
	if len(rows)+len(empty) != 3 {
		t.Fatalf("%d rows and %d empty frames, want 3 frames", len(rows), len(empty))
	}
	for i, row := range rows {
		if row.Kind != tables.KindPose || row.Index != 0 || row.Source != path {
			t.Errorf("row %d: kind %s index %d source %s", i, row.Kind, row.Index, row.Source)
		}
		if row.TimestampMs == nil || (i > 0 && *row.TimestampMs <= *rows[i-1].TimestampMs) {
			t.Errorf("row %d timestamp %v does not follow the previous row", i, row.TimestampMs)
		}
		if len(row.Landmarks) != 33 || row.Landmarks[0].Visibility == nil ||
			row.WorldLandmarks[0].Presence == nil {
			t.Errorf("row %d: %d landmarks, visibility or presence null", i, len(row.Landmarks))
		}
		if row.Handedness != nil || row.Label != nil {
			t.Errorf("row %d: handedness %v, label %v; want nulls", i, row.Handedness, row.Label)
		}
	}
	checkDirectPose(t, path, rows, false)
}

// TestPreprocessPoseVideoTracked tracks the body through the first 12
// frames of the shared video: every frame gets a row, each matching what
// PoseLandmarker.DetectVideo finds in the same frames, and the footer
// records the tracking.
func TestPreprocessPoseVideoTracked(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	out := filepath.Join(t.TempDir(), "pose.parquet")
	code, _, stderr := run(t, "preprocess", "--src", path, "--landmarks", "pose", "--track",
		"--max-frames", "12", "--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	rows, footer, err := tables.ReadKeypoints(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 12 {
		t.Fatalf("%d rows, want one per frame (12)", len(rows))
	}

	checkDirectPose(t, path, rows, true)
	if !strings.Contains(footer["pipeline.landmarks"], `"track":true`) {
		t.Errorf("footer pipeline.landmarks %q does not record --track",
			footer["pipeline.landmarks"])
	}
}

// checkDirectPose compares the rows with the poses that a PoseLandmarker
// finds in the frames that video.OpenVideo reads: with Detect, or with
// DetectVideo on every frame when tracked is set.
func checkDirectPose(t *testing.T, path string, rows []tables.KeypointRow, tracked bool) {
	t.Helper()
	source, err := video.OpenVideo(path)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	landmarker, err := landmarks.NewPoseLandmarker(landmarks.PoseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer landmarker.Close()
	for next := 0; next < len(rows); {
		frame, err := source.Next()
		if err != nil {
			t.Fatal(err)
		}
		var pose *landmarks.Pose
		if tracked {
			pose, err = landmarker.DetectVideo(frame.RGBA(nil), *frame.TimestampMs)
		}
		if frame.Index != int(rows[next].FrameIndex) {
			continue
		}
		if !tracked {
			pose, err = landmarker.Detect(frame.RGBA(nil))
		}
		if err != nil || pose == nil {
			t.Fatalf("frame %d: pose %v, error %v", frame.Index, pose, err)
		}
		if want := poseRow(pose); !slices.EqualFunc(rows[next].Landmarks, want.Landmarks,
			equalKeypoints) {
			t.Errorf("frame %d differs from direct detection", frame.Index)
		}
		next++
	}
}

func equalKeypoints(a, b tables.Keypoint) bool {
	return a.X == b.X && a.Y == b.Y && a.Z == b.Z && *a.Visibility == *b.Visibility &&
		*a.Presence == *b.Presence
}

func TestPreprocessLandmarkUsageErrors(t *testing.T) {
	src := committedPhotos
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"both modes", []string{"--src", src, "--landmarks", "hands", "--features", "mfcc"},
			"--features and --landmarks exclude each other"},
		{"no mode", []string{"--src", src}, "--features logmel|mfcc or --landmarks hands|pose " +
			"is required"},
		{"unknown landmarks", []string{"--src", src, "--landmarks", "face"},
			`--landmarks "face": expected hands or pose`},
		{"preset with landmarks", []string{"--src", src, "--landmarks", "hands", "--preset",
			"librosa"}, "--preset applies only to --features"},
		{"max frames with features", []string{"--src", src, "--features", "logmel",
			"--max-frames", "2"}, "--max-frames applies only to --landmarks"},
		{"num hands with pose", []string{"--src", src, "--landmarks", "pose", "--num-hands",
			"1"}, "--num-hands applies only to --landmarks hands"},
		{"pose model with hands", []string{"--src", src, "--landmarks", "hands",
			"--pose-model", "lite"}, "--pose-model applies only to --landmarks pose"},
		{"zero hands", []string{"--src", src, "--landmarks", "hands", "--num-hands", "0"},
			"--num-hands 0: expected 1 or above"},
		{"unknown pose model", []string{"--src", src, "--landmarks", "pose", "--pose-model",
			"tiny"}, `--pose-model "tiny"`},
		{"confidence above 1", []string{"--src", src, "--landmarks", "hands",
			"--min-detection-confidence", "1.5"}, "--min-detection-confidence 1.5: expected"},
		{"zero confidence", []string{"--src", src, "--landmarks", "pose",
			"--min-presence-confidence", "0"}, "--min-presence-confidence 0: expected"},
		{"negative max frames", []string{"--src", src, "--landmarks", "pose", "--max-frames",
			"-1"}, "--max-frames -1"},
		{"tracking confidence above 1", []string{"--src", src, "--landmarks", "pose",
			"--track", "--min-tracking-confidence", "2"}, "--min-tracking-confidence 2: expected"},
		{"track with features", []string{"--src", src, "--features", "mfcc", "--track"},
			"--track applies only to --landmarks"},
		{"tracking confidence without track", []string{"--src", src, "--landmarks", "hands",
			"--min-tracking-confidence", "0.7"}, "--min-tracking-confidence applies only with --track"},
		{"no src", []string{"--landmarks", "hands"}, "--src is required"},
		{"missing src", []string{"--src", filepath.Join(src, "missing"), "--landmarks",
			"hands"}, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append([]string{"preprocess"}, tt.args...)
			args = append(args, "--to", filepath.Join(dir, "out.parquet"))
			code, _, stderr := run(t, args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want 2; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, stderr)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("output folder contains %d files, want none", len(entries))
			}
		})
	}
}

func TestPreprocessKeypointsEmptyFolder(t *testing.T) {
	out := filepath.Join(t.TempDir(), "empty.parquet")
	code, _, stderr := run(t, "preprocess", "--src", t.TempDir(), "--landmarks", "pose",
		"--to", out)
	if code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	if rows := readKeypointRows(t, out); len(rows) != 0 {
		t.Errorf("%d rows, want 0", len(rows))
	}
}

func TestPreprocessKeypointsInterrupted(t *testing.T) {
	photos, err := listImageFiles(committedPhotos)
	if err != nil {
		t.Fatal(err)
	}
	var images []string
	for range 4 {
		images = append(images, photos...)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(t.TempDir(), "hands.parquet")
	job := &keypointJob{src: committedPhotos, images: images, kind: tables.KindHand,
		to: out, workers: 2, progress: cancelAfter{3, cancel}}

	var stderr strings.Builder
	err = job.run(ctx, &stderr)
	if err == nil || !strings.Contains(err.Error(), "preprocess interrupted after") {
		t.Fatalf("run returned %v, want the interruption", err)
	}
	rows := readKeypointRows(t, out)
	if len(rows) < 3 || len(rows) >= len(images) {
		t.Fatalf("%d rows after interrupting at 3 of %d images", len(rows), len(images))
	}
	// Every committed photo has one hand or more.
	next := 0
	for i, row := range rows {
		if i > 0 && row.Source == rows[i-1].Source && row.Index > 0 {
			continue
		}
		if row.Source != images[next] {
			t.Fatalf("row %d is %s, want %s: rows must be the first images in order",
				i, row.Source, images[next])
		}
		next++
	}
}

func TestDigitFolderLabel(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"data/3/a.jpg", "3"},
		{"0/a.png", "0"},
		{"data/10/a.jpg", "null"},
		{"data/x/a.jpg", "null"},
		{"a.jpg", "null"},
		{"", "null"},
	}
	for _, tt := range tests {
		if got := printLabel(digitFolderLabel(tt.path)); got != tt.want {
			t.Errorf("digitFolderLabel(%q) = %s, want %s", tt.path, got, tt.want)
		}
	}
}

func printLabel(label *int32) string {
	if label == nil {
		return "null"
	}
	return string(rune('0' + *label))
}

// duckDBKeypoints is the part of the output of tools/duckdb/check.mjs
// --json for a keypoint file that the test compares.
type duckDBKeypoints struct {
	Rows         int `json:"rows"`
	ParquetTypes []struct {
		Name string  `json:"name"`
		Type *string `json:"type"`
	} `json:"parquetTypes"`
	Mismatches int `json:"shapeMismatches"`
	Sample     []struct {
		Source        string  `json:"source"`
		Index         int32   `json:"index"`
		Handedness    *string `json:"handedness"`
		Label         *int32  `json:"label"`
		LandmarkCount int     `json:"landmark_count"`
		FirstLandmark struct {
			X          float64  `json:"x"`
			Visibility *float64 `json:"visibility"`
		} `json:"first_landmark"`
	} `json:"sample"`
}

func TestPreprocessKeypointsDuckDB(t *testing.T) {
	requireDuckDB(t)
	out := filepath.Join(t.TempDir(), "hands.parquet")
	if code, _, stderr := run(t, "preprocess", "--src", committedPhotos, "--landmarks",
		"hands", "--to", out); code != exitOK {
		t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
	}
	var got duckDBKeypoints
	duckDBCheck(t, out, 20, &got)

	want := readKeypointRows(t, out)
	if got.Rows != len(want) || len(got.Sample) != len(want) {
		t.Fatalf("DuckDB counts %d rows and returns %d, want %d", got.Rows, len(got.Sample),
			len(want))
	}
	if got.Mismatches != 0 {
		t.Errorf("DuckDB finds %d rows with a wrong landmark count", got.Mismatches)
	}
	for _, column := range got.ParquetTypes {
		if column.Type != nil && *column.Type == "INT96" {
			t.Errorf("DuckDB reads column %s as INT96", column.Name)
		}
	}
	for i, row := range got.Sample {
		if row.Source != want[i].Source || row.Index != want[i].Index ||
			row.LandmarkCount != len(want[i].Landmarks) {
			t.Errorf("DuckDB row %d: %s hand %d with %d landmarks, want %s %d with %d", i,
				row.Source, row.Index, row.LandmarkCount, want[i].Source, want[i].Index,
				len(want[i].Landmarks))
		}
		if !reflect.DeepEqual(row.Label, want[i].Label) ||
			!reflect.DeepEqual(row.Handedness, want[i].Handedness) {
			t.Errorf("DuckDB row %d: label %v handedness %v, want %v %v", i, row.Label,
				row.Handedness, want[i].Label, want[i].Handedness)
		}
		if row.FirstLandmark.X != want[i].Landmarks[0].X || row.FirstLandmark.Visibility != nil {
			t.Errorf("DuckDB row %d: wrist x %g visibility %v, want %g and null", i,
				row.FirstLandmark.X, row.FirstLandmark.Visibility, want[i].Landmarks[0].X)
		}
	}
}

// BenchmarkPreprocessHands writes the hands of the sign-digit photos of
// the digit 0 (195 photos), on one goroutine per CPU.
func BenchmarkPreprocessHands(b *testing.B) {
	images, err := listImageFiles(shareddata.Path(b, "sign-digits/0"))
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "hands.parquet")

	b.ReportAllocs()
	for b.Loop() {
		job := &keypointJob{src: "sign-digits/0", images: images, kind: tables.KindHand,
			to: out, workers: runtime.GOMAXPROCS(0)}
		if err := job.run(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(images)*b.N)/b.Elapsed().Seconds(), "img/s")
}

func TestDecodeImageFallsBackToOpenCV(t *testing.T) {
	photo := filepath.Join(committedPhotos, "7", "IMG_1329.JPG")
	mat := gocv.IMRead(photo, gocv.IMReadColor)
	defer mat.Close()
	// A TIFF with Zstandard compression (IMWRITE_TIFF_COMPRESSION 259,
	// COMPRESSION_ZSTD 50000): Debian's libtiff writes and reads it, but
	// golang.org/x/image/tiff does not.
	buffer, err := gocv.IMEncodeWithParams(".tiff", mat, []int{259, 50000})
	if err != nil {
		t.Fatal(err)
	}
	defer buffer.Close()
	path := filepath.Join(t.TempDir(), "photo.tiff")
	if err := os.WriteFile(path, buffer.GetBytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := landmarks.DecodeImage(path, buffer.GetBytes()); err == nil {
		t.Skip("landmarks.DecodeImage reads JPEG-compressed TIFF now; no fallback to test")
	}

	img, notes, err := decodeImageFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if size := img.Bounds().Size(); size != image.Pt(100, 100) {
		t.Errorf("size %v, want 100×100", size)
	}
	if len(notes) == 0 || !strings.HasPrefix(notes[0], "decoded by OpenCV") {
		t.Errorf("notes %q lack the OpenCV fallback", notes)
	}
}

func TestPreprocessMirroredImage(t *testing.T) {
	photo := filepath.Join(committedPhotos, "7", "IMG_1329.JPG")
	dir := t.TempDir()
	plain, mirrored := filepath.Join(dir, "plain.parquet"), filepath.Join(dir, "mirrored.parquet")
	for _, args := range [][]string{{"--to", plain}, {"--to", mirrored, "--mirrored"}} {
		args = append([]string{"preprocess", "--src", photo, "--landmarks", "hands"}, args...)
		if code, _, stderr := run(t, args...); code != exitOK {
			t.Fatalf("%v: exit code %d; stderr:\n%s", args, code, stderr)
		}
	}
	plainRows, mirroredRows := readKeypointRows(t, plain), readKeypointRows(t, mirrored)
	if len(plainRows) == 0 || len(plainRows) != len(mirroredRows) {
		t.Fatalf("%d rows plain, %d mirrored; want the same hands", len(plainRows),
			len(mirroredRows))
	}
	for i := range plainRows {
		if plainRows[i].Source != photo || *plainRows[i].Label != 7 {
			t.Errorf("row %d: source %s label %d, want %s and 7", i, plainRows[i].Source,
				*plainRows[i].Label, photo)
		}
		if *mirroredRows[i].PersonHandedness != *mirroredRows[i].Handedness {
			t.Errorf("row %d: --mirrored gives person's hand %s for MediaPipe's %s", i,
				*mirroredRows[i].PersonHandedness, *mirroredRows[i].Handedness)
		}
		if *plainRows[i].PersonHandedness == *plainRows[i].Handedness {
			t.Errorf("row %d: without --mirrored the person's hand equals MediaPipe's %s", i,
				*plainRows[i].Handedness)
		}
	}
}

func TestPreprocessKeypointsBrokenLink(t *testing.T) {
	dir := t.TempDir()
	photo, err := os.ReadFile("testdata/sign-digits/3/IMG_4043.JPG")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a.jpg"), photo, 0o644)
	if err := os.Symlink("/nonexistent/photo.jpg", filepath.Join(dir, "b.jpg")); err != nil {
		t.Skip(err)
	}
	out := filepath.Join(t.TempDir(), "hands.parquet")
	code, _, stderr := run(t, "preprocess", "--src", dir, "--landmarks", "hands", "--to", out)
	if code != exitSomeFailed {
		t.Errorf("exit %d, want 1: %s", code, stderr)
	}
	errs, err := os.ReadFile(out + ".errors.jsonl")
	if err != nil || !strings.Contains(string(errs), "b.jpg") {
		t.Errorf("errors file %q (%v) does not list the broken link", errs, err)
	}
}

// An image in which nothing is found keeps its decoding notes in the
// empty side file: a Zstandard-compressed TIFF, which
// landmarks.DecodeImage does not read, decodes through OpenCV with a note
// saying so.
func TestPreprocessEmptyKeepsNotes(t *testing.T) {
	dir := t.TempDir()
	grey := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(128, 128, 128, 0), 48, 64,
		gocv.MatTypeCV8UC3)
	defer grey.Close()
	buffer, err := gocv.IMEncodeWithParams(".tiff", grey, []int{259, 50000})
	if err != nil {
		t.Fatal(err)
	}
	defer buffer.Close()
	path := filepath.Join(dir, "grey.tiff")
	if err := os.WriteFile(path, buffer.GetBytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "hands.parquet")
	code, _, stderr := run(t, "preprocess", "--src", dir, "--landmarks", "hands", "--to", out)
	if code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}

	data, err := os.ReadFile(out + ".empty.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var line struct {
		Source string   `json:"source"`
		Notes  []string `json:"notes"`
	}
	if err := json.Unmarshal(data, &line); err != nil {
		t.Fatalf("%v in %q", err, data)
	}
	if line.Source != path || len(line.Notes) == 0 ||
		!strings.HasPrefix(line.Notes[0], "decoded by OpenCV") {
		t.Errorf("empty side file line %s, expected %s with the OpenCV note", data, path)
	}
}
