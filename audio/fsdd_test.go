package audio

import (
	"path/filepath"
	"testing"

	"pipeline/internal/shareddata"
)

// Every FSDD recording is mono 16-bit PCM at 8 kHz, 0.14–2.28 s long
// (the data set's description), and must decode as such.
func TestDecodeFSDD(t *testing.T) {
	dir := shareddata.Path(t, "fsdd/recordings")
	paths, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil || len(paths) == 0 {
		t.Skipf("no WAV files in %s", dir)
	}
	for _, path := range paths {
		clip, err := ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if clip.Channels != 1 || clip.SampleRate != 8000 || clip.Format != "pcm16" {
			t.Fatalf("%s: %d channels, %d Hz, %s; want 1, 8000 Hz, pcm16",
				path, clip.Channels, clip.SampleRate, clip.Format)
		}
		if seconds := clip.Duration().Seconds(); seconds < 0.1 || seconds > 2.3 {
			t.Fatalf("%s lasts %.2f s, want 0.14–2.28 s", path, seconds)
		}
	}
}
