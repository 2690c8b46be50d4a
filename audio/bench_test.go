package audio

import (
	"os"
	"path/filepath"
	"testing"

	"pipeline/internal/shareddata"
)

// BenchmarkDecodeFSDD decodes FSDD recordings held in memory, one clip per
// operation, so file system time is excluded.
func BenchmarkDecodeFSDD(b *testing.B) {
	dir := shareddata.Path(b, "fsdd/recordings")
	paths, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil || len(paths) == 0 {
		b.Skipf("no WAV files in %s", dir)
	}
	files := make([][]byte, min(300, len(paths)))
	for i := range files {
		if files[i], err = os.ReadFile(paths[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := decodeBytes("fsdd.wav", files[i%len(files)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clips/s")
}
