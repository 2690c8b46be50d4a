package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/internal/shareddata"
)

// writeFile writes data to name in dir and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// digitPNG encodes sample digit i as a 28×28 grey PNG.
func digitPNG(t *testing.T, i int) []byte {
	t.Helper()
	const side, header = 28, 16
	img := image.NewGray(image.Rect(0, 0, side, side))
	for p, v := range sampleDigits[header+i*side*side:][:side*side] {
		img.SetGray(p%side, p/side, color.Gray{v})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type wantLine struct {
	source string
	index  int
	err    string // substring of the error; "" for a prediction
}

// TestSources runs files of each kind, broken ones included, and checks
// every line's source, index and error.
func TestSources(t *testing.T) {
	dir := t.TempDir()
	const imageBytes = 28 * 28
	truncated := sampleDigits[:16+5*imageBytes+100]
	badMagic := append([]byte{0, 0, 8, 1}, sampleDigits[4:]...)
	html := []byte("<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head></html>\n")

	folder := filepath.Join(dir, "digits")
	if err := os.MkdirAll(filepath.Join(folder, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, folder, "b-seven.png", digitPNG(t, 0))
	writeFile(t, folder, "a-empty.png", nil)
	writeFile(t, folder, "c-text.png", []byte("not an image at all\n"))
	writeFile(t, folder, "notes.txt", []byte("skipped"))
	writeFile(t, folder, "A-two.PNG", digitPNG(t, 1))

	cases := []struct {
		name string
		path string
		want []wantLine
	}{
		{"raw idx", writeFile(t, dir, "ten-idx3-ubyte", sampleDigits),
			lineRange("ten-idx3-ubyte", 10)},
		{"gzip idx", writeFile(t, dir, "ten-idx3-ubyte.gz", gzipped(t, sampleDigits)),
			lineRange("ten-idx3-ubyte.gz", 10)},
		{"truncated raw idx", writeFile(t, dir, "cut-idx3-ubyte", truncated),
			append(lineRange("cut-idx3-ubyte", 5), wantLine{"cut-idx3-ubyte", 5,
				"cut-idx3-ubyte: truncated: data ends at image 5 of 10"})},
		{"truncated gzip idx", writeFile(t, dir, "cut.gz", gzipped(t, sampleDigits)[:900]),
			nil},
		{"html saved as gz", writeFile(t, dir, "page.gz", html),
			[]wantLine{{"page.gz", 0, "page.gz"}}},
		{"wrong magic", writeFile(t, dir, "magic-idx3-ubyte", badMagic),
			[]wantLine{{"magic-idx3-ubyte", 0, "magic number 0x00000801"}}},
		{"empty png", filepath.Join(folder, "a-empty.png"),
			[]wantLine{{"digits/a-empty.png", 0, "a-empty.png: empty file"}}},
		{"single png", filepath.Join(folder, "b-seven.png"),
			[]wantLine{{"digits/b-seven.png", 0, ""}}},
		{"folder", folder, []wantLine{
			{"digits", 0, ""},
			{"digits", 1, "a-empty.png: empty file"},
			{"digits", 2, ""},
			{"digits", 3, "c-text.png: not a PNG or JPEG image"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			source, err := OpenSource(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			lines, _, err := runEngine(t, context.Background(), testConfig(t), source)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				checkBrokenStream(t, lines, tc.path)
				return
			}
			checkLines(t, lines, dir, tc.want)
		})
	}
}

func lineRange(source string, n int) []wantLine {
	lines := make([]wantLine, n)
	for i := range lines {
		lines[i] = wantLine{source: source, index: i}
	}
	return lines
}

func checkLines(t *testing.T, lines []string, dir string, want []wantLine) {
	t.Helper()
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		head := parseHead(t, lines[i])
		if head.Source != filepath.Join(dir, w.source) || head.Index != w.index {
			t.Errorf("line %d: source %s index %d, want %s index %d", i, head.Source,
				head.Index, w.source, w.index)
		}
		switch {
		case w.err == "" && head.Error != nil:
			t.Errorf("line %d: unexpected error %s", i, *head.Error)
		case w.err != "" && (head.Error == nil || !strings.Contains(*head.Error, w.err)):
			t.Errorf("line %d: error %v, want one containing %q", i, head.Error, w.err)
		}
	}
}

// checkBrokenStream checks a source that breaks at an unknown point: some
// predictions, then exactly one error, the last line, naming the file.
func checkBrokenStream(t *testing.T, lines []string, path string) {
	t.Helper()
	if len(lines) == 0 {
		t.Fatal("no lines")
	}
	for i, line := range lines {
		head := parseHead(t, line)
		last := i == len(lines)-1
		if head.Index != i || (head.Error != nil) != last {
			t.Fatalf("line %d: index %d error %v", i, head.Index, head.Error)
		}
		if last && !strings.Contains(*head.Error, path) {
			t.Errorf("error %q does not name %s", *head.Error, path)
		}
	}
}

// TestSourcesGoOn checks that a stream goes on to the next source after
// one breaks.
func TestSourcesGoOn(t *testing.T) {
	dir := t.TempDir()
	broken, err := OpenSource(writeFile(t, dir, "cut-idx3-ubyte", sampleDigits[:16+900]))
	if err != nil {
		t.Fatal(err)
	}
	lines, stats, err := runEngine(t, context.Background(), testConfig(t), broken,
		SampleDigits())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 12 || stats.Errors != 1 {
		t.Fatalf("%d lines, %d errors; want 12 lines, 1 error", len(lines), stats.Errors)
	}
	if head := parseHead(t, lines[11]); head.Source != SampleSourceName || head.Index != 9 {
		t.Errorf("last line: source %s index %d", head.Source, head.Index)
	}
}

func TestOpenSourceMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.gz")
	_, err := OpenSource(path)
	if !errors.Is(err, ErrUnusableSource) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want ErrUnusableSource and os.ErrNotExist", err)
	}
}

// TestSourceShapeMismatch checks that inputs that do not fit the model
// become error records naming the input.
func TestSourceShapeMismatch(t *testing.T) {
	cfg := testConfig(t)
	spec := cfg.Net.Spec
	spec.Input = []int{1, 32, 32}
	net, err := buildNet(spec)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Net = net
	lines, stats, err := runEngine(t, context.Background(), cfg, SampleDigits())
	if err != nil {
		t.Fatal(err)
	}
	want := "pipeline: " + SampleSourceName + " image 0: 28×28 grey image, model lenet5 " +
		"expects input [1 32 32]"
	if head := parseHead(t, lines[0]); stats.Errors != 10 || head.Error == nil ||
		*head.Error != want {
		t.Errorf("errors %d, first %v; want 10 errors, first %q", stats.Errors, head.Error, want)
	}
}

// TestMNISTTestSet streams the 10,000 MNIST test digits from the shared
// data and checks that each gives one prediction, in order.
func TestMNISTTestSet(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 10,000 digits")
	}
	source, err := OpenSource(shareddata.Path(t, "mnist/t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	counter := &lineCounter{}
	stats, err := newEngine(t, testConfig(t)).Run(context.Background(), []Source{source},
		counter)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Records != 10_000 || stats.Errors != 0 || counter.lines != 10_000 {
		t.Errorf("stats %+v, %d lines; want 10,000 predictions", stats, counter.lines)
	}
}

// lineCounter counts the newlines written to it.
type lineCounter struct{ lines int }

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}
