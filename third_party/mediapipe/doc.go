// Package mediapipe embeds MediaPipe's published TFLite models for hands and
// pose and checks each file's SHA-256 before handing it out.
//
// The files come from the npm packages @mediapipe/hands@0.4.1675469240
// (palm_detection_full/lite, hand_landmark_full/lite) and
// @mediapipe/pose@0.5.1675469404 (pose_detection,
// pose_landmark_lite/full/heavy), Apache License 2.0; extract.sh rebuilds
// them and README.md records how. These are the models behind MediaPipe's
// palm_detection_cpu, hand_landmark_cpu, pose_detection_cpu and
// pose_landmark_cpu graphs.
//
// pose_landmark_heavy (27.7 MB) is embedded only when the program is built
// with the build tag mediapipe_heavy, so that binaries that never run it
// stay 28 MB smaller.
package mediapipe
