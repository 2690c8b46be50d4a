package spectro

import "math"

// makeWindow returns the window of length winLength centred in nfft
// samples with zeros on both sides, as torch.stft places a shorter window.
func makeWindow(kind Window, winLength, nfft int) []float64 {
	window := make([]float64, nfft)
	left := (nfft - winLength) / 2
	for n := range winLength {
		phase := 2 * math.Pi * float64(n) / float64(winLength)
		switch kind {
		case Hann:
			window[left+n] = 0.5 - 0.5*math.Cos(phase)
		case Hamming:
			window[left+n] = 0.54 - 0.46*math.Cos(phase)
		default:
			window[left+n] = 1
		}
	}
	return window
}
