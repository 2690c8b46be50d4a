package models

import (
	"context"
	"math/rand/v2"
	"testing"
)

// randomDigits returns n random 28×28 inputs with random labels.
func randomDigits(n int) *Dataset {
	rng := rand.New(rand.NewPCG(3, 4))
	x := NewTensor(n, 1, 28, 28)
	fillNormal(rng, x.Data)
	y := make([]int, n)
	for i := range y {
		y[i] = rng.IntN(10)
	}
	return &Dataset{X: x, Y: y}
}

// BenchmarkTrainLeNet5 measures training throughput of the classic LeNet-5
// with Adam at batch 64 on random inputs (the arithmetic does not depend on
// the values), per wall second and per CPU second of the process.
func BenchmarkTrainLeNet5(b *testing.B) {
	data := randomDigits(6400)
	net, err := Build(LeNet5(), 1)
	if err != nil {
		b.Fatal(err)
	}
	net.InitParams(1)
	trainer, err := NewTrainer(net, TrainConfig{Optimizer: "adam", LR: 1e-3, Epochs: 1, Batch: 64, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := processCPUTime()
	for range b.N {
		if _, err := trainer.TrainEpoch(context.Background(), data, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*data.Len())/b.Elapsed().Seconds(), "img/s")
	if cpu := processCPUTime() - cpuStart; cpu > 0 {
		b.ReportMetric(float64(b.N*data.Len())/cpu.Seconds(), "img/cpu-s")
	}
}

// BenchmarkLeNet5Layers measures one training forward and backward pass of
// each LeNet-5 layer on its own at batch 64, to show where a training step
// spends its time.
func BenchmarkLeNet5Layers(b *testing.B) {
	net, err := Build(LeNet5(), 1)
	if err != nil {
		b.Fatal(err)
	}
	net.InitParams(1)
	rng := rand.New(rand.NewPCG(5, 6))
	x := randomDigits(64).X
	for i, l := range net.Layers {
		y := l.Forward(x, true)
		dy := NewTensor(y.Shape...)
		fillNormal(rng, dy.Data)
		mode := BackwardMode{ParamGrads: true, InputGrad: i > 0}
		b.Run(l.Name(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l.Forward(x, true)
				l.Backward(dy, mode)
			}
			b.ReportMetric(float64(b.N*64)/b.Elapsed().Seconds(), "img/s")
		})
		x = y.Clone()
	}
}
