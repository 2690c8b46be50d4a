package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
	"pipeline/models"
)

// keypointPhotos holds three sign-digit photos (digits 0, 3 and 7) and,
// third in name order, a grey image in which no hand can be found.
const keypointPhotos = "../../pipeline/testdata/keypoints"

type keypointRunLine struct {
	Index      int
	Model      *struct{ Name string }
	Prediction *struct{ Class int }
	Landmarks  []struct {
		Kind       string
		Handedness *string
		Points     [][]float64
	}
	Explain map[string]struct{ Shape []int }
	Notes   []string
	Error   *string
}

func parseKeypointLines(t *testing.T, stdout string) []keypointRunLine {
	t.Helper()
	var lines []keypointRunLine
	for _, text := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var line keypointRunLine
		if err := json.Unmarshal([]byte(text), &line); err != nil {
			t.Fatalf("%v: %.100s", err, text)
		}
		lines = append(lines, line)
	}
	return lines
}

// signDigitsWeights writes an untrained signdigits model (seed 7) and
// returns its path: the records' shape does not depend on the weights.
func signDigitsWeights(t *testing.T) string {
	t.Helper()
	net, err := models.Build(models.SignDigits(), 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(7)
	path := filepath.Join(t.TempDir(), "signdigits.safetensors")
	if err := net.SaveWeights(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunLandmarksHands(t *testing.T) {
	code, stdout, stderr := run(t, "run", "--src", keypointPhotos, "--landmarks", "hands",
		"--mirrored")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := parseKeypointLines(t, stdout)
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	for i, line := range lines {
		if line.Index != i || line.Model != nil || line.Prediction != nil || line.Error != nil {
			t.Errorf("line %d: index %d, model %v, prediction %v, error %v", i, line.Index,
				line.Model, line.Prediction, line.Error)
		}
	}
	for _, i := range []int{0, 1, 3} {
		if len(lines[i].Landmarks) != 1 || len(lines[i].Landmarks[0].Points) != 21 {
			t.Errorf("photo %d: landmarks %v, want one hand of 21 points", i, lines[i].Landmarks)
		}
	}
	if !slices.Equal(lines[2].Notes, []string{"no hand found"}) {
		t.Errorf("grey image: notes %q, want [no hand found]", lines[2].Notes)
	}
}

// TestRunSignDigitsWholeImageFallback runs a close-up photo in which no
// palm detection leads to a hand. The whole-image fallback, on by default
// for signdigits only, finds it.
func TestRunSignDigitsWholeImageFallback(t *testing.T) {
	const photo = "../../landmarks/testdata/sign-digits/6/IMG_1256.JPG"
	weights := signDigitsWeights(t)
	tests := []struct {
		name       string
		args       []string
		hands      int
		prediction bool
	}{
		{"signdigits", []string{"--model", "signdigits", "--weights", weights}, 1, true},
		{"signdigits without fallback", []string{"--model", "signdigits", "--weights",
			weights, "--whole-image-fallback=false"}, 0, false},
		{"hands alone", []string{"--landmarks", "hands"}, 0, false},
		{"hands with fallback", []string{"--landmarks", "hands", "--whole-image-fallback"},
			1, false},
	}
	for _, tt := range tests {
		code, stdout, stderr := run(t, append([]string{"run", "--src", photo}, tt.args...)...)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", tt.name, code, stderr)
		}
		lines := parseKeypointLines(t, stdout)
		if len(lines) != 1 {
			t.Fatalf("%s: %d lines, want 1", tt.name, len(lines))
		}
		if got := len(lines[0].Landmarks); got != tt.hands {
			t.Errorf("%s: %d hands, want %d", tt.name, got, tt.hands)
		}
		if got := lines[0].Prediction != nil; got != tt.prediction {
			t.Errorf("%s: prediction %v, want one: %v", tt.name, lines[0].Prediction,
				tt.prediction)
		}
	}
}

func TestRunSignDigitsOverlays(t *testing.T) {
	overlays := t.TempDir()
	code, stdout, stderr := run(t, "run", "--src", keypointPhotos, "--model", "signdigits",
		"--weights", signDigitsWeights(t), "--explain", "saliency,gradcam",
		"--overlay-dir", overlays)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := parseKeypointLines(t, stdout)
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4", len(lines))
	}
	for _, i := range []int{0, 1, 3} {
		line := lines[i]
		if line.Prediction == nil || line.Model == nil || line.Model.Name != "signdigits" {
			t.Errorf("photo %d: prediction %v, model %v", i, line.Prediction, line.Model)
		}
		if shape := line.Explain["gradcam"].Shape; !slices.Equal(shape, []int{21}) {
			t.Errorf("photo %d: Grad-CAM shape %v, want [21]", i, shape)
		}
	}
	grey := lines[2]
	if grey.Prediction != nil || grey.Error != nil || grey.Landmarks == nil ||
		len(grey.Landmarks) != 0 || !slices.Equal(grey.Notes, []string{"no hand found"}) {
		t.Errorf("grey image: prediction %v, error %v, landmarks %v, notes %q", grey.Prediction,
			grey.Error, grey.Landmarks, grey.Notes)
	}

	written, err := os.ReadDir(overlays)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 4 || written[0].Name() != "keypoints-000000.png" {
		t.Errorf("overlays %v, want keypoints-000000.png … keypoints-000003.png", written)
	}
}

func TestRunLandmarksPoseVideo(t *testing.T) {
	path := shareddata.Path(t, "people/video.avi")
	code, stdout, stderr := run(t, "run", "--src", path, "--landmarks", "pose",
		"--max-frames", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := parseKeypointLines(t, stdout)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 (--max-frames)", len(lines))
	}
	for i, line := range lines {
		if line.Index != i || len(line.Landmarks) != 1 || line.Landmarks[0].Kind != "pose" {
			t.Errorf("line %d: index %d, landmarks %v", i, line.Index, line.Landmarks)
		}
	}
}

func TestRunKeypointUsageErrors(t *testing.T) {
	t.Setenv("DISPLAY", "")
	weights := signDigitsWeights(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"show without display", []string{"--src", keypointPhotos, "--landmarks", "hands",
			"--show"}, "--show needs a display"},
		{"no source", []string{"--landmarks", "pose"}, "--src is required"},
		{"maps without model", []string{"--src", keypointPhotos, "--landmarks", "hands",
			"--explain", "gradcam"}, "--explain needs a model"},
		{"pose for signdigits", []string{"--src", keypointPhotos, "--model", "signdigits",
			"--weights", weights, "--landmarks", "pose"}, `--landmarks "pose": model signdigits takes hand`},
		{"landmarks for lenet5", []string{"--weights", testWeights, "--landmarks", "hands"},
			"--landmarks applies to keypoint runs"},
		{"unknown kind", []string{"--src", keypointPhotos, "--landmarks", "face"},
			`--landmarks "face": expected hands or pose`},
		{"zero batch", []string{"--src", keypointPhotos, "--landmarks", "hands", "--batch", "0"},
			"--batch 0: expected at least 1"},
		{"stdin", []string{"--src", "-", "--landmarks", "hands"},
			"standard input is read only by audio models"},
		{"missing source", []string{"--src", "missing.avi", "--landmarks", "pose"},
			"missing.avi"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"run"}, tc.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, %d bytes of stdout; want exit 2 and %q",
					code, stderr, len(stdout), tc.want)
			}
		})
	}
}

func TestRunTrackFlag(t *testing.T) {
	code, _, stderr := run(t, "run", "--track")
	if code != exitUsage || !strings.Contains(stderr, "--track applies to keypoint runs") {
		t.Errorf("--track with lenet5: exit %d, stderr %q", code, stderr)
	}
}
