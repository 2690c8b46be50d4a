package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/models"
	"pipeline/speech"
)

// drain returns every input of a source.
func drain(t *testing.T, s Source) []Input {
	t.Helper()
	var inputs []Input
	for {
		in, ok := s.Next(context.Background())
		if !ok {
			return inputs
		}
		inputs = append(inputs, in)
	}
}

func TestAudioWholeClips(t *testing.T) {
	src, err := OpenAudio("../audio/testdata", AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := drain(t, src)
	if len(inputs) != 2 {
		t.Fatalf("%d inputs, want one per WAV file (2)", len(inputs))
	}
	if !strings.HasSuffix(inputs[0].Source, "0_george_0.wav") || inputs[0].Index != 0 {
		t.Errorf("first input %s #%d, want 0_george_0.wav #0", inputs[0].Source, inputs[0].Index)
	}
	if *inputs[0].TimestampMs != 0 || *inputs[0].DurationMs <= 0 {
		t.Errorf("timestamp %g ms, duration %g ms", *inputs[0].TimestampMs, *inputs[0].DurationMs)
	}
	spec := models.AudioCNN()
	dst := make([]float32, speech.MelBands*speech.Frames)
	notes, err := inputs[0].Decode(&spec, dst)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(notes, ";"), "padded") {
		t.Errorf("notes %q do not say the short clip was padded", notes)
	}
}

func TestAudioWindows(t *testing.T) {
	src, err := OpenAudio("../audio/testdata/0_george_0.wav",
		AudioOptions{WindowMs: 100, HopMs: 50})
	if err != nil {
		t.Fatal(err)
	}
	inputs := drain(t, src)
	if len(inputs) < 3 {
		t.Fatalf("%d windows, want several", len(inputs))
	}
	for i, in := range inputs {
		if in.Index != i || *in.TimestampMs != float64(50*i) {
			t.Errorf("window %d: index %d at %g ms, want %d at %d ms", i, in.Index,
				*in.TimestampMs, i, 50*i)
		}
		if *in.DurationMs > 100 {
			t.Errorf("window %d lasts %g ms, more than 100", i, *in.DurationMs)
		}
	}
	whole, err := OpenAudio("../audio/testdata/0_george_0.wav", AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	clipMs := *drain(t, whole)[0].DurationMs
	last := inputs[len(inputs)-1]
	if end := *last.TimestampMs + *last.DurationMs; end != clipMs {
		t.Errorf("the last window ends at %g ms, the recording at %g ms", end, clipMs)
	}
}

func TestAudioBadFileGoesOn(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../audio/testdata/0_george_0.wav")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "a_bad.wav"), []byte("ID3\x03not a wav"), 0o644)
	os.WriteFile(filepath.Join(dir, "b_good.wav"), good, 0o644)
	src, err := OpenAudio(dir, AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := drain(t, src)
	if len(inputs) != 2 {
		t.Fatalf("%d inputs, want 2", len(inputs))
	}
	if inputs[0].Err == nil || !strings.Contains(inputs[0].Err.Error(), "a_bad.wav") {
		t.Errorf("bad file error %v does not name a_bad.wav", inputs[0].Err)
	}
	if inputs[1].Err != nil {
		t.Errorf("good file after a bad one: %v", inputs[1].Err)
	}
}

func TestAudioMissingPath(t *testing.T) {
	if _, err := OpenAudio("/nonexistent/clip.wav", AudioOptions{}); err == nil {
		t.Error("a missing path gave no error")
	}
}

func TestAudioEmbeddedSamples(t *testing.T) {
	src, err := NewEmbeddedAudio(speech.Samples(), AudioOptions{})
	if err != nil {
		t.Fatal(err)
	}
	inputs := drain(t, src)
	if len(inputs) != 5 {
		t.Fatalf("%d embedded clips, want 5", len(inputs))
	}
	if inputs[0].Source != "embedded:0_jackson_0.wav" || inputs[0].Err != nil {
		t.Errorf("first clip %q (err %v), want embedded:0_jackson_0.wav", inputs[0].Source,
			inputs[0].Err)
	}
}
