// Package signdigits prepares hand keypoints for the signdigits model, a
// 1-D CNN that reads a digit 0–9 signed with one hand: the model input made
// from MediaPipe's 21 hand landmarks, and the photo data set with one
// folder per digit and its fixed, seeded 80/20 split.
package signdigits
