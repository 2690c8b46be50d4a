package main

import (
	"fmt"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"pipeline/explain"
	"pipeline/pipeline"
)

// overlayScale is how many times each overlay panel enlarges the input.
const overlayScale = 8

// overlayWriter returns an Observe function that writes, for each
// prediction, a PNG to dir with the input and its maps side by side.
func overlayWriter(dir string) (func(*pipeline.Record, []float32) error, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, usageErrorf("--overlay-dir: %w", err)
	}
	names := &overlayNames{}
	return func(r *pipeline.Record, input []float32) error {
		if input == nil || (r.Saliency == nil && r.GradCAM == nil) {
			return nil
		}
		err := writeOverlay(filepath.Join(dir, names.next(r)), r, input)
		if err != nil {
			slog.Error("overlay not written", "source", r.Source, "index", r.Index,
				"error", err)
		}
		return err
	}, nil
}

func writeOverlay(path string, r *pipeline.Record, input []float32) error {
	m := r.Saliency
	if m == nil {
		m = r.GradCAM
	}
	height, width := 1, m.Shape[0] // a 1-D map is drawn as one row
	if len(m.Shape) == 2 {
		height, width = m.Shape[0], m.Shape[1]
	}
	var saliency, gradCAM []float32
	if r.Saliency != nil {
		saliency = r.Saliency.Values
	}
	if r.GradCAM != nil {
		gradCAM = r.GradCAM.Values
	}
	img := explain.Overlay(input[:height*width], height, width, overlayScale, saliency, gradCAM)

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("write overlay %s: %w", path, err)
	}
	return f.Close()
}

// overlayNames hands out the overlay file names of one run, from any
// number of encode workers. Sources whose base names are the same get
// different prefixes, so that one source's overlays do not replace
// another's.
type overlayNames struct {
	mu       sync.Mutex
	prefixes map[string]string // source → prefix
	taken    map[string]bool   // prefixes given out
}

// next names r's overlay after its source's base name and the record's
// index (t10k-images-idx3-ubyte.gz-000042.png). The second source with the
// same base name gets "-2" after the base name, the third "-3", and so on.
func (o *overlayNames) next(r *pipeline.Record) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	prefix, ok := o.prefixes[r.Source]
	if !ok {
		if o.prefixes == nil {
			o.prefixes, o.taken = map[string]string{}, map[string]bool{}
		}
		base := overlayBase(r.Source)
		prefix = base
		for n := 2; o.taken[prefix]; n++ {
			prefix = fmt.Sprintf("%s-%d", base, n)
		}
		o.prefixes[r.Source], o.taken[prefix] = prefix, true
	}
	return fmt.Sprintf("%s-%06d.png", prefix, r.Index)
}

// overlayBase is the base name of source with characters other than
// letters, digits, '.', '-' and '_' replaced by '_'.
func overlayBase(source string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.ContainsRune(".-_", c) {
			return c
		}
		return '_'
	}, filepath.Base(source))
}
