package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"pipeline/explain"
	"pipeline/internal/shareddata"
	"pipeline/models"
	"pipeline/video"
)

// keypointPhotos holds three sign-digit photos (digits 0, 3 and 7, from
// the sign-digits data set) and, third in name order, a plain grey image
// in which no hand can be found.
const keypointPhotos = "testdata/keypoints"

// keypointLine is the part of a record that keypoint tests check.
type keypointLine struct {
	Source      string
	Index       int
	TimestampMs *float64 `json:"timestamp_ms"`
	Model       *ModelInfo
	Prediction  *struct{ Class int }
	Probs       []float64
	Landmarks   []struct {
		Kind       string
		Handedness *string
		Score      float64
		Points     [][]float64
		World      [][]float64
	}
	Explain map[string]struct{ Shape []int }
	Notes   []string
	Error   *string
}

// runKeypoints runs src through an engine for cfg and returns the lines,
// each checked against the record schema.
func runKeypoints(t *testing.T, cfg Config, opts KeypointOptions, src string) []keypointLine {
	t.Helper()
	finder, err := NewKeypointFinder(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer finder.Close()
	source, err := finder.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := newEngine(t, cfg).Run(context.Background(), []Source{source}, &out); err != nil {
		t.Fatal(err)
	}

	checker := loadSchema(t)
	var lines []keypointLine
	for _, text := range bytes.SplitAfter(out.Bytes(), []byte("\n")) {
		if len(text) == 0 {
			continue
		}
		if err := checker.checkLine(text); err != nil {
			t.Errorf("line %d does not match the schema: %v", len(lines), err)
		}
		var line keypointLine
		if err := json.Unmarshal(text, &line); err != nil {
			t.Fatalf("line %d: %v", len(lines), err)
		}
		lines = append(lines, line)
	}
	return lines
}

// checkHandLines checks the lines of keypointPhotos: one per image in
// order, a hand with 21 points in each photo, and none in the grey image.
func checkHandLines(t *testing.T, lines []keypointLine) {
	t.Helper()
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	for i, line := range lines {
		if line.Index != i || line.Source != keypointPhotos {
			t.Errorf("line %d: source %s index %d", i, line.Source, line.Index)
		}
		if line.Error != nil {
			t.Errorf("line %d: error %s", i, *line.Error)
		}
		if line.TimestampMs != nil {
			t.Errorf("line %d: timestamp %v for a still image, want null", i, *line.TimestampMs)
		}
	}
	for _, i := range []int{0, 1, 3} {
		if len(lines[i].Landmarks) != 1 {
			t.Fatalf("photo %d: %d hands, want 1", i, len(lines[i].Landmarks))
		}
		hand := lines[i].Landmarks[0]
		if hand.Kind != "hand" || hand.Handedness == nil || len(hand.Points) != 21 ||
			len(hand.World) != 21 {
			t.Errorf("photo %d: hand %+v", i, hand)
		}
	}
	grey := lines[2]
	if grey.Landmarks == nil || len(grey.Landmarks) != 0 {
		t.Errorf("grey image: landmarks %v, want []", grey.Landmarks)
	}
	if !slices.Equal(grey.Notes, []string{NoteNoHand}) {
		t.Errorf("grey image: notes %q, want %q", grey.Notes, NoteNoHand)
	}
	if grey.Prediction != nil || len(grey.Probs) != 0 || len(grey.Explain) != 0 {
		t.Errorf("grey image: prediction %v, probs %v, explain %v, want none",
			grey.Prediction, grey.Probs, grey.Explain)
	}
}

func TestKeypointHandsWithoutModel(t *testing.T) {
	opts := KeypointOptions{Kind: KindHand}
	lines := runKeypoints(t, Config{Batch: 2}, opts, keypointPhotos)
	checkHandLines(t, lines)
	for i, line := range lines {
		if line.Model != nil || line.Prediction != nil || len(line.Probs) != 0 {
			t.Errorf("line %d: model %v prediction %v probs %v, want none", i, line.Model,
				line.Prediction, line.Probs)
		}
	}
}

// TestKeypointHandsSignDigits runs an untrained signdigits model (seed 7):
// the lines' shape does not depend on the weights.
func TestKeypointHandsSignDigits(t *testing.T) {
	net, err := models.Build(models.SignDigits(), 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(7)
	cfg := Config{Net: net, Model: ModelInfo{Name: "signdigits", SHA256: "test"}, Batch: 3,
		Explain: explain.Config{Saliency: true, GradCAM: true, Target: explain.PredictedClass}}
	var attached []*KeypointFrame
	cfg.Observe = func(r *Record, input []float32) error {
		if frame, ok := r.Attachment.(*KeypointFrame); ok {
			attached = append(attached, frame)
		}
		return nil
	}
	cfg.EncodeWorkers = 1 // Observe appends without a lock

	opts := KeypointOptions{Kind: KindHand, Attach: true}
	lines := runKeypoints(t, cfg, opts, keypointPhotos)
	checkHandLines(t, lines)
	for _, i := range []int{0, 1, 3} {
		line := lines[i]
		if line.Prediction == nil || len(line.Probs) != 10 {
			t.Errorf("photo %d: prediction %v, %d probs, want 10", i, line.Prediction,
				len(line.Probs))
		}
		for _, method := range []string{"saliency", "gradcam"} {
			if shape := line.Explain[method].Shape; !slices.Equal(shape, []int{21}) {
				t.Errorf("photo %d: %s shape %v, want [21]", i, method, shape)
			}
		}
	}
	if len(attached) != 4 {
		t.Fatalf("%d frames attached, want 4", len(attached))
	}
	if attached[2].Best != -1 || attached[0].Best != 0 || attached[0].Frame.Width == 0 {
		t.Errorf("attachments: best %d and %d, width %d", attached[0].Best,
			attached[2].Best, attached[0].Frame.Width)
	}
}

func TestKeypointPoseVideo(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	opts := KeypointOptions{Kind: KindPose, MaxFrames: 10}
	lines := runKeypoints(t, Config{}, opts, path)
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10 (MaxFrames)", len(lines))
	}
	previousMs := -1.0
	missed := 0
	for i, line := range lines {
		if line.Index != i || line.Error != nil || line.TimestampMs == nil {
			t.Fatalf("line %d: index %d, error %v, timestamp %v", i, line.Index, line.Error,
				line.TimestampMs)
		}
		if *line.TimestampMs <= previousMs {
			t.Errorf("line %d: timestamp %v after %v", i, *line.TimestampMs, previousMs)
		}
		previousMs = *line.TimestampMs
		if len(line.Landmarks) == 0 {
			missed++
			if !slices.Equal(line.Notes, []string{NoteNoPose}) {
				t.Errorf("line %d: no pose, notes %q, want %q", i, line.Notes, NoteNoPose)
			}
			continue
		}
		pose := line.Landmarks[0]
		if pose.Kind != "pose" || pose.Handedness != nil || len(pose.Points) != 33 ||
			len(pose.Points[0]) != 4 || len(pose.World) != 33 {
			t.Errorf("line %d: pose kind %s, %d points", i, pose.Kind, len(pose.Points))
		}
	}
	// NOTE: the person is in every frame, but in image mode the pose
	// detector misses frame 6 (landmarks as of this test), so a few misses
	// are allowed.
	if missed > 2 {
		t.Errorf("no pose in %d of 10 frames, want at most 2", missed)
	}
}

// TestKeypointSignDigitPhotos finds a hand in the first photos of digit 5
// of the shared sign-digits data set.
func TestKeypointSignDigitPhotos(t *testing.T) {
	path := shareddata.Path(t, "sign-digits/5")
	opts := KeypointOptions{Kind: KindHand, MaxFrames: 6}
	lines := runKeypoints(t, Config{}, opts, path)
	if len(lines) != 6 {
		t.Fatalf("%d lines, want 6 (MaxFrames)", len(lines))
	}
	for i, line := range lines {
		if line.Index != i || line.Error != nil {
			t.Errorf("line %d: index %d, error %v", i, line.Index, line.Error)
		}
		if len(line.Landmarks) == 0 {
			t.Errorf("photo %d: no hand found", i)
		}
	}
}

func TestKeypointFinderRejectsKind(t *testing.T) {
	_, err := NewKeypointFinder(KeypointOptions{Kind: "face"})
	want := `pipeline: keypoint kind "face", expected hand or pose`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// unitSource yields n inputs through DecodeUnit after a random delay of
// up to maxDelay. Inputs whose index is a multiple of 3 have no model input.
type unitSource struct {
	n, next  int
	maxDelay time.Duration
}

func (s *unitSource) Name() string { return "units" }

func (s *unitSource) Close() error { return nil }

func (s *unitSource) Next(ctx context.Context) (Input, bool) {
	if s.next >= s.n {
		return Input{}, false
	}
	index := s.next
	s.next++
	delay := time.Duration(rand.N(int64(s.maxDelay) + 1))
	decode := func(spec *models.Spec, dst []float32) (Decoded, error) {
		time.Sleep(delay)
		d := Decoded{Landmarks: json.RawMessage(`[]`), NoModelInput: index%3 == 0}
		if d.NoModelInput {
			d.Notes = []string{NoteNoHand}
		}
		rng := rand.New(rand.NewPCG(uint64(index), 1))
		for i := range dst {
			dst[i] = float32(rng.NormFloat64())
		}
		return d, nil
	}
	return Input{Source: "units", Index: index, DecodeUnit: decode}, true
}

// TestEngineDecodeUnitOrder checks that units decoded out of order, some
// without model input, come out in order, one line each, with and without
// a model.
func TestEngineDecodeUnitOrder(t *testing.T) {
	withModel := testConfig(t)
	withModel.Batch = 4
	configs := map[string]Config{"with model": withModel, "without model": {Batch: 4}}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			source := &unitSource{n: 30, maxDelay: 3 * time.Millisecond}
			lines, stats, err := runEngine(t, context.Background(), cfg, source)
			if err != nil || stats.Records != 30 || stats.Errors != 0 {
				t.Fatalf("error %v, %d records, %d errors; want 30 records", err,
					stats.Records, stats.Errors)
			}
			checker := loadSchema(t)
			for i, text := range lines {
				if err := checker.checkLine([]byte(text)); err != nil {
					t.Errorf("line %d does not match the schema: %v", i, err)
				}
				var line keypointLine
				if err := json.Unmarshal([]byte(text), &line); err != nil {
					t.Fatal(err)
				}
				wantPrediction := cfg.Net != nil && i%3 != 0
				if line.Index != i || (line.Prediction != nil) != wantPrediction {
					t.Errorf("line %d: index %d, prediction %v, want a prediction: %v", i,
						line.Index, line.Prediction, wantPrediction)
				}
			}
		})
	}
}

