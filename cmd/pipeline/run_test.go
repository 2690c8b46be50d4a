package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/models"
	"pipeline/models/checkpoint"
)

// testWeights is a LeNet-5 trained on MNIST, committed with the explain
// golden files.
const testWeights = "../../explain/testdata/lenet5.safetensors"

type runLine struct {
	Source     string
	Index      int
	Prediction *struct{ Class int }
	Explain    map[string]struct {
		Layer  string
		Target int
		Values []float64
	}
	Error *string
}

func parseRunLines(t *testing.T, stdout string) []runLine {
	t.Helper()
	var lines []runLine
	for _, text := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		var line runLine
		if err := json.Unmarshal([]byte(text), &line); err != nil {
			t.Fatalf("%v: %.100s", err, text)
		}
		lines = append(lines, line)
	}
	return lines
}

// TestRunSampleDigits runs the embedded digits: the first 10 MNIST test
// images, whose labels are 7 2 1 0 4 1 4 9 5 9.
func TestRunSampleDigits(t *testing.T) {
	code, stdout, stderr := run(t, "run", "--weights", testWeights)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := parseRunLines(t, stdout)
	labels := []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}
	if len(lines) != len(labels) {
		t.Fatalf("%d lines, want %d", len(lines), len(labels))
	}
	for i, line := range lines {
		if line.Prediction == nil || line.Prediction.Class != labels[i] {
			t.Errorf("line %d: prediction %v, want %d", i, line.Prediction, labels[i])
		}
		if len(line.Explain["saliency"].Values) != 784 || line.Explain["gradcam"].Layer != "act2" {
			t.Errorf("line %d: explain %v", i, line.Explain)
		}
	}
}

// TestRunDefault runs the command with no flags: the embedded digits
// through the embedded LeNet-5.
func TestRunDefault(t *testing.T) {
	code, stdout, stderr := run(t, "run")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := parseRunLines(t, stdout)
	if len(lines) != 10 {
		t.Fatalf("%d lines, want 10", len(lines))
	}
	for i, line := range lines {
		if line.Prediction == nil || len(line.Explain) != 2 {
			t.Errorf("line %d: prediction %v, %d maps", i, line.Prediction, len(line.Explain))
		}
	}
}

func TestRunExplainFlags(t *testing.T) {
	code, stdout, stderr := run(t, "run", "--weights", testWeights, "--explain", "gradcam",
		"--gradcam-layer", "conv2", "--target", "3", "--batch", "3")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for i, line := range parseRunLines(t, stdout) {
		cam, ok := line.Explain["gradcam"]
		if _, has := line.Explain["saliency"]; has || !ok || cam.Layer != "conv2" ||
			cam.Target != 3 {
			t.Errorf("line %d: explain %+v", i, line.Explain)
		}
	}
}

func TestRunUsageErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing-idx3-ubyte.gz")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing source", []string{"--src", missing}, "missing-idx3-ubyte.gz"},
		{"unknown method", []string{"--explain", "lime"}, `unknown method "lime"`},
		{"saliency mode", []string{"--saliency", "square"}, `unknown saliency mode "square"`},
		{"dense layer", []string{"--gradcam-layer", "fc1"}, "layer output is not spatial"},
		{"unknown layer", []string{"--gradcam-layer", "conv7"}, `no layer "conv7"`},
		{"target too large", []string{"--target", "10"}, "target class 10 outside"},
		{"target not a number", []string{"--target", "seven"}, `--target "seven"`},
		{"zero batch", []string{"--batch", "0"}, "--batch 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"run", "--weights", testWeights}, tc.args...)
			code, stdout, stderr := run(t, args...)
			if code != exitUsage || !strings.Contains(stderr, tc.want) || stdout != "" {
				t.Errorf("exit %d, stderr %q, %d bytes of stdout; want exit 2 and %q",
					code, stderr, len(stdout), tc.want)
			}
		})
	}
}

// TestRunWrongShapeWeights passes weights whose conv1 has 4 filters
// instead of LeNet-5's 6.
func TestRunWrongShapeWeights(t *testing.T) {
	spec := models.LeNet5()
	spec.Conv = []int{4, 16}
	net, err := models.Build(spec, 1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "narrow.safetensors")
	if err := checkpoint.WriteFile(path, net.WeightTensors(), nil); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "run", "--weights", path)
	want := "conv1.weight has shape [4 1 5 5], model expects [6 1 5 5]"
	if code != exitUsage || !strings.Contains(stderr, want) || !strings.Contains(stderr, path) {
		t.Errorf("exit %d, stderr %q; want exit 2 naming %s and %q", code, stderr, path, want)
	}
}

// TestRunBadInputGoesOn checks that a broken source gives an error line,
// exit code 1, and that the next source still runs.
func TestRunBadInputGoesOn(t *testing.T) {
	dir := t.TempDir()
	html := filepath.Join(dir, "page.gz")
	if err := os.WriteFile(html, []byte("<html><body>Not Found</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.png")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "run", "--weights", testWeights, "--src", html, "--src",
		empty, "--src", "../../mnist/testdata/t10k-images-first20-idx3-ubyte.gz")
	if code != exitSomeFailed {
		t.Fatalf("exit %d, want 1: %s", code, stderr)
	}
	lines := parseRunLines(t, stdout)
	if len(lines) != 22 {
		t.Fatalf("%d lines, want 2 errors and 20 predictions", len(lines))
	}
	for i, path := range []string{html, empty} {
		if lines[i].Error == nil || !strings.Contains(*lines[i].Error, path) {
			t.Errorf("line %d: error %v, want one naming %s", i, lines[i].Error, path)
		}
	}
	if lines[21].Prediction == nil || lines[21].Index != 19 {
		t.Errorf("last line: %+v", lines[21])
	}
}

func TestRunOutAndOverlays(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "records.jsonl")
	overlays := filepath.Join(dir, "overlays")
	code, stdout, stderr := run(t, "run", "--weights", testWeights, "--out", out,
		"--overlay-dir", overlays)
	if code != exitOK || stdout != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(parseRunLines(t, string(data))); n != 10 {
		t.Errorf("%s has %d lines, want 10", out, n)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Errorf("output folder holds %d entries, want the records and the overlays "+
			"(no temporary file): %v", len(entries), err)
	}
	pngs, _ := filepath.Glob(filepath.Join(overlays, "*.png"))
	first := filepath.Join(overlays, "embedded_t10k-images-first10-idx3-ubyte-000000.png")
	if len(pngs) != 10 || pngs[0] != first {
		t.Errorf("overlays %v, want 10 starting with %s", pngs, first)
	}
}

// TestRunOverlaysOfSameNamedSources runs two IDX files with the same base
// name from different folders: each record keeps its own overlay.
func TestRunOverlaysOfSameNamedSources(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile("../../mnist/testdata/t10k-images-first20-idx3-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	var srcs []string
	for _, sub := range []string{"a", "b"} {
		path := filepath.Join(dir, sub, "digits.gz")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, "--src", path)
	}
	overlays := filepath.Join(dir, "overlays")
	args := append([]string{"run", "--weights", testWeights, "--overlay-dir", overlays,
		"--out", filepath.Join(dir, "out.jsonl")}, srcs...)
	if code, _, stderr := run(t, args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	pngs, _ := filepath.Glob(filepath.Join(overlays, "*.png"))
	second, _ := filepath.Glob(filepath.Join(overlays, "digits.gz-2-*.png"))
	if len(pngs) != 40 || len(second) != 20 {
		t.Errorf("%d overlays, %d of the second source; want 40 and 20", len(pngs), len(second))
	}
}
