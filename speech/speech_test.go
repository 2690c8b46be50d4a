package speech

import (
	"strings"
	"testing"

	"pipeline/audio"
	"pipeline/internal/shareddata"
	"pipeline/models"
)

func TestParseName(t *testing.T) {
	cases := []struct {
		name string
		path string
		want Recording
		ok   bool
	}{
		{"test split", "rec/7_jackson_3.wav", Recording{"rec/7_jackson_3.wav", 7, "jackson", 3}, true},
		{"train split", "0_george_49.wav", Recording{"0_george_49.wav", 0, "george", 49}, true},
		{"two digits", "12_george_1.wav", Recording{}, false},
		{"no index", "3_theo.wav", Recording{}, false},
		{"not a number", "x_theo_1.wav", Recording{}, false},
	}
	for _, c := range cases {
		got, ok := ParseName(c.path)
		if ok != c.ok || got != c.want {
			t.Errorf("%s: ParseName(%q) = %+v, %v; want %+v, %v", c.name, c.path, got, ok,
				c.want, c.ok)
		}
	}
	if r, _ := ParseName("7_jackson_4.wav"); !r.Test() {
		t.Error("index 4 is in the official test split")
	}
	if r, _ := ParseName("7_jackson_5.wav"); r.Test() {
		t.Error("index 5 is in the official training split")
	}
}

func TestWindowInputPadsAndCrops(t *testing.T) {
	f := NewFeaturizer()
	cases := []struct {
		name    string
		samples int
		note    string
	}{
		{"short", 3000, "padded from 3000 to 8000 samples"},
		{"exact", 8000, ""},
		{"long", 12000, "cropped the middle 8000 of 12000 samples"},
	}
	for _, c := range cases {
		samples := make([]float32, c.samples)
		for i := range samples {
			samples[i] = float32(i%50) / 50
		}
		input, notes := f.WindowInput(nil, samples, nil)
		if len(input) != MelBands*Frames {
			t.Errorf("%s: %d values, want %d", c.name, len(input), MelBands*Frames)
		}
		joined := strings.Join(notes, "; ")
		if c.note != "" && !strings.Contains(joined, c.note) {
			t.Errorf("%s: notes %q lack %q", c.name, joined, c.note)
		}
		if c.note == "" && joined != "" {
			t.Errorf("%s: unexpected notes %q", c.name, joined)
		}
	}
}

func TestClipInputResamplesStereo(t *testing.T) {
	clip := &audio.Clip{Samples: make([]float32, 2*16000), Channels: 2, SampleRate: 16000}
	_, notes := NewFeaturizer().ClipInput(nil, clip)
	joined := strings.Join(notes, "; ")
	for _, want := range []string{"averaged 2 channels", "resampled from 16000 Hz to 8000 Hz"} {
		if !strings.Contains(joined, want) {
			t.Errorf("notes %q lack %q", joined, want)
		}
	}
}

func TestListRecordingsFSDD(t *testing.T) {
	dir := shareddata.Path(t, "fsdd/recordings")
	list, err := ListRecordings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3000 {
		t.Errorf("%d recordings, want 3000", len(list))
	}
	test := 0
	for _, r := range list {
		if r.Test() {
			test++
		}
	}
	if test != 300 {
		t.Errorf("%d test recordings, want 300 (indices 0-4 of 6 speakers × 10 digits)", test)
	}
}

func TestListRecordingsEmpty(t *testing.T) {
	if _, err := ListRecordings(t.TempDir()); err == nil {
		t.Error("an empty folder gave no error")
	}
}

// TestBuiltinAudioCNNAccuracy checks the embedded weights against the
// figure in models/zoo/README.md: 295 of the 300 official test clips.
func TestBuiltinAudioCNNAccuracy(t *testing.T) {
	dir := shareddata.Path(t, "fsdd/recordings")
	net, _, err := models.LoadBuiltin("audiocnn")
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := LoadFSDD(dir, net.Spec)
	if err != nil {
		t.Fatal(err)
	}
	got := models.Evaluate(net, test, 100)
	if got.Total != 300 || got.Correct != 295 {
		t.Errorf("embedded audiocnn: %d/%d correct, want 295/300", got.Correct, got.Total)
	}
}
