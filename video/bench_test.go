package video

import (
	"io"
	"path/filepath"
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

// BenchmarkDecodeImages decodes the 20 people photos (JPEG, about 640×480)
// through OpenImages, checks included, and reports images per second.
func BenchmarkDecodeImages(b *testing.B) {
	folder := filepath.Dir(shareddata.Path(b, "people/video.avi"))
	b.ReportAllocs()
	b.ResetTimer()
	for images := 0; images < b.N; {
		source, err := OpenImages(folder)
		if err != nil {
			b.Fatal(err)
		}
		for images < b.N {
			_, err := source.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			images++
		}
		source.Close()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "images/s")
}
