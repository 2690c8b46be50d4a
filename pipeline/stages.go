package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"

	"pipeline/explain"
	"pipeline/models"
)

// decode runs DecodeWorkers goroutines that turn inputs into model inputs.
// Units leave in any order; the batcher restores the order.
func (e *Engine) decode(ctx context.Context, inputs <-chan sequenced[Input],
	decoded chan<- *unit) {
	defer close(decoded)
	var workers sync.WaitGroup
	for range e.cfg.DecodeWorkers {
		workers.Go(func() {
			for in := range inputs {
				if ctx.Err() != nil {
					return // skip the queued inputs after a cancellation
				}
				u := e.decodeOne(in)
				select {
				case decoded <- u:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	workers.Wait()
}

func (e *Engine) decodeOne(in sequenced[Input]) *unit {
	u := &unit{seq: in.seq, input: in.value, notes: in.value.Notes, err: in.value.Err}
	if u.err != nil {
		return u
	}
	if in.value.DecodeUnit != nil {
		e.decodeUnit(u)
		return u
	}
	if in.value.Decode == nil {
		u.err = fmt.Errorf("pipeline: %s input %d: source gave no decoder",
			in.value.Source, in.value.Index)
		return u
	}
	if e.cfg.Net == nil {
		u.err = fmt.Errorf("pipeline: %s input %d: this input needs a model",
			in.value.Source, in.value.Index)
		return u
	}
	x := make([]float32, e.sampleLen)
	notes, err := in.value.Decode(&e.cfg.Net.Spec, x)
	u.notes = append(u.notes, notes...)
	if err != nil {
		u.err = err
		return u
	}
	u.x = x
	return u
}

// decodeUnit runs u's DecodeUnit and keeps its landmarks and attachment.
// Without a model, spec and dst are nil and u gets no model input.
func (e *Engine) decodeUnit(u *unit) {
	var spec *models.Spec
	var x []float32
	if e.cfg.Net != nil {
		spec = &e.cfg.Net.Spec
		x = make([]float32, e.sampleLen)
	}
	decoded, err := u.input.DecodeUnit(spec, x)
	u.notes = append(u.notes, decoded.Notes...)
	u.landmarks = decoded.Landmarks
	u.attachment = decoded.Attachment
	if err != nil {
		u.err = err
		return
	}
	if !decoded.NoModelInput {
		u.x = x
	}
}

// batch restores the stream order and groups units into batches of up to
// Batch. It hands a partial batch over whenever inference is idle, so the
// records of a slow source still come out promptly.
func (e *Engine) batch(ctx context.Context, decoded <-chan *unit, window <-chan struct{},
	batches chan<- []*unit) {
	defer close(batches)
	pending := map[int]*unit{}
	next := 0
	var current []*unit
	// takeReady moves the units that are next in order from pending to the
	// current batch, up to Batch of them.
	takeReady := func() {
		for len(current) < e.cfg.Batch && pending[next] != nil {
			current = append(current, pending[next])
			delete(pending, next)
			next++
			<-window
		}
	}
	in := decoded
	for in != nil || len(current) > 0 {
		var out chan<- []*unit
		if len(current) > 0 {
			out = batches
		}
		receive := in
		if len(current) >= e.cfg.Batch {
			receive = nil
		}
		select {
		case u, ok := <-receive:
			if !ok {
				in = nil
				continue
			}
			pending[u.seq] = u
			takeReady()
		case out <- current:
			current = nil
			takeReady()
		case <-ctx.Done():
			return
		}
	}
}

// encodeJob is one batch of records on its way to the encoders.
type encodeJob struct {
	seq     int
	records []Record
	inputs  [][]float32 // model input of each record, nil for errors
}

// infer runs each batch through the explainer and builds its records.
func (e *Engine) infer(ctx context.Context, batches <-chan []*unit, jobs chan<- encodeJob) {
	defer close(jobs)
	seq := 0
	var x *models.Tensor
	for units := range batches {
		job := encodeJob{seq: seq, records: make([]Record, len(units)),
			inputs: make([][]float32, len(units))}
		seq++
		x = e.inferBatch(units, x, &job)
		select {
		case jobs <- job:
		case <-ctx.Done():
			return
		}
	}
}

// inferBatch fills job's records for units, reusing x as the input buffer
// when it is large enough, and returns the buffer.
func (e *Engine) inferBatch(units []*unit, x *models.Tensor, job *encodeJob) *models.Tensor {
	var good []int // indexes of units with a model input
	for i, u := range units {
		if u.err == nil && u.x != nil {
			good = append(good, i)
		}
	}
	if len(good) > 0 {
		x = e.stack(units, good, x)
		result, err := e.explainer.Explain(x)
		for k, i := range good {
			if err != nil {
				units[i].err = fmt.Errorf("pipeline: %s input %d: %w",
					units[i].input.Source, units[i].input.Index, err)
				continue
			}
			job.records[i] = e.predictionRecord(units[i], result, k)
			job.inputs[i] = units[i].x
		}
	}
	for i, u := range units {
		switch {
		case u.err != nil:
			job.records[i] = e.errorRecord(u)
		case u.x == nil:
			job.records[i] = e.baseRecord(u) // no model input: no prediction
		}
	}
	return x
}

// stack copies the model inputs of units[good] into one tensor
// [len(good), C, H, W].
func (e *Engine) stack(units []*unit, good []int, x *models.Tensor) *models.Tensor {
	shape := append([]int{len(good)}, e.cfg.Net.Spec.Input...)
	size := len(good) * e.sampleLen
	if x == nil || cap(x.Data) < size {
		x = &models.Tensor{Data: make([]float32, size)}
	}
	x = &models.Tensor{Shape: shape, Data: x.Data[:size]}
	for k, i := range good {
		copy(x.Data[k*e.sampleLen:], units[i].x)
	}
	return x
}

func (e *Engine) baseRecord(u *unit) Record {
	return Record{
		Source: u.input.Source, Index: u.input.Index,
		TimestampMs: u.input.TimestampMs, DurationMs: u.input.DurationMs,
		Model: e.cfg.Model, Notes: u.notes,
		Landmarks: u.landmarks, Attachment: u.attachment,
	}
}

func (e *Engine) errorRecord(u *unit) Record {
	r := e.baseRecord(u)
	r.Err = u.err.Error()
	return r
}

// predictionRecord builds the record of item k of result.
func (e *Engine) predictionRecord(u *unit, result *explain.Result, k int) Record {
	r := e.baseRecord(u)
	probs := make([]float32, result.Classes)
	softmax(probs, result.ItemLogits(k))
	class := models.Argmax(probs)
	r.Prediction = &Prediction{Class: class, Label: e.label(class), Score: probs[class]}
	r.Probs = probs

	shape := result.MapShape
	target := result.Targets[k]
	if m := result.ItemSaliency(k); m != nil {
		r.Saliency = &Map{Layer: "input", Target: target, Shape: shape, Values: m}
	}
	if m := result.ItemGradCAM(k); m != nil {
		r.GradCAM = &Map{Layer: e.explainer.GradCAMLayer(), Target: target, Shape: shape,
			Values: m}
	}
	return r
}

func (e *Engine) label(class int) string {
	if labels := e.cfg.Net.Spec.Labels; class < len(labels) {
		return labels[class]
	}
	return strconv.Itoa(class)
}

// encodedBatch is the JSON lines of one batch.
type encodedBatch struct {
	seq           int
	lines         []byte
	records       int
	errors        int
	observeErrors int
}

// encode runs EncodeWorkers goroutines that turn batches of records into
// JSON lines and call Observe.
func (e *Engine) encode(ctx context.Context, jobs <-chan encodeJob, out chan<- encodedBatch) {
	defer close(out)
	var workers sync.WaitGroup
	for range e.cfg.EncodeWorkers {
		workers.Go(func() {
			for job := range jobs {
				select {
				case out <- e.encodeJob(job):
				case <-ctx.Done():
					return
				}
			}
		})
	}
	workers.Wait()
}

func (e *Engine) encodeJob(job encodeJob) encodedBatch {
	b := encodedBatch{seq: job.seq, records: len(job.records)}
	for i := range job.records {
		r := &job.records[i]
		b.lines = AppendJSON(b.lines, r)
		if i == 0 {
			// Size the buffer for the batch from the first line, so that
			// appends do not copy it again and again.
			b.lines = slices.Grow(b.lines, len(b.lines)*len(job.records)*9/8)
		}
		if r.Err != "" {
			b.errors++
		}
		if e.cfg.Observe != nil {
			if err := e.cfg.Observe(r, job.inputs[i]); err != nil {
				b.observeErrors++
			}
		}
	}
	return b
}

// sink writes the encoded batches to w in order. It reads until the
// encoders close their channel, so every batch encoded before a
// cancellation is still written, and it writes whole lines only.
func (e *Engine) sink(batches <-chan encodedBatch, w io.Writer) (Stats, error) {
	var stats Stats
	buffered := bufio.NewWriterSize(w, 1<<16)
	pending := map[int]encodedBatch{}
	next := 0
	var err error
	for b := range batches {
		pending[b.seq] = b
		for err == nil {
			ready, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if _, err = buffered.Write(ready.lines); err != nil {
				break
			}
			stats.Records += ready.records
			stats.Errors += ready.errors
			stats.ObserveErrors += ready.observeErrors
			if e.cfg.Progress != nil {
				e.cfg.Progress(stats)
			}
		}
		if err == nil && len(batches) == 0 {
			err = buffered.Flush()
		}
		if err != nil {
			return stats, fmt.Errorf("pipeline: write records: %w", err)
		}
	}
	if err := buffered.Flush(); err != nil {
		return stats, fmt.Errorf("pipeline: write records: %w", err)
	}
	return stats, nil
}

// softmax writes the probabilities of logits into dst, computed in float64
// after subtracting the largest logit.
func softmax(dst, logits []float32) {
	peak := logits[0]
	for _, v := range logits {
		peak = max(peak, v)
	}
	var sum float64
	for _, v := range logits {
		sum += math.Exp(float64(v - peak))
	}
	for i, v := range logits {
		dst[i] = float32(math.Exp(float64(v-peak)) / sum)
	}
}
