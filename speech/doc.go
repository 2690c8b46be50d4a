// Package speech prepares spoken-digit audio for the audiocnn model: the
// Free Spoken Digit Dataset's file names and official split, and the fixed
// model input of a clip, a log-mel spectrogram of one second at 8 kHz.
//
// The features are torchaudio 0.13's MelSpectrogram with n_fft 256, hop 80
// and 40 HTK mel bands (reflect-padded centred frames, periodic Hann,
// power 2), in decibels with top_db 80: 40 bands by 101 frames.
package speech
