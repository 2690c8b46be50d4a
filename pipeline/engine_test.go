package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"pipeline/explain"
	"pipeline/models"
)

// testNet returns LeNet-5 with PyTorch-style random weights (seed 7): the
// engine's behaviour does not depend on the weights being trained.
func testNet(t testing.TB) *models.Net {
	t.Helper()
	net, err := models.Build(models.LeNet5(), 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(7)
	return net
}

func testConfig(t testing.TB) Config {
	return Config{
		Net:     testNet(t),
		Model:   ModelInfo{Name: "lenet5", SHA256: "test"},
		Explain: explain.Config{Saliency: true, GradCAM: true, Target: explain.PredictedClass},
	}
}

func newEngine(t testing.TB, cfg Config) *Engine {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// fakeSource yields n inputs of seeded random pixels. Decode sleeps up to
// maxDelay, so that concurrent decoders finish out of order. readErrs and
// decodeErrs make chosen indexes fail when read or when decoded.
type fakeSource struct {
	name       string
	n          int
	maxDelay   time.Duration
	readErrs   map[int]bool
	decodeErrs map[int]bool
	next       int
	closed     bool
}

func (s *fakeSource) Name() string { return s.name }

func (s *fakeSource) Next(ctx context.Context) (Input, bool) {
	if s.n >= 0 && s.next >= s.n {
		return Input{}, false
	}
	index := s.next
	s.next++
	in := Input{Source: s.name, Index: index}
	if s.readErrs[index] {
		in.Err = fmt.Errorf("fake: read %s input %d: unreadable", s.name, index)
		return in, true
	}
	failDecode := s.decodeErrs[index]
	delay := time.Duration(rand.N(int64(s.maxDelay) + 1))
	in.Decode = func(spec *models.Spec, dst []float32) ([]string, error) {
		time.Sleep(delay)
		if failDecode {
			return []string{"decode attempted"}, fmt.Errorf("fake: decode %s input %d: broken",
				s.name, index)
		}
		rng := rand.New(rand.NewPCG(uint64(index), uint64(len(s.name))))
		for i := range dst {
			dst[i] = float32(rng.NormFloat64())
		}
		return nil, nil
	}
	return in, true
}

func (s *fakeSource) Close() error {
	s.closed = true
	return nil
}

// runEngine runs sources through an engine made from cfg and returns the
// output lines.
func runEngine(t *testing.T, ctx context.Context, cfg Config, sources ...Source) ([]string,
	Stats, error) {
	t.Helper()
	var out bytes.Buffer
	stats, err := newEngine(t, cfg).Run(ctx, sources, &out)
	return splitLines(t, out.Bytes()), stats, err
}

// splitLines splits JSONL output and fails unless every line is whole:
// terminated by '\n' and valid JSON.
func splitLines(t *testing.T, out []byte) []string {
	t.Helper()
	if len(out) == 0 {
		return nil
	}
	if out[len(out)-1] != '\n' {
		t.Fatalf("output does not end with a newline: ...%q", out[max(0, len(out)-40):])
	}
	lines := strings.Split(string(out[:len(out)-1]), "\n")
	for i, line := range lines {
		if !json.Valid([]byte(line)) {
			t.Fatalf("line %d is not valid JSON: %.80q", i, line)
		}
	}
	return lines
}

type lineHead struct {
	Source     string
	Index      int
	Prediction *struct{ Class int }
	Notes      []string
	Error      *string
}

func parseHead(t *testing.T, line string) lineHead {
	t.Helper()
	var head lineHead
	if err := json.Unmarshal([]byte(line), &head); err != nil {
		t.Fatal(err)
	}
	return head
}

// TestEngineOrder runs sources with random decode delays through several
// decoders and encoders and checks that the lines equal those of a
// sequential run (one decoder, one encoder, batch 1, no delays).
func TestEngineOrder(t *testing.T) {
	sources := func(delay time.Duration) []Source {
		return []Source{
			&fakeSource{name: "a", n: 50, maxDelay: delay},
			&fakeSource{name: "empty", n: 0},
			&fakeSource{name: "b", n: 37, maxDelay: delay, decodeErrs: map[int]bool{3: true}},
		}
	}
	sequential := testConfig(t)
	sequential.Batch, sequential.DecodeWorkers, sequential.EncodeWorkers = 1, 1, 1
	want, _, err := runEngine(t, context.Background(), sequential, sources(0)...)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name                      string
		batch, decoders, encoders int
	}{
		{"batch 5 four decoders", 5, 4, 2},
		{"batch 64 eight decoders", 64, 8, 3},
		{"batch 1 two decoders", 1, 2, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			cfg.Batch, cfg.DecodeWorkers, cfg.EncodeWorkers = tc.batch, tc.decoders, tc.encoders
			got, stats, err := runEngine(t, context.Background(), cfg,
				sources(2*time.Millisecond)...)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Records != 87 || stats.Errors != 1 {
				t.Errorf("stats %+v, want 87 records and 1 error", stats)
			}
			if len(got) != len(want) {
				t.Fatalf("%d lines, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("line %d differs:\n got %.120s\nwant %.120s", i, got[i], want[i])
				}
			}
		})
	}
}

