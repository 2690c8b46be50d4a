// Package audio decodes WAV files into float32 samples in [-1, 1] and
// resamples them to the rate a model needs.
//
// Decoding wraps github.com/go-audio/wav (v1.1.0), which reads the integer
// samples. This package walks the RIFF chunks itself first, because the
// library trusts every size field and keeps the pad byte of an odd-sized
// data chunk as a sample. It also corrects what the library returns: it
// ignores the format tag, so IEEE float samples arrive as integer bit
// patterns; it returns 8-bit samples unsigned; and it ignores the
// sub-format of WAVE_FORMAT_EXTENSIBLE. Supported encodings are PCM with 8-bit
// (unsigned, silence at 128), 16-, 24- and 32-bit samples, and 32-bit IEEE
// float, with any number of channels and any sample rate.
//
// Integer samples are scaled by the magnitude of their most negative value,
// as libsndfile does:
//
//	pcm8:  (b - 128) / 128
//	pcm16: v / 2^15
//	pcm24: v / 2^23
//	pcm32: v / 2^31
//
// Resample is band-limited sinc interpolation with a Hann window, the
// default method of torchaudio.functional.resample (torchaudio 0.13).
package audio
