package spectro

import (
	"path/filepath"
	"testing"
	"time"

	"gonum.org/v1/gonum/dsp/fourier"

	"pipeline/audio"
	"pipeline/internal/shareddata"
)

// fsddConfig returns the parameters of the FSDD reference benchmark
// (torchaudio MelSpectrogram and MFCC at 8 kHz with n_fft 256, hop 80,
// 40 mel bands, dB with top_db 80, 13 MFCCs).
func fsddConfig() Config {
	return withFSDDSizes(Torchaudio(8000))
}

// readFSDD decodes the FSDD recordings, all of them or the first limit
// when limit is above 0.
func readFSDD(b *testing.B, limit int) [][]float32 {
	b.Helper()
	dir := shareddata.Path(b, "fsdd/recordings")
	paths, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil || len(paths) == 0 {
		b.Skipf("no WAV files in %s", dir)
	}
	if limit > 0 {
		paths = paths[:min(limit, len(paths))]
	}
	clips := make([][]float32, len(paths))
	for i, path := range paths {
		clip, err := audio.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		clips[i] = clip.Mono()
	}
	return clips
}

// BenchmarkFSDDFeatures computes the log-mel spectrogram and MFCCs of one
// FSDD clip per operation, decoding excluded, on 300 clips in turn.
func BenchmarkFSDDFeatures(b *testing.B) {
	clips := readFSDD(b, 300)
	plan, err := NewPlan(fsddConfig())
	if err != nil {
		b.Fatal(err)
	}
	var logMel, mfcc *Matrix
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		logMel, mfcc = plan.Features(logMel, mfcc, clips[i%len(clips)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clips/s")
}

// BenchmarkFSDDAll computes the features of every FSDD clip (3,000), one
// clip per call with freshly allocated results as a pipeline stage would,
// and reports clips/s for comparison with torchaudio's timing of the same
// loop. Run it with -benchtime 1x for a single pass.
func BenchmarkFSDDAll(b *testing.B) {
	clips := readFSDD(b, 0)
	plan, err := NewPlan(fsddConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var elapsed, cpu time.Duration
	for b.Loop() {
		start, startCPU := time.Now(), processCPUTime()
		for _, clip := range clips {
			plan.Features(nil, nil, clip)
		}
		elapsed += time.Since(start)
		cpu += processCPUTime() - startCPU
	}
	clipCount := float64(b.N * len(clips))
	b.ReportMetric(clipCount/elapsed.Seconds(), "clips/s")
	if cpu > 0 {
		// Clips per CPU second of the whole process, garbage collection
		// included, which a busy machine disturbs less than the wall clock.
		b.ReportMetric(clipCount/cpu.Seconds(), "cpu-clips/s")
	}
}

// BenchmarkFFT256 compares the radix-2 real FFT with gonum's FFTPACK port
// at the FSDD frame size.
func BenchmarkFFT256(b *testing.B) {
	x := make([]float64, 256)
	for i := range x {
		x[i] = float64(i%7) - 3
	}
	coeffs := make([]complex128, 129)
	b.Run("radix2", func(b *testing.B) {
		fft := newRealFFT(256)
		for b.Loop() {
			fft.coefficients(coeffs, x)
		}
	})
	b.Run("gonum", func(b *testing.B) {
		fft := fourier.NewFFT(256)
		for b.Loop() {
			fft.Coefficients(coeffs, x)
		}
	})
}
