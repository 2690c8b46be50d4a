package models

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// Dataset is a labelled set of model inputs, already normalised:
// X [N, C, H, W], Y [N] with class indices.
type Dataset struct {
	X *Tensor
	Y []int

	// Missing counts inputs that could not be made into model inputs (a
	// photo with no hand found, say). Evaluate counts them as wrong.
	Missing int
}

// Len returns the number of items.
func (d *Dataset) Len() int { return len(d.Y) }

// gather copies the items at indices into x and y, which must have room.
func (d *Dataset) gather(indices []int, x *Tensor, y []int) {
	size := d.X.SampleLen()
	for i, idx := range indices {
		copy(x.Data[i*size:(i+1)*size], d.X.Sample(idx))
		y[i] = d.Y[idx]
	}
}

// TrainConfig is the recipe of a training run.
type TrainConfig struct {
	Optimizer string  `json:"optimizer"` // adam or sgd
	LR        float64 `json:"lr"`
	Momentum  float64 `json:"momentum"` // sgd only
	Epochs    int     `json:"epochs"`
	Batch     int     `json:"batch"`
	Seed      uint64  `json:"seed"`
}

// EpochMetrics is one line of a training log.
type EpochMetrics struct {
	Epoch        int     `json:"epoch"`
	TrainLoss    float64 `json:"train_loss"`
	TrainAcc     float64 `json:"train_accuracy"`
	TestLoss     float64 `json:"test_loss"`
	TestAcc      float64 `json:"test_accuracy"`
	TestCorrect  int     `json:"test_correct"`
	TestTotal    int     `json:"test_total"`
	ImagesPerSec float64 `json:"train_images_per_s"`
	Seconds      float64 `json:"seconds"`
}

// Trainer runs epochs of minibatch training. Each epoch's batch order and
// dropout masks come from generators seeded with (Seed, epoch), so a
// resumed run draws the same batches as one that never stopped.
type Trainer struct {
	Net    *Net
	Opt    Optimizer
	Config TrainConfig
	Epoch  int // epochs completed

	x     *Tensor
	y     []int
	dLoss *Tensor
}

// NewTrainer returns a trainer for net with a fresh optimizer.
func NewTrainer(net *Net, cfg TrainConfig) (*Trainer, error) {
	if cfg.Batch < 1 || cfg.Epochs < 0 || !(cfg.LR > 0) {
		return nil, fmt.Errorf("invalid training config: batch %d, epochs %d, lr %g",
			cfg.Batch, cfg.Epochs, cfg.LR)
	}
	opt, err := NewOptimizer(cfg.Optimizer, net.Params(), cfg.LR, cfg.Momentum)
	if err != nil {
		return nil, err
	}
	return &Trainer{Net: net, Opt: opt, Config: cfg}, nil
}

// TrainEpoch runs one pass over train and evaluates on test. It stops early
// with ctx's error when ctx is cancelled, leaving the epoch count unchanged.
func (t *Trainer) TrainEpoch(ctx context.Context, train, test *Dataset) (EpochMetrics, error) {
	epoch := t.Epoch + 1
	rng := rand.New(rand.NewPCG(t.Config.Seed, uint64(epoch)))
	order := rng.Perm(train.Len())
	t.Net.reseedDropout(t.Config.Seed, uint64(epoch))
	start := time.Now()
	var lossSum float64
	correct := 0
	for lo := 0; lo < len(order); lo += t.Config.Batch {
		if err := ctx.Err(); err != nil {
			return EpochMetrics{}, err
		}
		loss, right := t.step(train, order[lo:min(lo+t.Config.Batch, len(order))])
		lossSum += loss
		correct += right
	}
	seconds := time.Since(start).Seconds()
	t.Epoch = epoch
	metrics := EpochMetrics{
		Epoch:        epoch,
		TrainLoss:    lossSum / float64(train.Len()),
		TrainAcc:     float64(correct) / float64(train.Len()),
		ImagesPerSec: float64(train.Len()) / seconds,
		Seconds:      seconds,
	}
	if test != nil && test.Len()+test.Missing > 0 {
		result := Evaluate(t.Net, test, 1000)
		metrics.TestLoss, metrics.TestAcc = result.AvgLoss, result.Accuracy()
		metrics.TestCorrect, metrics.TestTotal = result.Correct, result.Total
	}
	return metrics, nil
}

