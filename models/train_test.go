package models

import (
	"context"
	"slices"
	"testing"
)

// trainSmall trains a LeNet-5 on random digits for epochs epochs.
func trainSmall(t *testing.T, threads, epochs int) *Trainer {
	t.Helper()
	SetThreads(threads)
	defer SetThreads(2)
	net, err := Build(LeNet5(), 1)
	if err != nil {
		t.Fatal(err)
	}
	net.InitParams(1)
	trainer, err := NewTrainer(net, TrainConfig{Optimizer: "adam", LR: 0.001, Epochs: epochs,
		Batch: 32, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	data := randomDigits(200)
	for range epochs {
		if _, err := trainer.TrainEpoch(context.Background(), data, data); err != nil {
			t.Fatal(err)
		}
	}
	return trainer
}

func TestTrainingDeterministic(t *testing.T) {
	one := trainSmall(t, 1, 2)
	again := trainSmall(t, 1, 2)
	two := trainSmall(t, 2, 2)
	for _, p := range one.Net.Params() {
		if !slices.Equal(p.Value.Data, again.Net.Param(p.Name).Value.Data) {
			t.Errorf("%s differs between two runs with seed 1", p.Name)
		}
		if !slices.Equal(p.Value.Data, two.Net.Param(p.Name).Value.Data) {
			t.Errorf("%s differs between 1 and 2 threads", p.Name)
		}
	}
}

// TestResumeMatchesUninterrupted saves a run after one epoch, resumes it
// for a second and compares with two epochs in one go.
func TestResumeMatchesUninterrupted(t *testing.T) {
	straight := trainSmall(t, 2, 2)
	first := trainSmall(t, 2, 1)
	dir := t.TempDir()
	cfg := RunConfig{Model: LeNet5(), Train: first.Config}
	if err := SaveRun(dir, first, cfg, []EpochMetrics{{Epoch: 1}}); err != nil {
		t.Fatal(err)
	}
	resumed, _, metrics, err := ResumeRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Epoch != 1 || len(metrics) != 1 {
		t.Fatalf("resumed at epoch %d with %d metrics, want 1 and 1", resumed.Epoch, len(metrics))
	}
	data := randomDigits(200)
	if _, err := resumed.TrainEpoch(context.Background(), data, data); err != nil {
		t.Fatal(err)
	}
	for _, p := range straight.Net.Params() {
		if !slices.Equal(p.Value.Data, resumed.Net.Param(p.Name).Value.Data) {
			t.Errorf("%s differs after resuming", p.Name)
		}
	}
}

func TestTrainEpochCancelled(t *testing.T) {
	trainer := trainSmall(t, 2, 0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := trainer.TrainEpoch(ctx, randomDigits(64), nil); err == nil {
		t.Fatal("cancelled epoch returned no error")
	}
	if trainer.Epoch != 0 {
		t.Errorf("cancelled epoch counted: Epoch = %d", trainer.Epoch)
	}
}
