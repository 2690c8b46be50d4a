package spectro

import "math"

// hzToMel converts a frequency in Hz to mels on the given scale.
func hzToMel(hz float64, scale MelScale) float64 {
	if scale == HTK {
		return 2595 * math.Log10(1+hz/700)
	}
	if hz < slaneyBreakHz {
		return hz / slaneyHzPerMel
	}
	return slaneyBreakMel + math.Log(hz/slaneyBreakHz)/slaneyLogStep
}

// melToHz is the inverse of hzToMel.
func melToHz(mel float64, scale MelScale) float64 {
	if scale == HTK {
		return 700 * (math.Pow(10, mel/2595) - 1)
	}
	if mel < slaneyBreakMel {
		return mel * slaneyHzPerMel
	}
	return slaneyBreakHz * math.Exp(slaneyLogStep*(mel-slaneyBreakMel))
}

// Constants of the Slaney scale: 200/3 Hz per mel up to 1 kHz (15 mels),
// then 27 mels per factor of 6.4 in frequency.
const (
	slaneyHzPerMel = 200.0 / 3
	slaneyBreakHz  = 1000.0
	slaneyBreakMel = slaneyBreakHz / slaneyHzPerMel
)

var slaneyLogStep = math.Log(6.4) / 27

// melFilter is one triangle of the bank: weights for the FFT bins
// first, first+1, … that it covers.
type melFilter struct {
	first   int
	weights []float64
}

// melFilterBank returns the triangular filters for FFT bins at
// k·SampleRate/NFFT Hz, k = 0 … NFFT/2, keeping only the non-zero span of
// each. The formula is the one of torchaudio's melscale_fbanks and
// librosa's filters.mel.
//
// NOTE: torchaudio 0.13 spaces the bins up to ⌊SampleRate/2⌋ (integer
// division), so for odd sample rates its filters differ slightly from
// these and from librosa's.
func melFilterBank(c Config) []melFilter {
	bins := c.NFFT/2 + 1
	corners := make([]float64, c.NMels+2)
	melMin, melMax := hzToMel(c.FMin, c.MelScale), hzToMel(c.FMax, c.MelScale)
	for i := range corners {
		mel := melMin + (melMax-melMin)*float64(i)/float64(c.NMels+1)
		corners[i] = melToHz(mel, c.MelScale)
	}

	filters := make([]melFilter, c.NMels)
	for m := range filters {
		scale := 1.0
		if c.MelNorm == SlaneyNorm {
			scale = 2 / (corners[m+2] - corners[m])
		}
		filters[m] = triangle(corners[m:m+3], bins, float64(c.SampleRate)/2, scale)
	}
	return filters
}

// triangle returns the filter rising from corner[0] to corner[1] and
// falling to corner[2], sampled at bins frequencies evenly spaced from 0
// to nyquist Hz and multiplied by scale.
func triangle(corner []float64, bins int, nyquist, scale float64) melFilter {
	filter := melFilter{first: -1}
	for k := range bins {
		hz := nyquist * float64(k) / float64(bins-1)
		up := (hz - corner[0]) / (corner[1] - corner[0])
		down := (corner[2] - hz) / (corner[2] - corner[1])
		weight := max(0, min(up, down))
		if weight == 0 {
			if filter.first >= 0 {
				break
			}
			continue
		}
		if filter.first < 0 {
			filter.first = k
		}
		filter.weights = append(filter.weights, weight*scale)
	}
	if filter.first < 0 {
		filter.first = 0
	}
	return filter
}
