package tflite

import (
	"testing"

	"pipeline/third_party/mediapipe"
)

// FuzzNew checks that New returns an error, never a panic, on damaged
// model bytes. The seeds are truncated and corrupted copies of a real
// model.
func FuzzNew(f *testing.F) {
	model, err := mediapipe.Load(mediapipe.HandLandmarkLite)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(model[:64])
	f.Add(model[:4096])
	corrupt := append([]byte(nil), model[:8192]...)
	corrupt[40] ^= 0xFF
	f.Add(corrupt)
	f.Fuzz(func(t *testing.T, data []byte) {
		ip, err := New(data)
		if err == nil {
			ip.Invoke()
		}
	})
}