// step trains on one batch and returns the summed loss and the number of
// correct predictions.
func (t *Trainer) step(data *Dataset, indices []int) (float64, int) {
	shape := append([]int{len(indices)}, data.X.Shape[1:]...)
	t.x = ensure(t.x, shape...)
	if cap(t.y) < len(indices) {
		t.y = make([]int, len(indices))
	}
	y := t.y[:len(indices)]
	data.gather(indices, t.x, y)
	logits := t.Net.Forward(t.x, true)
	var loss float64
	var correct int
	loss, correct, t.dLoss = CrossEntropy(logits, y, t.dLoss)
	t.Net.ZeroGrad()
	t.Net.Backward(t.dLoss, BackwardMode{ParamGrads: true})
	t.Opt.Step()
	return loss * float64(len(indices)), correct
}

// EvalResult summarises a model's predictions on a labelled set.
type EvalResult struct {
	Correct, Total int
	Missing        int     // items counted as wrong because they had no input
	AvgLoss        float64 // mean cross-entropy per evaluated item
	Confusion      [][]int // [true class][predicted class]
}

// Accuracy returns Correct/Total.
func (r EvalResult) Accuracy() float64 { return float64(r.Correct) / float64(r.Total) }

// Collapse describes a degenerate model, or returns "" when there is none:
// one class predicted for at least 90% of the inputs, or a mean loss within
// 0.05 of ln(classes), the loss of a uniform guess.
func (r EvalResult) Collapse() string {
	classes := len(r.Confusion)
	for c := range classes {
		predicted := 0
		for t := range classes {
			predicted += r.Confusion[t][c]
		}
		evaluated := r.Total - r.Missing
		if evaluated > 0 && float64(predicted) >= 0.9*float64(evaluated) {
			return fmt.Sprintf("model collapsed: class %d predicted for %d of %d inputs (%.1f%%)",
				c, predicted, evaluated, 100*float64(predicted)/float64(evaluated))
		}
	}
	uniform := math.Log(float64(classes))
	if math.Abs(r.AvgLoss-uniform) <= 0.05 || math.IsNaN(r.AvgLoss) {
		return fmt.Sprintf("model collapsed: mean loss %.4f is within 0.05 of ln(%d) = %.4f, "+
			"the loss of a uniform guess", r.AvgLoss, classes, uniform)
	}
	return ""
}

// Evaluate runs net in evaluation mode over data in batches and returns its
// accuracy, mean loss and confusion matrix. Items of data.Missing count in
// the total as wrong but not in the loss or the matrix.
func Evaluate(net *Net, data *Dataset, batch int) EvalResult {
	classes := net.Spec.Classes
	result := EvalResult{Total: data.Len() + data.Missing, Missing: data.Missing,
		Confusion: make([][]int, classes)}
	for c := range result.Confusion {
		result.Confusion[c] = make([]int, classes)
	}
	size := data.X.SampleLen()
	var lossSum float64
	var grad *Tensor
	for lo := 0; lo < data.Len(); lo += batch {
		hi := min(lo+batch, data.Len())
		shape := append([]int{hi - lo}, data.X.Shape[1:]...)
		x := FromData(data.X.Data[lo*size:hi*size], shape...)
		logits := net.Forward(x, false)
		var loss float64
		var correct int
		loss, correct, grad = CrossEntropy(logits, data.Y[lo:hi], grad)
		lossSum += loss * float64(hi-lo)
		result.Correct += correct
		for i := range hi - lo {
			result.Confusion[data.Y[lo+i]][argmax(logits.Sample(i))]++
		}
	}
	if data.Len() > 0 {
		result.AvgLoss = lossSum / float64(data.Len())
	}
	return result
}