// photoVideo is a video.Source whose frames are copies of one photo, with
// a grey frame at greyIndex, 40 ms apart.
type photoVideo struct {
	photo, grey video.Frame
	frames      int
	greyIndex   int
	next        int
}

func (v *photoVideo) Next() (video.Frame, error) {
	if v.next == v.frames {
		return video.Frame{}, io.EOF
	}
	frame := v.photo.Clone()
	if v.next == v.greyIndex {
		frame = v.grey.Clone()
	}
	timestampMs := 40 * float64(v.next)
	frame.Index, frame.TimestampMs = v.next, &timestampMs
	frame.Source, frame.Path = "photo-video", "photo-video"
	v.next++
	return frame, nil
}

func (v *photoVideo) Close() error { return nil }

// readFrame returns the first frame of the image or folder at path.
func readFrame(t *testing.T, path string) video.Frame {
	t.Helper()
	images, err := video.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer images.Close()
	frame, err := images.Next()
	if err != nil {
		t.Fatal(err)
	}
	return frame.Clone()
}

// TestKeypointHandsTrackVideo runs hands through video frames, which are
// tracked from one frame to the next: a photo repeated, with a grey frame
// in which the tracked hand is lost and found again in the next frame.
func TestKeypointHandsTrackVideo(t *testing.T) {
	finder, err := NewKeypointFinder(KeypointOptions{Kind: KindHand, Track: true})
	if err != nil {
		t.Fatal(err)
	}
	defer finder.Close()
	frames := &photoVideo{
		photo:  readFrame(t, keypointPhotos+"/a-digit0.jpg"),
		grey:   readFrame(t, keypointPhotos+"/c-grey.png"),
		frames: 6, greyIndex: 3,
	}
	source := &keypointSource{finder: finder, name: "photo-video", frames: frames}
	var out bytes.Buffer
	if _, err := newEngine(t, Config{Batch: 2}).Run(context.Background(), []Source{source},
		&out); err != nil {
		t.Fatal(err)
	}

	var lines []keypointLine
	for _, text := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var line keypointLine
		if err := json.Unmarshal(text, &line); err != nil {
			t.Fatalf("line %d: %v", len(lines), err)
		}
		lines = append(lines, line)
	}
	if len(lines) != 6 {
		t.Fatalf("%d lines, expected 6", len(lines))
	}
	for i, line := range lines {
		wantHands := 1
		if i == 3 {
			wantHands = 0
		}
		if line.Error != nil {
			t.Errorf("line %d: error %s", i, *line.Error)
		}
		if line.Index != i || line.TimestampMs == nil || *line.TimestampMs != 40*float64(i) {
			t.Errorf("line %d: index %d, timestamp %v", i, line.Index, line.TimestampMs)
		}
		if len(line.Landmarks) != wantHands {
			t.Errorf("line %d: %d hands, expected %d", i, len(line.Landmarks), wantHands)
		}
	}
	if !slices.Equal(lines[3].Notes, []string{NoteNoHand}) {
		t.Errorf("grey frame: notes %q, expected %q", lines[3].Notes, NoteNoHand)
	}
}

