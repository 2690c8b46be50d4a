// Package spectro computes spectrograms, log-mel spectrograms, MFCCs and
// their deltas from mono audio samples.
//
// A Config sets every parameter; Torchaudio and Librosa return the
// defaults of torchaudio 0.13 (transforms.MelSpectrogram and MFCC) and
// librosa 0.10 (feature.melspectrogram and mfcc) for a given sample rate.
// NewPlan turns a Config into a Plan that holds the window, the FFT and
// the mel filter bank, so that computing the features of many clips
// allocates only the results. Results are Matrix values with one row per
// frequency bin, mel band or coefficient and one column per frame, the
// layout of torchaudio's (n_mels, time).
//
// # Frames
//
// With centring, the clip is padded by ⌊n_fft/2⌋ samples on each side
// (reflected or zero), and a clip of N samples has 1 + ⌊N/hop⌋ frames
// (1 + ⌊(N − 1)/hop⌋ for odd n_fft, as in torch.stft). Without centring it
// has 1 + ⌊(N − n_fft)/hop⌋ frames, and a clip shorter than n_fft is
// zero-padded to one frame. Frame t holds samples t·hop … t·hop+n_fft−1
// of the padded clip, multiplied by the window.
//
// # Mel scales
//
// The HTK scale (Young et al., The HTK Book) is
//
//	mel(f) = 2595 · log10(1 + f/700)
//
// The Slaney scale (Slaney, Auditory Toolbox, 1998, as in librosa) is
// linear below 1 kHz and logarithmic above:
//
//	mel(f) = 3f/200                               f < 1000 Hz
//	mel(f) = 15 + 27 · ln(f/1000) / ln(6.4)       f ≥ 1000 Hz
//
// The filter bank has NMels triangles whose corners are NMels+2 points
// spaced evenly in mel between FMin and FMax. Triangle m rises from corner
// m to corner m+1 and falls to corner m+2, with height 1. Slaney
// normalisation divides triangle m by half its width in Hz,
// 2 / (f[m+2] − f[m]), so that every filter has the same area.
//
// # Logarithm and MFCC
//
// Decibels follow torchaudio's amplitude_to_DB and librosa's power_to_db:
//
//	dB = 10 · log10(max(AMin, S)) − 10 · log10(max(AMin, Ref))
//
// whatever Power is (so with Power 1 they are half the decibels of the
// power, as in torchaudio's and librosa's MFCCs), then values below
// (maximum over the clip − TopDB) are raised to it. The
// natural-log option is ln(S + LogOffset). MFCCs are the orthonormal
// DCT-II of the log-mel bands of each frame,
//
//	c[k] = s[k] · Σ_n x[n] · cos(π/N · (n + ½) · k),
//	s[0] = √(1/N), s[k] = √(2/N),
//
// optionally liftered by 1 + (L/2) · sin(π(k+1)/L) as librosa does.
package spectro
