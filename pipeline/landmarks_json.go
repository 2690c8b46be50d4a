package pipeline

import (
	"pipeline/landmarks"
)

// AppendHands appends hands as the record's landmarks, a JSON array with
// one entry per hand:
//
//	{"kind":"hand","handedness":"Left","score":0.98,
//	 "points":[[x,y,z],…21],"world":[[x,y,z],…21]}
//
// handedness is the person's hand (Hand.PersonHandedness with mirrored),
// score is the landmark model's hand presence, points are normalised to the
// image width and height as MediaPipe gives them (values outside [0, 1]
// are kept), and world points are metres from the hand's centre. Numbers
// are rounded to 6 significant digits.
func AppendHands(dst []byte, hands []landmarks.Hand, mirrored bool) []byte {
	dst = append(dst, '[')
	for i := range hands {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendHand(dst, &hands[i], mirrored)
	}
	return append(dst, ']')
}

func appendHand(dst []byte, hand *landmarks.Hand, mirrored bool) []byte {
	dst = append(dst, `{"kind":"hand","handedness":`...)
	dst = appendString(dst, hand.PersonHandedness(mirrored))
	dst = append(dst, `,"score":`...)
	dst = appendFloat(dst, float32(hand.Presence))
	dst = append(dst, `,"points":[`...)
	for i, p := range hand.Landmarks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoint(dst, p.X, p.Y, p.Z)
		dst = append(dst, ']')
	}
	dst = append(dst, `],"world":[`...)
	for i, p := range hand.WorldLandmarks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoint(dst, p.X, p.Y, p.Z)
		dst = append(dst, ']')
	}
	return append(dst, "]}"...)
}

// AppendPoses appends the body found, or none for a nil pose, as the
// record's landmarks: a JSON array with at most one entry,
//
//	{"kind":"pose","handedness":null,"score":0.99,
//	 "points":[[x,y,z,visibility],…33],"world":[[x,y,z],…33]}
//
// score is the landmark model's pose presence, points are normalised to
// the image as MediaPipe gives them (values outside [0, 1] are kept) with
// the visibility probability, and world points are metres from the hips'
// midpoint.
func AppendPoses(dst []byte, pose *landmarks.Pose) []byte {
	if pose == nil {
		return append(dst, "[]"...)
	}
	dst = append(dst, `[{"kind":"pose","handedness":null,"score":`...)
	dst = appendFloat(dst, float32(pose.Presence))
	dst = append(dst, `,"points":[`...)
	for i, p := range pose.Landmarks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoint(dst, p.X, p.Y, p.Z)
		dst = append(dst, ',')
		dst = appendFloat(dst, float32(p.Visibility))
		dst = append(dst, ']')
	}
	dst = append(dst, `],"world":[`...)
	for i, p := range pose.WorldLandmarks {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendPoint(dst, p.X, p.Y, p.Z)
		dst = append(dst, ']')
	}
	return append(dst, "]}]"...)
}

// appendPoint appends "[x,y,z" and leaves the array open for more values.
func appendPoint(dst []byte, x, y, z float64) []byte {
	dst = append(dst, '[')
	dst = appendFloat(dst, float32(x))
	dst = append(dst, ',')
	dst = appendFloat(dst, float32(y))
	dst = append(dst, ',')
	return appendFloat(dst, float32(z))
}
