package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/spf13/cobra"

	"pipeline/models"
)

func newTrainCommand() *cobra.Command {
	var cfg models.TrainConfig
	var dataDir, outDir string
	var resume bool
	var threads int
	cmd := &cobra.Command{
		Use:   "train --model NAME --data DIR --out RUNDIR",
		Short: "Train a model and write its weights, config and per-epoch metrics",
		Long: "train runs minibatch training and writes to RUNDIR, after every epoch:\n" +
			"  weights.safetensors    the weights, with the architecture in the metadata\n" +
			"  optimizer.safetensors  the optimizer state, for --resume\n" +
			"  config.json            the resolved model and training configuration\n" +
			"  metrics.csv, .json     train and test loss and accuracy per epoch\n" +
			"Ctrl-C stops after saving the last completed epoch.",
		Args: noArguments,
	}
	flags := addModelFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", "", "data set: the MNIST folder (four IDX files), the FSDD "+
		"recordings folder, or the sign-digit photo folder or its keypoint .parquet file")
	f.StringVar(&outDir, "out", "", "run folder to write (required)")
	f.StringVar(&cfg.Optimizer, "optimizer", "adam", "adam or sgd")
	f.Float64Var(&cfg.LR, "lr", 0.001, "learning rate")
	f.Float64Var(&cfg.Momentum, "momentum", 0.9, "momentum for sgd")
	f.IntVar(&cfg.Epochs, "epochs", 20, "number of epochs in total")
	f.IntVar(&cfg.Batch, "batch", 64, "images per batch")
	f.Uint64Var(&cfg.Seed, "seed", 1, "seed of the initial weights, batch order and dropout")
	f.BoolVar(&resume, "resume", false, "continue the run in --out up to --epochs")
	f.IntVar(&threads, "threads", models.Threads(), "goroutines per batch (results do not "+
		"depend on it)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if outDir == "" {
			return usageErrorf("--out is required: the run folder to write")
		}
		if cfg.Epochs < 1 {
			return usageErrorf("--epochs %d: expected at least 1", cfg.Epochs)
		}
		if !resume {
			if _, err := os.Stat(filepath.Join(outDir, models.WeightsFile)); err == nil {
				return usageErrorf("%s already holds a training run: continue it with "+
					"--resume, or choose another --out", outDir)
			}
		}
		models.SetThreads(threads)
		ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
		defer stop()
		var job *trainJob
		var err error
		if resume {
			job, err = resumeJob(outDir, cfg.Epochs)
		} else {
			job, err = newTrainJob(flags, cfg, dataDir)
		}
		if err != nil {
			return err
		}
		return job.run(ctx, outDir)
	}
	return cmd
}

// trainJob is a training run in progress.
type trainJob struct {
	trainer     *models.Trainer
	config      models.RunConfig
	metrics     []models.EpochMetrics
	train, test *models.Dataset
}

func newTrainJob(flags *modelFlags, cfg models.TrainConfig, dataDir string) (*trainJob, error) {
	spec, err := flags.spec()
	if err != nil {
		return nil, err
	}
	net, err := models.Build(spec, cfg.Seed)
	if err != nil {
		return nil, usageError{err}
	}
	net.InitParams(cfg.Seed)
	trainer, err := models.NewTrainer(net, cfg)
	if err != nil {
		return nil, usageError{err}
	}
	train, test, err := loadDatasets(spec, dataDir)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(dataDir)
	return &trainJob{trainer: trainer, train: train, test: test,
		config: models.RunConfig{Model: spec, Train: cfg, Data: abs}}, nil
}

func resumeJob(dir string, epochs int) (*trainJob, error) {
	trainer, cfg, metrics, err := models.ResumeRun(dir)
	if err != nil {
		return nil, usageError{err}
	}
	cfg.Train.Epochs = max(epochs, trainer.Epoch)
	trainer.Config.Epochs = cfg.Train.Epochs
	train, test, err := loadDatasets(cfg.Model, cfg.Data)
	if err != nil {
		return nil, err
	}
	slog.Info("resuming", "run", dir, "completed_epochs", trainer.Epoch, "epochs", cfg.Train.Epochs)
	return &trainJob{trainer: trainer, config: cfg, metrics: metrics, train: train, test: test}, nil
}

func (j *trainJob) run(ctx context.Context, outDir string) error {
	t := j.trainer
	slog.Info("training", "model", j.config.Model.Name, "params", t.Net.ParamCount(),
		"optimizer", j.config.Train.Optimizer, "lr", j.config.Train.LR,
		"batch", j.config.Train.Batch, "train_images", j.train.Len(), "out", outDir)
	for t.Epoch < j.config.Train.Epochs {
		m, err := t.TrainEpoch(ctx, j.train, j.test)
		if errors.Is(err, context.Canceled) {
			slog.Warn("interrupted; the run folder holds the last completed epoch",
				"epoch", t.Epoch, "out", outDir)
			return err
		}
		if err != nil {
			return err
		}
		j.metrics = append(j.metrics, m)
		slog.Info("epoch", "epoch", m.Epoch, "of", j.config.Train.Epochs,
			"train_loss", round6(m.TrainLoss), "train_acc", round6(m.TrainAcc),
			"test_loss", round6(m.TestLoss), "test_acc", round6(m.TestAcc),
			"img_per_s", int(m.ImagesPerSec))
		if err := models.SaveRun(outDir, t, j.config, j.metrics); err != nil {
			return err
		}
	}
	final := models.Evaluate(t.Net, j.test, 1000)
	if msg := final.Collapse(); msg != "" {
		slog.Error(msg, "lr", j.config.Train.LR, "optimizer", j.config.Train.Optimizer)
	}
	return nil
}
