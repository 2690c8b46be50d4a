// Package video reads frames from video files, webcams, still images and
// folders of images through gocv (OpenCV 4.6) and hands them out as packed
// 8-bit RGB.
//
// Every source yields Frames through the same Source interface and ends
// with io.EOF. Frames are converted to RGB whatever the input holds: grey,
// BGR, BGRA (alpha is dropped, not composited) and 16-bit images, which are
// scaled to 8 bits. JPEG photos are turned upright from their EXIF
// orientation tag, as OpenCV's decoder does by default.
//
// Timestamps strictly increase within a source (see Frame.TimestampMs for
// the repair rule); still images have none.
//
// Only regular files are opened. Named pipes, devices and sockets are
// rejected with ErrOpen, because reading them can block inside OpenCV, where
// a cancelled context cannot stop it. Images and videos with more than
// MaxImagePixels pixels per frame are rejected with ErrTooLarge. A video is
// checked at open, by the frame size that OpenCV reports.
//
// What OpenCV 4.6's FFmpeg backend does not show, and so this package does
// not either:
//   - frames that the demuxer drops without an error, such as AVI chunks
//     whose headers are overwritten: the frames after them get indices and
//     timestamps too small by that many frames;
//   - frames lost at the cut end of an H.264 file whose B-frames are
//     reordered, when the decoder flushes frames without timestamps;
//   - a change of frame size within a stream: OpenCV returns every frame
//     at the size it reported at open, and frames of another size come back
//     stale or partly converted, without an error.
//
// Leak check, with gocv's Mat profile built in:
//
//	go test -tags matprofile -run Leak ./video
//
// It reads 1,000 frames by default (skipped with -short), and 10,000 with
// VIDEO_LEAK_FRAMES=10000. The window test runs only with a display:
//
//	xvfb-run -a go test -run Window ./video
package video