// TestEngineErrorRecords checks that inputs that fail to read or decode
// each become one error line in their place, and the stream goes on.
func TestEngineErrorRecords(t *testing.T) {
	source := &fakeSource{name: "mixed", n: 6, readErrs: map[int]bool{0: true, 4: true},
		decodeErrs: map[int]bool{2: true}}
	lines, stats, err := runEngine(t, context.Background(), testConfig(t), source)
	if err != nil {
		t.Fatal(err)
	}
	wantErrors := map[int]string{
		0: "fake: read mixed input 0: unreadable",
		2: "fake: decode mixed input 2: broken",
		4: "fake: read mixed input 4: unreadable",
	}
	if len(lines) != 6 || stats.Records != 6 || stats.Errors != 3 {
		t.Fatalf("%d lines, stats %+v; want 6 lines, 3 errors", len(lines), stats)
	}
	for i, line := range lines {
		head := parseHead(t, line)
		if head.Index != i || head.Source != "mixed" {
			t.Errorf("line %d: source %q index %d", i, head.Source, head.Index)
		}
		want, failed := wantErrors[i]
		switch {
		case failed && (head.Error == nil || *head.Error != want):
			t.Errorf("line %d: error %v, want %q", i, head.Error, want)
		case failed && head.Prediction != nil:
			t.Errorf("line %d: error record has a prediction", i)
		case !failed && (head.Error != nil || head.Prediction == nil):
			t.Errorf("line %d: error %v, prediction %v; want a prediction", i, head.Error,
				head.Prediction)
		}
	}
	if notes := parseHead(t, lines[2]).Notes; len(notes) != 1 || notes[0] != "decode attempted" {
		t.Errorf("line 2: notes %q, want the decoder's note", notes)
	}
	if !source.closed {
		t.Errorf("source not closed")
	}
}

// TestEngineCancel cancels runs midway and checks that the output holds
// only whole lines, in order, as many as Stats counts.
func TestEngineCancel(t *testing.T) {
	cases := []struct {
		name   string
		writer func(cancel context.CancelFunc, out *bytes.Buffer) io.Writer
		cancel func(cancel context.CancelFunc) func(Stats)
	}{
		{"after 40 records", plainWriter, func(cancel context.CancelFunc) func(Stats) {
			return func(s Stats) {
				if s.Records >= 40 {
					cancel()
				}
			}
		}},
		{"inside a slow write", slowWriter, nil},
		{"before the first record", func(cancel context.CancelFunc, out *bytes.Buffer) io.Writer {
			cancel()
			return out
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := testConfig(t)
			cfg.Batch = 8
			if tc.cancel != nil {
				cfg.Progress = tc.cancel(cancel)
			}
			var out bytes.Buffer
			source := &fakeSource{name: "endless", n: -1}
			done := make(chan struct{})
			var stats Stats
			var err error
			go func() {
				defer close(done)
				stats, err = newEngine(t, cfg).Run(ctx, []Source{source}, tc.writer(cancel, &out))
			}()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return after cancellation")
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			lines := splitLines(t, out.Bytes())
			if len(lines) != stats.Records {
				t.Errorf("%d lines, stats count %d", len(lines), stats.Records)
			}
			for i, line := range lines {
				if head := parseHead(t, line); head.Index != i {
					t.Fatalf("line %d has index %d", i, head.Index)
				}
			}
			if !source.closed {
				t.Errorf("source not closed")
			}
		})
	}
}

func plainWriter(cancel context.CancelFunc, out *bytes.Buffer) io.Writer { return out }

