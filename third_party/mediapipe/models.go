package mediapipe

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// Model file names, as published by MediaPipe.
const (
	PalmDetectionFull = "palm_detection_full.tflite"
	PalmDetectionLite = "palm_detection_lite.tflite"
	HandLandmarkFull  = "hand_landmark_full.tflite"
	HandLandmarkLite  = "hand_landmark_lite.tflite"
	PoseDetection     = "pose_detection.tflite"
	PoseLandmarkLite  = "pose_landmark_lite.tflite"
	PoseLandmarkFull  = "pose_landmark_full.tflite"
	PoseLandmarkHeavy = "pose_landmark_heavy.tflite"
)

// ErrNotEmbedded is returned by Load for a known model that this build does
// not carry (pose_landmark_heavy without the mediapipe_heavy build tag).
var ErrNotEmbedded = errors.New("model not embedded in this build")

// sha256Sums is the expected SHA-256 of each model, as in SHA256SUMS.
var sha256Sums = map[string]string{
	HandLandmarkFull:  "8c026882c9ec059ce0f8e75266bee5a9a23c341a40e0000df755374d3d1b9b68",
	HandLandmarkLite:  "d7fde8ac11f8ce03f8663775bfc323f4fc9f2a38062b4f4efa142874ef5b2a48",
	PalmDetectionFull: "2f25e740121983f68ffc05f99991d524dc0ea812134f6316a26125816941ee85",
	PalmDetectionLite: "e9a4aaddf90dda56a87235303cf00e4c2d3fb28725f68fd88772997dac905c18",
	PoseDetection:     "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
	PoseLandmarkFull:  "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
	PoseLandmarkHeavy: "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
	PoseLandmarkLite:  "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
}

//go:embed palm_detection_full.tflite palm_detection_lite.tflite
//go:embed hand_landmark_full.tflite hand_landmark_lite.tflite
//go:embed pose_detection.tflite
//go:embed pose_landmark_lite.tflite pose_landmark_full.tflite
var embedded embed.FS

// heavyModel holds pose_landmark_heavy when heavy.go is compiled in.
var heavyModel []byte

// Names returns the file names of all known models, sorted, including any
// that this build does not embed.
func Names() []string {
	names := make([]string, 0, len(sha256Sums))
	for name := range sha256Sums {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Load returns the bytes of the named model after checking their SHA-256.
// The slice is shared: callers must not modify it.
func Load(name string) ([]byte, error) {
	want, ok := sha256Sums[name]
	if !ok {
		return nil, fmt.Errorf("mediapipe: unknown model %q (known: %v)", name, Names())
	}
	data, err := read(name)
	if err != nil {
		return nil, err
	}
	return data, verify(name, data, want)
}

func read(name string) ([]byte, error) {
	if name != PoseLandmarkHeavy {
		return embedded.ReadFile(name)
	}
	if heavyModel == nil {
		return nil, fmt.Errorf("mediapipe: %s: %w (build with -tags mediapipe_heavy)",
			name, ErrNotEmbedded)
	}
	return heavyModel, nil
}

func verify(name string, data []byte, want string) error {
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != want {
		return fmt.Errorf("mediapipe: %s: sha256 %s, expected %s", name, got, want)
	}
	return nil
}
