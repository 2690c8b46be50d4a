package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"

	"pipeline/explain"
	"pipeline/models"
)

// Config sets up an Engine.
type Config struct {
	Net   *models.Net
	Model ModelInfo

	// Explain selects the maps attached to each prediction. Both methods
	// off gives predictions only.
	Explain explain.Config

	Batch         int // units per forward pass; 0 means DefaultBatch
	DecodeWorkers int // 0 means GOMAXPROCS
	EncodeWorkers int // 0 means GOMAXPROCS

	// Observe, when set, is called by an encode worker for every record,
	// in no particular order, with the unit's model input (nil for an
	// error record and for a unit without model input). Overlay images are written this way. An error is
	// counted in Stats.ObserveErrors and does not change the record.
	Observe func(r *Record, input []float32) error

	// Progress, when set, is called by the sink after each batch it wrote.
	Progress func(s Stats)
}

// DefaultBatch is the batch size when Config.Batch is 0. For LeNet-5 with
// both maps, batches of 16 to 1000 took the same CPU time per input, but
// the records in flight grow with the batch: `pipeline run` over the MNIST
// test set peaked at about 70 MB resident at batch 64 and 330 MB at 1000.
const DefaultBatch = 64

// Stats counts what a run has written.
type Stats struct {
	Records       int // lines written
	Errors        int // of which error records
	ObserveErrors int // records whose Observe call failed
}

// Engine runs sources through one model, or through none when Config.Net
// is nil: then only sources with Input.DecodeUnit work, and their records
// carry landmarks without predictions. It is not safe for concurrent use,
// because the model's buffers are reused from batch to batch.
type Engine struct {
	cfg       Config
	explainer *explain.Explainer
	sampleLen int
}

// New checks cfg and returns an Engine.
func New(cfg Config) (*Engine, error) {
	if cfg.Batch < 0 {
		return nil, fmt.Errorf("pipeline: batch size %d, expected a positive number", cfg.Batch)
	}
	if cfg.Batch == 0 {
		cfg.Batch = DefaultBatch
	}
	if cfg.DecodeWorkers <= 0 {
		cfg.DecodeWorkers = runtime.GOMAXPROCS(0)
	}
	if cfg.EncodeWorkers <= 0 {
		cfg.EncodeWorkers = runtime.GOMAXPROCS(0)
	}
	if cfg.Net == nil {
		if cfg.Explain.Saliency || cfg.Explain.GradCAM {
			return nil, errors.New("pipeline: explanations need a model")
		}
		return &Engine{cfg: cfg}, nil
	}
	explainer, err := explain.New(cfg.Net, cfg.Explain)
	if err != nil {
		return nil, err
	}
	sampleLen := 1
	for _, d := range cfg.Net.Spec.Input {
		sampleLen *= d
	}
	return &Engine{cfg: cfg, explainer: explainer, sampleLen: sampleLen}, nil
}

// GradCAMLayer returns the layer Grad-CAM uses, or "" without Grad-CAM or
// without a model.
func (e *Engine) GradCAMLayer() string {
	if e.explainer == nil {
		return ""
	}
	return e.explainer.GradCAMLayer()
}

// Run streams every input of the sources, in order, through the model and
// writes one JSON line per input to w. It closes the sources. When ctx is
// cancelled it stops reading, writes the lines already encoded and returns
// ctx's error; a write error stops the run and is returned.
func (e *Engine) Run(ctx context.Context, sources []Source, w io.Writer) (Stats, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	window := make(chan struct{}, e.inFlightLimit())
	inputs := make(chan sequenced[Input], e.cfg.Batch)
	decoded := make(chan *unit, e.cfg.Batch)
	batches := make(chan []*unit) // unbuffered: the batcher sends when inference is idle
	jobs := make(chan encodeJob, 1)
	lines := make(chan encodedBatch, 1)

	var stages sync.WaitGroup
	stages.Go(func() { read(ctx, sources, window, inputs) })
	stages.Go(func() { e.decode(ctx, inputs, decoded) })
	stages.Go(func() { e.batch(ctx, decoded, window, batches) })
	stages.Go(func() { e.infer(ctx, batches, jobs) })
	stages.Go(func() { e.encode(ctx, jobs, lines) })
	stats, err := e.sink(lines, w)
	if err != nil {
		cancel(err)
	}
	stages.Wait()

	if err != nil {
		return stats, err
	}
	if cause := context.Cause(ctx); cause != nil {
		return stats, cause
	}
	return stats, nil
}

// inFlightLimit bounds the units between the reader and the batcher, so
// that one slow decode cannot let the others pile up in memory.
func (e *Engine) inFlightLimit() int {
	return 2*e.cfg.Batch + 2*e.cfg.DecodeWorkers
}

// sequenced is a value with its position in the stream.
type sequenced[T any] struct {
	seq   int
	value T
}

// unit is one decoded input on its way to the model.
type unit struct {
	seq        int
	input      Input
	x          []float32 // model input [C·H·W]; nil for an error or no model input
	notes      []string
	landmarks  []byte // the record's landmarks as JSON; nil for null
	attachment any
	err        error
}

// read pulls the sources in order and numbers their inputs. It takes a
// slot of window for each input, which the batcher gives back.
func read(ctx context.Context, sources []Source, window chan struct{},
	inputs chan<- sequenced[Input]) {
	defer close(inputs)
	defer closeAll(sources)
	seq := 0
	for _, source := range sources {
		for {
			input, ok := source.Next(ctx)
			if !ok {
				break
			}
			select {
			case window <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case inputs <- sequenced[Input]{seq, input}:
			case <-ctx.Done():
				return
			}
			seq++
		}
		closeSource(source)
	}
}

func closeAll(sources []Source) {
	for _, s := range sources {
		closeSource(s)
	}
}

// closeSource closes s and logs an error, which cannot change the records
// already made from it.
func closeSource(s Source) {
	if err := s.Close(); err != nil {
		slog.Warn("closing a source failed", "source", s.Name(), "error", err)
	}
}
