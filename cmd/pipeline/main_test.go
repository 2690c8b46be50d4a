package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/mnist"
)

// run executes a command line and returns its exit code and output.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := execute(args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// tinyMNIST writes a data folder whose training and test sets are both
// the first 20 MNIST test digits committed under mnist/testdata.
func tinyMNIST(t *testing.T) string {
	t.Helper()
	images, err := mnist.ReadImages("../../mnist/testdata/t10k-images-first20-idx3-ubyte.gz")
	if err != nil {
		t.Fatal(err)
	}
	labels, err := mnist.ReadLabels("../../mnist/testdata/t10k-labels-first20-idx1-ubyte")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, prefix := range []string{"train", "t10k"} {
		header := []byte{0, 0, 8, 3, 0, 0, 0, byte(images.N), 0, 0, 0, 28, 0, 0, 0, 28}
		writeGzip(t, filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"),
			append(header, images.Pixels...))
		writeGzip(t, filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"),
			append([]byte{0, 0, 8, 1, 0, 0, 0, byte(len(labels))}, labels...))
	}
	return dir
}

func writeGzip(t *testing.T, path string, data []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	w.Close()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTrainEvalReport(t *testing.T) {
	data := tinyMNIST(t)
	runDir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := run(t, "train", "--data", data, "--epochs", "2", "--batch", "8",
		"--out", runDir)
	if code != exitOK {
		t.Fatalf("train exit %d: %s", code, stderr)
	}
	if strings.Count(stderr, "msg=epoch") != 2 {
		t.Errorf("train logged %d epoch lines, want 2:\n%s", strings.Count(stderr, "msg=epoch"),
			stderr)
	}
	code, _, stderr = run(t, "train", "--data", data, "--epochs", "2", "--out", runDir)
	if code != exitUsage || !strings.Contains(stderr, "already holds a training run") {
		t.Errorf("training over a run: exit %d, stderr %q; want a usage error", code, stderr)
	}
	code, _, stderr = run(t, "train", "--resume", "--epochs", "3", "--out", runDir)
	if code != exitOK {
		t.Fatalf("train --resume exit %d: %s", code, stderr)
	}
	metrics, err := os.ReadFile(filepath.Join(runDir, "metrics.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(metrics), "\n"); lines != 4 {
		t.Errorf("metrics.csv has %d lines, want a header and 3 epochs", lines)
	}

	code, stdout, stderr := run(t, "eval", "--weights", filepath.Join(runDir,
		"weights.safetensors"), "--data", data, "--json")
	if code != exitOK {
		t.Fatalf("eval exit %d: %s", code, stderr)
	}
	var result struct {
		Correct, Total int
		Accuracy       float64
		AvgLoss        float64 `json:"avg_loss"`
	}
	if err := json.Unmarshal([]byte(stdout), &result); err != nil {
		t.Fatalf("eval --json output %q: %v", stdout, err)
	}
	if result.Total != 20 {
		t.Errorf("eval total = %d, want 20", result.Total)
	}

	code, stdout, stderr = run(t, "report", runDir)
	if code != exitOK {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	if !strings.HasSuffix(strings.TrimSpace(stdout), "report.html") {
		t.Errorf("report printed %q, want the page's path", stdout)
	}
}

func TestEvalBuiltinText(t *testing.T) {
	code, stdout, stderr := run(t, "eval", "--data", tinyMNIST(t))
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"accuracy 20/20 (100.00%)\n", "avg_loss 0.", "confusion matrix"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestModelsShow(t *testing.T) {
	code, stdout, _ := run(t, "models", "show", "lenet5", "--batch", "1000")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"[1000, 6, 24, 24]", "[1000, 16, 4, 4]", "44426"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("models show lacks %q:\n%s", want, stdout)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"eval", "--bogus"}, "unknown flag"},
		{"missing data", []string{"eval"}, "--data is required"},
		{"bad pool", []string{"models", "show", "lenet5", "--pool", "median"}, "unknown pooling"},
		{"train without out", []string{"train", "--data", "x"}, "--out is required"},
		{"missing weights", []string{"eval", "--weights", "/nonexistent.pth", "--data", "x"},
			"no such file"},
		{"zero epochs", []string{"train", "--data", "x", "--epochs", "0", "--out", "y"},
			"--epochs 0: expected at least 1"},
		{"video to a digit model", []string{"run", "--src", "clip.avi"}, "--landmarks"},
		{"wav to a digit model", []string{"run", "--src", "clip.wav"}, "--model audiocnn"},
		{"report without folder", []string{"report"}, "pipeline report RUNDIR"},
	}
	for _, c := range cases {
		code, _, stderr := run(t, c.args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", c.name, code, exitUsage)
		}
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%s: stderr %q lacks %q", c.name, stderr, c.want)
		}
	}
}

func TestEvalWrongShapeCheckpoint(t *testing.T) {
	code, _, stderr := run(t, "eval", "--weights", "../../models/testdata/lenet5_torch.pth",
		"--conv", "8,16", "--data", tinyMNIST(t))
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"lenet5_torch.pth", "conv1.weight has shape [6 1 5 5]"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
}

func TestModelsShowRejectsModelFlag(t *testing.T) {
	code, stdout, stderr := run(t, "models", "show", "lenet5", "--model", "audiocnn")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, "not --model") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 naming --model", code, stdout, stderr)
	}
}

// A shell glob after --src leaves the other files as arguments, which the
// error names with the fix.
func TestPositionalArgumentRejected(t *testing.T) {
	code, _, stderr := run(t, "run", "--src", "a.jpg", "b.jpg")
	if code != exitUsage {
		t.Errorf("exit code %d, expected %d", code, exitUsage)
	}
	for _, want := range []string{`unexpected argument "b.jpg"`, "repeat --src"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}
}

// Folders that hold nothing the model reads are unusable sources, for
// images and for audio.
func TestRunEmptyFolderRejected(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"run", "--src", dir},
		{"run", "--model", "audiocnn", "--src", dir}} {
		code, _, stderr := run(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "the folder has no") {
			t.Errorf("%v: exit code %d, stderr %q; expected %d and the reason",
				args, code, stderr, exitUsage)
		}
	}
}
