package audio

import (
	"fmt"
	"slices"
	"time"
)

// Clip is a decoded recording.
type Clip struct {
	// Samples are interleaved by frame (left, right, left, …) when Channels
	// is above 1, and each lies in [-1, 1].
	Samples []float32

	Channels   int
	SampleRate int // frames per second

	// Format is the encoding in the file: "pcm8", "pcm16", "pcm24", "pcm32"
	// or "float32".
	Format string

	// Notes list what decoding changed in the samples, such as clamped
	// float samples, for a reader of the output.
	Notes []string
}

// Frames returns the number of sample frames, one sample per channel each.
func (c *Clip) Frames() int {
	if c.Channels == 0 {
		return 0
	}
	return len(c.Samples) / c.Channels
}

// Duration returns the length of the clip.
func (c *Clip) Duration() time.Duration {
	if c.SampleRate == 0 {
		return 0
	}
	return time.Duration(c.Frames()) * time.Second / time.Duration(c.SampleRate)
}

// Mono returns one sample per frame, the mean of the channels. For a
// mono clip it returns Samples itself, not a copy.
func (c *Clip) Mono() []float32 {
	if c.Channels == 1 {
		return c.Samples
	}
	return Downmix(nil, c.Samples, c.Channels)
}

// Downmix writes the mean of the channels of each frame of the interleaved
// samples into dst and returns it. It allocates when dst is shorter than
// the number of frames. A trailing partial frame is ignored. Downmix panics
// when channels is below 1.
func Downmix(dst, interleaved []float32, channels int) []float32 {
	if channels < 1 {
		panic("audio: Downmix needs at least one channel")
	}
	frames := len(interleaved) / channels
	if cap(dst) < frames {
		dst = make([]float32, frames)
	}
	dst = dst[:frames]

	scale := 1 / float64(channels)
	for i := range dst {
		var sum float64
		for _, v := range interleaved[i*channels : (i+1)*channels] {
			sum += float64(v)
		}
		dst[i] = float32(sum * scale)
	}
	return dst
}

// Resample returns a copy of the clip at rate Hz, each channel resampled
// with Resample, and a note saying so. When the rate is already rate it
// returns c itself. It panics when rate is not positive.
func (c *Clip) Resample(rate int) *Clip {
	if rate == c.SampleRate {
		return c
	}
	out := &Clip{
		Channels:   c.Channels,
		SampleRate: rate,
		Format:     c.Format,
	}
	note := fmt.Sprintf("resampled from %d Hz to %d Hz", c.SampleRate, rate)
	out.Notes = append(slices.Clone(c.Notes), note)
	if c.Channels == 1 {
		out.Samples = Resample(c.Samples, c.SampleRate, rate)
		return out
	}

	channel := make([]float32, c.Frames())
	for ch := range c.Channels {
		for i := range channel {
			channel[i] = c.Samples[i*c.Channels+ch]
		}
		resampled := Resample(channel, c.SampleRate, rate)
		if out.Samples == nil {
			out.Samples = make([]float32, len(resampled)*c.Channels)
		}
		for i, v := range resampled {
			out.Samples[i*c.Channels+ch] = v
		}
	}
	return out
}
