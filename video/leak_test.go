package video

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"pipeline/internal/shareddata"
)

// leakFrames returns how many frames the leak test reads: 1,000, or
// VIDEO_LEAK_FRAMES (10000 for the long run, about a minute at 720p).
func leakFrames(t *testing.T) int {
	value := os.Getenv("VIDEO_LEAK_FRAMES")
	if value == "" {
		return 1000
	}
	frames, err := strconv.Atoi(value)
	if err != nil || frames < 1 {
		t.Fatalf("VIDEO_LEAK_FRAMES=%q is not a positive integer", value)
	}
	return frames
}

// leakVideo returns the shared 205-frame 720p video, or the small test clip
// when the shared data is absent.
func leakVideo() string {
	if root := shareddata.Root(); root != "" {
		path := filepath.Join(root, "people", "video.avi")
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	return "testdata/clip.avi"
}

// memoryInUse returns the resident set size of the process and the bytes of
// Go heap in use, after a garbage collection.
func memoryInUse(t *testing.T) (rssBytes, heapBytes uint64) {
	t.Helper()
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	statm, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no RSS on this system: %v", err)
	}
	var sizePages, residentPages uint64
	if _, err := fmt.Sscan(string(statm), &sizePages, &residentPages); err != nil {
		t.Fatalf("parse /proc/self/statm %q: %v", statm, err)
	}
	return residentPages * uint64(os.Getpagesize()), stats.HeapInuse
}

// readAll reads source to its end and returns how many frames it gave, at
// most limit.
func readAll(t *testing.T, source Source, limit int) int {
	t.Helper()
	frames := 0
	for frames < limit {
		_, err := source.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		frames++
	}
	return frames
}

// TestLeakVideoLoop reads a video again and again, reopening it at its end,
// and checks that no Mat stays open (with -tags matprofile) and that RSS and
// the Go heap do not grow after the first pass.
func TestLeakVideoLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 1,000 video frames; skipped with -short")
	}
	path, frames := leakVideo(), leakFrames(t)
	if !matProfileBuilt {
		t.Log("built without -tags matprofile, so open Mats are not counted")
	}
	baseMats := openMats()

	// RSS after each pass alternates within a few MiB as malloc reuses
	// arenas, so the log shows its range as well as the first and last.
	var startRSS, startHeap, highRSS uint64
	lowRSS := uint64(math.MaxUint64)
	read := 0
	for pass := 0; read < frames; pass++ {
		source, err := OpenVideo(path)
		if err != nil {
			t.Fatal(err)
		}
		read += readAll(t, source, frames-read)
		if err := source.Close(); err != nil {
			t.Fatal(err)
		}
		if mats := openMats(); mats != baseMats {
			t.Fatalf("after %d frames: %d Mats open, want %d", read, mats, baseMats)
		}
		rss, heap := memoryInUse(t)
		if pass == 0 {
			startRSS, startHeap = rss, heap
		}
		lowRSS, highRSS = min(lowRSS, rss), max(highRSS, rss)
	}

	endRSS, endHeap := memoryInUse(t)
	t.Logf("%d frames of %s: RSS %.1f → %.1f MiB (%.1f to %.1f after each pass), "+
		"Go heap %.2f → %.2f MiB, open Mats %d", read, path, mebibytes(startRSS),
		mebibytes(endRSS), mebibytes(lowRSS), mebibytes(highRSS), mebibytes(startHeap),
		mebibytes(endHeap), openMats())
	if endRSS > startRSS+maxRSSGrowth {
		t.Errorf("RSS grew by %.1f MiB, more than %.0f MiB", mebibytes(endRSS-startRSS),
			mebibytes(maxRSSGrowth))
	}
	if endHeap > startHeap+maxHeapGrowth {
		t.Errorf("Go heap grew by %.2f MiB, more than %.0f MiB",
			mebibytes(endHeap-startHeap), mebibytes(maxHeapGrowth))
	}
}

// TestLeakImages decodes every test image, the bad ones included, many
// times and checks that no Mat stays open.
func TestLeakImages(t *testing.T) {
	baseMats := openMats()
	paths, err := filepath.Glob("testdata/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		for _, path := range paths {
			if !IsImageFile(path) {
				continue
			}
			source, err := OpenImages(path)
			if err != nil {
				t.Fatal(err)
			}
			source.Next() // bad images return errors here; only Mats matter
			source.Close()
		}
	}
	if mats := openMats(); mats != baseMats {
		t.Fatalf("%d Mats open, want %d", mats, baseMats)
	}
}

// maxRSSGrowth and maxHeapGrowth bound how much memory may grow between the
// first and the last pass of TestLeakVideoLoop. One leaked 720p frame is
// 2.6 MiB, so a leak per frame or per pass exceeds them within 1,000
// frames. The slack covers malloc arenas that OpenCV and FFmpeg reuse: RSS
// after a pass over people/video.avi varied between 107 and 129 MiB over
// 10,000 frames without trending up (go test -tags matprofile, Debian 12,
// OpenCV 4.6, FFmpeg 5.1).
const (
	maxRSSGrowth  = 32 << 20
	maxHeapGrowth = 1 << 20
)

func mebibytes(bytes uint64) float64 { return float64(bytes) / (1 << 20) }