// TestKeypointHandsVideoWithoutHands tracks hands through the first frames
// of the shared people video, in which no hand is visible.
func TestKeypointHandsVideoWithoutHands(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	opts := KeypointOptions{Kind: KindHand, MaxFrames: 10, Track: true}
	lines := runKeypoints(t, Config{}, opts, path)
	if len(lines) != 10 {
		t.Fatalf("%d lines, expected 10 (MaxFrames)", len(lines))
	}
	for i, line := range lines {
		if line.Error != nil {
			t.Errorf("line %d: error %s", i, *line.Error)
		}
		if line.Index != i || line.TimestampMs == nil {
			t.Errorf("line %d: index %d, timestamp %v", i, line.Index, line.TimestampMs)
		}
		if len(line.Landmarks) != 0 || !slices.Equal(line.Notes, []string{NoteNoHand}) {
			t.Errorf("line %d: %d hands, notes %q, expected none and %q", i,
				len(line.Landmarks), line.Notes, NoteNoHand)
		}
	}
}

// TestKeypointPoseTrackVideo tracks the body through the first frames of
// the shared people video and compares each frame with image mode. The
// tracked body is found in every frame where image mode finds one, and in
// 3 of the 12 frames where image mode's detector misses it. The mean
// distances to image mode measured 0.010–0.039 (0 on the first frame).
func TestKeypointPoseTrackVideo(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	tracked := runKeypoints(t, Config{}, KeypointOptions{Kind: KindPose, MaxFrames: 12,
		Track: true}, path)
	still := runKeypoints(t, Config{}, KeypointOptions{Kind: KindPose, MaxFrames: 12}, path)
	if len(tracked) != 12 || len(still) != 12 {
		t.Fatalf("%d and %d lines, expected 12 (MaxFrames)", len(tracked), len(still))
	}
	for i, line := range tracked {
		if line.Error != nil {
			t.Fatalf("line %d: error %s", i, *line.Error)
		}
		if len(line.Landmarks) != 1 {
			t.Errorf("frame %d: %d bodies tracked, expected 1", i, len(line.Landmarks))
			continue
		}
		if len(still[i].Landmarks) == 0 {
			continue
		}
		a, b := line.Landmarks[0].Points, still[i].Landmarks[0].Points
		sum := 0.0
		for k := range a {
			sum += math.Hypot(a[k][0]-b[k][0], a[k][1]-b[k][1])
		}
		d := sum / float64(len(a))
		t.Logf("frame %d: mean distance to image mode %.4f", i, d)
		if d > 0.05 {
			t.Errorf("frame %d: mean distance to image mode %.4f, expected at most 0.05", i, d)
		}
	}
}
