package landmarks

import "math"

// Settings of MediaPipe Tasks' hand_landmarks_deduplication_calculator.
const (
	duplicateDistanceRatio = 0.2 // of the larger hand's palm size
	duplicateMinMatched    = 10  // landmarks, of 21, that must lie that close
	duplicateMinIoU        = 0.2 // of the landmarks' bounding boxes
)

// duplicateHands reports which hands repeat an earlier one, by the rule of
// MediaPipe Tasks' hand landmarker. Hand i duplicates a kept hand j when
// at least 10 of their landmarks lie within a fifth of the larger palm
// size of each other, in pixels of a width×height image. Their landmark
// bounding boxes must also overlap with IoU above 0.2. The palm size is
// the longest side of the triangle wrist, index finger MCP, little finger
// MCP. Hands are taken in order, so the first of a group is kept.
func duplicateHands(hands []Hand, width, height int) []bool {
	w, h := float64(width), float64(height)
	dist := func(a, b Landmark) float64 { return math.Hypot((a.X-b.X)*w, (a.Y-b.Y)*h) }
	palmSize := func(hand *Hand) float64 {
		wrist, index, little := hand.Landmarks[0], hand.Landmarks[5], hand.Landmarks[17]
		return max(dist(wrist, index), dist(index, little), dist(little, wrist))
	}
	bounds := func(hand *Hand) box {
		minX, minY := math.Inf(1), math.Inf(1)
		maxX, maxY := math.Inf(-1), math.Inf(-1)
		for _, p := range hand.Landmarks {
			minX, maxX = min(minX, p.X), max(maxX, p.X)
			minY, maxY = min(minY, p.Y), max(maxY, p.Y)
		}
		return box{minX, minY, maxX - minX, maxY - minY}
	}

	duplicate := make([]bool, len(hands))
	var kept []int
	for i := range hands {
		for _, j := range kept {
			threshold := duplicateDistanceRatio * max(palmSize(&hands[i]), palmSize(&hands[j]))
			matched := 0
			for k := range hands[i].Landmarks {
				if dist(hands[i].Landmarks[k], hands[j].Landmarks[k]) < threshold {
					matched++
				}
			}
			if matched >= duplicateMinMatched &&
				boxIoU(bounds(&hands[i]), bounds(&hands[j])) > duplicateMinIoU {
				duplicate[i] = true
				break
			}
		}
		if !duplicate[i] {
			kept = append(kept, i)
		}
	}
	return duplicate
}
