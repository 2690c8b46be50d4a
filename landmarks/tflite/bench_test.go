package tflite

import (
	"errors"
	"fmt"
	"testing"

	"pipeline/third_party/mediapipe"
)

// BenchmarkModels times one Invoke of each MediaPipe model on one and on
// two threads (SetThreads). It reports inferences/s and GFLOP/s (FLOPs as
// Interpreter.FLOPs counts them), both from wall time, and the process CPU
// time per inference, which stays meaningful when other work shares the
// cores.
func BenchmarkModels(b *testing.B) {
	for _, name := range mediapipe.Names() {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				benchmarkModel(b, name, threads)
			})
		}
	}
}

// BenchmarkPoseWithoutSegmentation is BenchmarkModels for the pose
// landmark models with their segmentation mask skipped (SkipOutputs),
// which the keypoint pipeline does not read.
func BenchmarkPoseWithoutSegmentation(b *testing.B) {
	for _, name := range []string{"pose_landmark_lite.tflite", "pose_landmark_full.tflite"} {
		for _, threads := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/threads=%d", name, threads), func(b *testing.B) {
				benchmarkModel(b, name, threads, poseSegmentation)
			})
		}
	}
}

// benchmarkModel runs one model on the given number of threads, with the
// outputs in skip skipped.
func benchmarkModel(b *testing.B, name string, threads int, skip ...int) {
	model, err := mediapipe.Load(name)
	if errors.Is(err, mediapipe.ErrNotEmbedded) {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	ip, err := New(model)
	if err != nil {
		b.Fatal(err)
	}
	defer ip.Close()
	ip.SetThreads(threads)
	if err := ip.SkipOutputs(skip...); err != nil {
		b.Fatal(err)
	}
	oracleInput(ip.Input(0))
	ip.Invoke()
	b.ReportAllocs()
	cpuStart := processCPUTime()
	for b.Loop() {
		ip.Invoke()
	}
	seconds := b.Elapsed().Seconds()
	cpuSeconds := (processCPUTime() - cpuStart).Seconds()
	b.ReportMetric(float64(b.N)/seconds, "inferences/s")
	b.ReportMetric(float64(ip.FLOPs())*float64(b.N)/seconds/1e9, "GFLOP/s")
	b.ReportMetric(1000*cpuSeconds/float64(b.N), "cpu-ms/op")
}
