// Package signdigits prepares hand keypoints for the signdigits model, a
// 1-D CNN that reads a digit 0–9 signed with one hand: the model input made
// from MediaPipe's 21 hand landmarks, and the photo data set with one
// folder per digit and its fixed, seeded 80/20 split.
//
// Training, `preprocess` for training and `run --model signdigits` all find
// hands with HandOptions: MediaPipe's defaults (palm detector score and
// hand presence score at least 0.5) plus a whole-image fallback. When no
// palm detection leads to a hand, the landmark model runs on the whole
// image, and its hand is kept if its presence score reaches 0.5. Runs
// with --track use it on frames where no hand was tracked. The
// sign-digit photos are 100×100 close-ups of one hand. With the defaults
// alone, 254 of the 1,961 photos get no hand: their best palm score has a
// median of 0.34, and in 36 of them a palm above 0.5 leads to a region
// where the presence score fails. MediaPipe hands 0.4, given one such
// photo at a time, found no hand in 5 of the 6 tried. Measured on the
// split's 389 test photos, after training with the command in
// models/zoo/README.md (no-hand photos count as wrong):
//
//	hand search                       test photos with a hand  test accuracy
//	MediaPipe's defaults              343                      341 (87.66%)
//	palm score at least 0.1           371                      368 (94.60%)
//	palm score at least 0.02          375                      373 (95.89%)
//	image padded to 2× for the palm   386                      386 (99.23%)
//	whole-image fallback (used)       389                      387 (99.49%)
//
// The fallback adds no hands where there are none. On the 20 COCO photos
// of people in the shared data, and on 8 plain and 8 noise images, its
// presence scores stay at or below 0.12, so it finds hands in the same 7
// people photos as the defaults. Lower palm thresholds find more real
// hands in those photos (8 at 0.05), while padding finds fewer (4).
package signdigits
