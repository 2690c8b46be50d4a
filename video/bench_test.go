package video

import (
	"io"
	"testing"

	"pipeline/internal/shareddata"
)

// BenchmarkDecodeVideo decodes people/video.avi (H.264, 1280×720) to RGB
// frames, reopening it at its end, and reports frames per second.
func BenchmarkDecodeVideo(b *testing.B) {
	path := shareddata.Path(b, "people/video.avi")
	source, err := OpenVideo(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { source.Close() }()

	b.ReportAllocs()
	b.ResetTimer()
	for frames := 0; frames < b.N; {
		_, err := source.Next()
		if err == io.EOF {
			source.Close()
			if source, err = OpenVideo(path); err != nil {
				b.Fatal(err)
			}
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		frames++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