// slowWriter cancels the run during its second write, which still
// completes.
func slowWriter(cancel context.CancelFunc, out *bytes.Buffer) io.Writer {
	var mu sync.Mutex
	writes := 0
	return writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		writes++
		if writes == 2 {
			cancel()
			time.Sleep(20 * time.Millisecond)
		}
		return out.Write(p)
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestEngineWriteError checks that a failing writer stops the run and
// that Run returns its error.
func TestEngineWriteError(t *testing.T) {
	broken := writerFunc(func(p []byte) (int, error) {
		return 0, errors.New("disk full")
	})
	source := &fakeSource{name: "endless", n: -1}
	done := make(chan error)
	go func() {
		_, err := newEngine(t, testConfig(t)).Run(context.Background(), []Source{source}, broken)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || err.Error() != "pipeline: write records: disk full" {
			t.Errorf("error %v, want the write error", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after a write error")
	}
}

// TestEngineObserve checks that Observe receives every record once, with the
// model input for predictions and nil for errors.
func TestEngineObserve(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	cfg := testConfig(t)
	cfg.Observe = func(r *Record, input []float32) error {
		mu.Lock()
		defer mu.Unlock()
		if seen[r.Index] {
			t.Errorf("record %d observed twice", r.Index)
		}
		seen[r.Index] = true
		if (input == nil) != (r.Err != "") {
			t.Errorf("record %d: input %d values, error %q", r.Index, len(input), r.Err)
		}
		if r.Index == 5 {
			return errors.New("observer failed")
		}
		return nil
	}
	source := &fakeSource{name: "s", n: 20, readErrs: map[int]bool{7: true}}
	_, stats, err := runEngine(t, context.Background(), cfg, source)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 20 || stats.ObserveErrors != 1 {
		t.Errorf("observed %d records, %d observe errors; want 20 and 1", len(seen),
			stats.ObserveErrors)
	}
}

func TestNewRejectsConfig(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"maps without model", func(c *Config) { c.Net = nil },
			"pipeline: explanations need a model"},
		{"negative batch", func(c *Config) { c.Batch = -1 },
			"pipeline: batch size -1, expected a positive number"},
		{"dense Grad-CAM layer", func(c *Config) { c.Explain.GradCAMLayer = "fc2" },
			`explain: Grad-CAM layer "fc2" of model lenet5 has output shape [84]: ` +
				`layer output is not spatial, expected [channels height width]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			tc.edit(&cfg)
			_, err := New(cfg)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}

func buildNet(spec models.Spec) (*models.Net, error) {
	net, err := models.Build(spec, 1)
	if err != nil {
		return nil, err
	}
	net.InitParams(7)
	return net, nil
}

// TestEngine1DModel runs a model with 1-D inputs [3, 21], as keypoint
// sequences are laid out, and checks the maps' shape and the schema.
func TestEngine1DModel(t *testing.T) {
	spec := models.Spec{Name: "conv1d", Input: []int{3, 21}, Classes: 4, Conv: []int{5, 6},
		Kernel: 3, Pool: "none", Act: "relu", FC: []int{8}, InputStd: 1}
	net, err := buildNet(spec)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.Net = net
	lines, _, err := runEngine(t, context.Background(), cfg, &fakeSource{name: "k", n: 5})
	if err != nil {
		t.Fatal(err)
	}
	checker := loadSchema(t)
	for i, line := range lines {
		if err := checker.checkLine([]byte(line)); err != nil {
			t.Errorf("line %d: %v", i, err)
		}
		var record struct {
			Explain map[string]struct {
				Shape  []int
				Values []float64
			}
		}
		if err := json.Unmarshal([]byte(line), &record); err != nil {
			t.Fatal(err)
		}
		for method, m := range record.Explain {
			if len(m.Shape) != 1 || m.Shape[0] != 21 || len(m.Values) != 21 {
				t.Errorf("line %d %s: shape %v with %d values, want [21]", i, method, m.Shape,
					len(m.Values))
			}
		}
	}
}

// TestBatchOrderAndSize feeds the batcher units in reverse order and
// checks that batches come out in order and never above Batch.
func TestBatchOrderAndSize(t *testing.T) {
	const n, size = 23, 5
	e := &Engine{cfg: Config{Batch: size}}
	decoded := make(chan *unit, n)
	window := make(chan struct{}, n)
	for seq := n - 1; seq >= 0; seq-- {
		window <- struct{}{}
		decoded <- &unit{seq: seq}
	}
	close(decoded)
	batches := make(chan []*unit)
	go e.batch(context.Background(), decoded, window, batches)

	next := 0
	for b := range batches {
		if len(b) == 0 || len(b) > size {
			t.Errorf("batch of %d units, want 1 to %d", len(b), size)
		}
		for _, u := range b {
			if u.seq != next {
				t.Fatalf("unit %d came out at position %d", u.seq, next)
			}
			next++
		}
	}
	if next != n || len(window) != 0 {
		t.Errorf("%d units out, %d window slots held; want %d and 0", next, len(window), n)
	}
}
