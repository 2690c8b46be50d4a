package models

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"pipeline/internal/atomicfile"
	"pipeline/models/checkpoint"
)

// Files of a training run folder.
const (
	WeightsFile   = "weights.safetensors"
	ConfigFile    = "config.json"
	MetricsCSV    = "metrics.csv"
	MetricsJSON   = "metrics.json"
	OptimizerFile = "optimizer.safetensors"
)

// RunConfig is the resolved configuration of a training run, written to
// RUNDIR/config.json.
type RunConfig struct {
	Model Spec        `json:"model"`
	Train TrainConfig `json:"train"`
	Data  string      `json:"data"`
}

// SaveRun writes the weights, the optimizer state, the config and the
// metrics so far to dir. Each file is replaced atomically, and the
// weights are written last, so that a run stopped midway still resumes
// from a consistent set.
func SaveRun(dir string, t *Trainer, cfg RunConfig, metrics []EpochMetrics) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, ConfigFile), cfg); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(dir, MetricsJSON), metrics); err != nil {
		return err
	}
	if err := writeMetricsCSV(filepath.Join(dir, MetricsCSV), metrics); err != nil {
		return err
	}
	buffers, step := t.Opt.State()
	state := map[string]checkpoint.Tensor{}
	for name, b := range buffers {
		state[name] = checkpoint.Tensor{Shape: b.Shape, Data: b.Data}
	}
	meta := map[string]string{"step": strconv.Itoa(step), "epoch": strconv.Itoa(t.Epoch)}
	if err := checkpoint.WriteFile(filepath.Join(dir, OptimizerFile), state, meta); err != nil {
		return err
	}
	return t.Net.SaveWeights(filepath.Join(dir, WeightsFile))
}

// LoadRun reads a run folder written by SaveRun: its config, its metrics
// and the network with the saved weights.
func LoadRun(dir string) (RunConfig, []EpochMetrics, *Net, error) {
	var cfg RunConfig
	var metrics []EpochMetrics
	if err := readJSON(filepath.Join(dir, ConfigFile), &cfg); err != nil {
		return cfg, nil, nil, fmt.Errorf("read run %s: %w", dir, err)
	}
	if err := readJSON(filepath.Join(dir, MetricsJSON), &metrics); err != nil {
		return cfg, nil, nil, fmt.Errorf("read run %s: %w", dir, err)
	}
	net, err := Build(cfg.Model, cfg.Train.Seed)
	if err != nil {
		return cfg, nil, nil, err
	}
	path := filepath.Join(dir, WeightsFile)
	tensors, _, _, err := ReadWeights(path)
	if err != nil {
		return cfg, nil, nil, err
	}
	return cfg, metrics, net, net.SetWeights(tensors, path)
}

// ResumeRun rebuilds the trainer of a run folder written by SaveRun, with
// its weights, optimizer state, completed epochs and metrics.
func ResumeRun(dir string) (*Trainer, RunConfig, []EpochMetrics, error) {
	cfg, metrics, net, err := LoadRun(dir)
	if err != nil {
		return nil, cfg, nil, err
	}
	trainer, err := NewTrainer(net, cfg.Train)
	if err != nil {
		return nil, cfg, nil, err
	}
	if err := restoreOptimizer(trainer, filepath.Join(dir, OptimizerFile)); err != nil {
		return nil, cfg, nil, fmt.Errorf("resume %s: %w", dir, err)
	}
	if trainer.Epoch != len(metrics) {
		return nil, cfg, nil, fmt.Errorf("resume %s: optimizer state is at epoch %d "+
			"but %s has %d epochs", dir, trainer.Epoch, MetricsJSON, len(metrics))
	}
	return trainer, cfg, metrics, nil
}

func restoreOptimizer(t *Trainer, path string) error {
	state, meta, err := checkpoint.ReadFile(path)
	if err != nil {
		return err
	}
	step, err1 := strconv.Atoi(meta["step"])
	epoch, err2 := strconv.Atoi(meta["epoch"])
	if err1 != nil || err2 != nil {
		return fmt.Errorf("%s: missing step or epoch metadata", path)
	}
	buffers := map[string]*Tensor{}
	for name, b := range state {
		buffers[name] = &Tensor{Shape: b.Shape, Data: b.Data}
	}
	if err := t.Opt.SetState(buffers, step); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	t.Epoch = epoch
	return nil
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'))
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func writeMetricsCSV(path string, metrics []EpochMetrics) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy",
		"test_correct", "test_total", "train_images_per_s", "seconds"})
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for _, m := range metrics {
		w.Write([]string{strconv.Itoa(m.Epoch), f(m.TrainLoss), f(m.TrainAcc), f(m.TestLoss),
			f(m.TestAcc), strconv.Itoa(m.TestCorrect), strconv.Itoa(m.TestTotal),
			f(m.ImagesPerSec), f(m.Seconds)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, buf.Bytes())
}
