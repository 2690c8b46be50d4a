//go:build mediapipe_heavy

package mediapipe

import _ "embed"

//go:embed pose_landmark_heavy.tflite
var heavyModelFile []byte

func init() { heavyModel = heavyModelFile }
