package landmarks

import (
	"encoding/json"
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// referenceImage is one entry of the mediapipe-reference tool's hands
// output: MediaPipe's own result for one image.
type referenceImage struct {
	File       string          `json:"file"`
	Width      int             `json:"w"`
	Height     int             `json:"h"`
	Landmarks  [][][3]float64  `json:"landmarks"`
	World      [][][3]float64  `json:"world"`
	Handedness []referenceHand `json:"handedness"`
}

type referenceHand struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
	Index int     `json:"index"`
}

func readReference(t testing.TB, path string) []referenceImage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var refs []referenceImage
	if err := json.Unmarshal(data, &refs); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return refs
}

// agreement accumulates how our hands compare with MediaPipe's.
type agreement struct {
	images, presenceAgree  int
	pairs, handednessAgree int
	distanceSum            float64
	distances              []float64 // per paired hand, for the median
	worst                  float64
	worstFile              string
}

// add compares one image. Each reference hand is paired with our hand
// nearest to it (mean point distance); distances are in normalised units,
// x over the width and y over the height.
func (a *agreement) add(file string, ref referenceImage, ours []Hand) {
	a.images++
	if (len(ref.Landmarks) > 0) == (len(ours) > 0) {
		a.presenceAgree++
	}
	for i, refHand := range ref.Landmarks {
		best, bestDist := -1, math.Inf(1)
		for j, hand := range ours {
			if d := meanDistance(refHand, hand); d < bestDist {
				best, bestDist = j, d
			}
		}
		if best < 0 {
			continue
		}
		a.pairs++
		a.distanceSum += bestDist
		a.distances = append(a.distances, bestDist)
		if bestDist > a.worst {
			a.worst, a.worstFile = bestDist, file
		}
		if i < len(ref.Handedness) && ref.Handedness[i].Label == ours[best].Handedness {
			a.handednessAgree++
		}
	}
}

func meanDistance(ref [][3]float64, hand Hand) float64 {
	sum := 0.0
	for k, p := range ref {
		sum += math.Hypot(p[0]-hand.Landmarks[k].X, p[1]-hand.Landmarks[k].Y)
	}
	return sum / float64(len(ref))
}

func (a *agreement) presence() float64   { return float64(a.presenceAgree) / float64(a.images) }
func (a *agreement) handedness() float64 { return float64(a.handednessAgree) / float64(a.pairs) }
func (a *agreement) distance() float64   { return a.distanceSum / float64(a.pairs) }

func (a *agreement) median() float64 {
	if len(a.distances) == 0 {
		return 0
	}
	sorted := slices.Sorted(slices.Values(a.distances))
	return sorted[len(sorted)/2]
}

func (a *agreement) String() string {
	return fmt.Sprintf("%d images: presence agrees %.2f%%, handedness %.2f%% of %d hands, "+
		"mean landmark distance %.4f, median %.4f (worst %.4f, %s)", a.images,
		100*a.presence(), 100*a.handedness(), a.pairs, a.distance(), a.median(), a.worst,
		a.worstFile)
}

func decodeFile(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return DecodeImage(path, data)
}

func detectFile(h *HandLandmarker, path string) ([]Hand, error) {
	img, err := decodeFile(path)
	if err != nil {
		return nil, err
	}
	return h.Detect(img)
}

// compareAll runs h over refs, whose files are relative to root.
func compareAll(h *HandLandmarker, root string, refs []referenceImage) (*agreement, error) {
	a := &agreement{}
	for _, ref := range refs {
		hands, err := detectFile(h, filepath.Join(root, ref.File))
		if err != nil {
			return nil, err
		}
		a.add(ref.File, ref, hands)
	}
	return a, nil
}

func (a *agreement) merge(b *agreement) {
	a.images += b.images
	a.presenceAgree += b.presenceAgree
	a.pairs += b.pairs
	a.handednessAgree += b.handednessAgree
	a.distanceSum += b.distanceSum
	a.distances = append(a.distances, b.distances...)
	if b.worst > a.worst {
		a.worst, a.worstFile = b.worst, b.worstFile
	}
}
