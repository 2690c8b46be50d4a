package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestRunAudioEmbeddedClips(t *testing.T) {
	code, stdout, stderr := run(t, "run", "--model", "audiocnn")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want one per embedded clip (5)", len(lines))
	}
	for _, line := range lines {
		var r struct {
			Source     string
			Prediction struct{ Label string }
			Explain    map[string]struct{ Shape []int }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		digit := strings.TrimPrefix(r.Source, "embedded:")[:1]
		if r.Prediction.Label != digit {
			t.Errorf("%s predicted %q", r.Source, r.Prediction.Label)
		}
		if shape := r.Explain["gradcam"].Shape; len(shape) != 2 || shape[0] != 40 {
			t.Errorf("%s Grad-CAM shape %v, want [40 101]", r.Source, shape)
		}
	}
}

func TestRunAudioWindows(t *testing.T) {
	code, stdout, stderr := run(t, "run", "--model", "audiocnn", "--explain", "none",
		"--src", "../../audio/testdata/7_jackson_12.wav", "--window", "200ms", "--hop", "100ms")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 3 {
		t.Fatalf("%d lines, want one per window", len(lines))
	}
	var second struct {
		Index       int
		TimestampMs float64 `json:"timestamp_ms"`
		DurationMs  float64 `json:"duration_ms"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if second.Index != 1 || second.TimestampMs != 100 || second.DurationMs != 200 {
		t.Errorf("second window %+v, want index 1 at 100 ms lasting 200 ms", second)
	}
}

func TestRunWindowNeedsAudioModel(t *testing.T) {
	code, _, stderr := run(t, "run", "--window", "1s")
	if code != exitUsage || !strings.Contains(stderr, "audio models") {
		t.Errorf("exit %d, stderr %q; want a usage error about audio models", code, stderr)
	}
}
