// Package landmarks finds MediaPipe's 21 hand landmarks in images with
// MediaPipe's own palm detection and hand landmark models.
//
// It reproduces the pre- and post-processing of MediaPipe's hands solution
// (@mediapipe/hands 0.4: the graphs palm_detection_cpu, hand_landmark_cpu
// and hand_landmark_tracking_cpu) for the models described in "MediaPipe
// Hands: On-device Real-time Hand Tracking" (Zhang et al.,
// arXiv:2006.10214).
//
// For one image, HandLandmarker.Detect
//
//   - letterboxes the image into the 192×192 palm detector input, values
//     in [0, 1];
//   - decodes 2016 SSD anchors (strides 8, 16, 16, 16; two anchors per
//     layer and location), keeps boxes whose sigmoid score (raw score
//     clipped to ±100) reaches MinDetectionConfidence, merges them with
//     weighted non-maximum suppression (IoU 0.3) and keeps NumHands;
//   - turns each palm into a hand region: rotated so that wrist →
//     middle-finger MCP points up, shifted by half its height toward the
//     fingers, squared on its long side, enlarged 2.6×; regions that
//     overlap a later one with IoU above 0.5 are dropped;
//   - warps each region to 224×224 (bilinear, edge pixels repeated) and
//     runs the landmark model, keeping hands whose presence score reaches
//     MinPresenceConfidence;
//   - projects the landmarks back through the region and the letterbox.
//
// HandLandmarker.DetectVideo and PoseLandmarker.DetectVideo track hands
// and the body from one video frame to the next, as MediaPipe's video
// mode does, and run the detectors only when tracking is lost.
//
// DecodeImage decodes files the way a browser shows them, because
// MediaPipe's web solution is the reference this package is checked
// against: JPEG pixels come from libjpeg-turbo through OpenCV, as in
// Chromium, and ICC profiles are converted to sRGB. The web solutions
// (@mediapipe/hands 0.4, @mediapipe/pose 0.5) have no static image mode:
// a page that sends them several photos gets each photo searched in the
// regions tracked from the one before. They run inference on the GPU
// (WebGL) by default in desktop browsers, and in float32 on the CPU when
// their useCpuInference option is set, as on iOS. The tests compare like
// with like (distances in normalised units, x over the width and y over
// the height):
//
//   - TestPoseAgreesWithMediaPipe compares PoseLandmarker.Detect with
//     MediaPipe run on one people photo at a time on the CPU
//     (tools/oracle/mediapipe_static.sh): presence agrees on all 20
//     photos, and 17 of the 18 bodies are within 0.0001, mean 0.0004;
//   - TestHandsAgreeStatic does the same for HandLandmarker.Detect on 99
//     sign-digit photos: presence agrees on 98, handedness on all, mean
//     distance 0.0003;
//   - TestPoseVideoAgreesWithMediaPipe compares PoseLandmarker.DetectVideo
//     with MediaPipe's video mode on the CPU over 30 frames of the people
//     video at the same timestamps (tools/oracle/mediapipe_video.js). The
//     first 8 frames agree within 0.0005. After them the tracked region,
//     which feeds back into itself, amplifies rounding to a mean of
//     0.0053;
//   - TestHandsVideoAgreesWithMediaPipe does the same for
//     HandLandmarker.DetectVideo on the first 60 photos of the sign-digit
//     sequence: presence and handedness agree on all, mean distance
//     0.0001;
//   - TestHandsAgreeWithMediaPipe runs DetectVideo over the 1,961
//     sign-digit photos in the order the shared reference was made (GPU
//     inference): presence agrees on 99.80% of photos, handedness on
//     99.91% of hands, mean distance 0.0024;
//   - against MediaPipe on the GPU, one photo at a time, hands agree within
//     0.0009 and pose within 0.0133 (0.0115 over visible landmarks), with
//     the same presence as on the CPU.
//
// The pose distance to the GPU results is numerical noise, not a
// difference in method. The pose landmark model moves its output when its
// region moves by a fraction of a pixel, and the region comes from the
// pose detector, whose output moves with the input's last bit. Adding ±1
// to every sample of the people photos moves this package's landmarks by
// 0.0052 on average and loses one of the 18 bodies. MediaPipe on the GPU
// given such photos differs from itself by 0.0054 and also loses one.
// The GPU path rounds differently from float32 on the CPU; rounding every
// activation here to 16-bit floats moves the landmarks by 0.0033.
//
// Handedness follows MediaPipe: its label assumes a mirrored selfie
// image, so on a plain photo "Left" is the person's right hand (see
// Hand.PersonHandedness). The reference tool's default (selfieMode false)
// reports the same labels as this package.
package landmarks
