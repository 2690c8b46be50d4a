package audio

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
)

// Expected samples follow the scaling in the package comment, which is
// what libsndfile 1.2 (python3-soundfile, dtype float32) returns; every
// value is exact in float32.
func TestDecodeFormats(t *testing.T) {
	mono := func(tag uint16, bits, rate int, data []byte) wavSpec {
		return wavSpec{tag: tag, channels: 1, sampleRate: rate, bits: bits, data: data}
	}
	extensible := func(spec wavSpec) wavSpec {
		spec.extensible = true
		return spec
	}
	withList := mono(tagPCM, 16, 8000, int16Bytes(16384))
	withList.before = [][]byte{riffChunk("LIST", []byte("INFOx"))}
	stereo := mono(tagPCM, 16, 8000, int16Bytes(16384, -16384, 32767, 0))
	stereo.channels = 2

	tests := []struct {
		name       string
		spec       wavSpec
		wantFormat string
		want       []float32
	}{
		{"pcm8 unsigned around 128", mono(tagPCM, 8, 8000, []byte{0, 64, 128, 192, 255}),
			"pcm8", []float32{-1, -0.5, 0, 0.5, 127.0 / 128}},
		{"pcm16", mono(tagPCM, 16, 16000, int16Bytes(-32768, -16384, 0, 1, 32767)),
			"pcm16", []float32{-1, -0.5, 0, 1.0 / 32768, 32767.0 / 32768}},
		{"pcm24 sign-extended",
			mono(tagPCM, 24, 44100, int24Bytes(-8388608, -1, 0, 4194304, 8388607)),
			"pcm24", []float32{-1, -1.0 / 8388608, 0, 0.5, 8388607.0 / 8388608}},
		{"pcm32", mono(tagPCM, 32, 48000, int32Bytes(-2147483648, -1073741824, 0, 536870912)),
			"pcm32", []float32{-1, -0.5, 0, 0.25}},
		{"float32", mono(tagIEEEFloat, 32, 22050, float32Bytes(-1, -0.25, 0, 0.125, 1)),
			"float32", []float32{-1, -0.25, 0, 0.125, 1}},
		{"extensible pcm16", extensible(mono(tagPCM, 16, 8000, int16Bytes(-16384, 16384))),
			"pcm16", []float32{-0.5, 0.5}},
		{"extensible pcm24", extensible(mono(tagPCM, 24, 96000, int24Bytes(-4194304, 2097152))),
			"pcm24", []float32{-0.5, 0.25}},
		{"extensible float32", extensible(mono(tagIEEEFloat, 32, 8000, float32Bytes(0.75, -0.75))),
			"float32", []float32{0.75, -0.75}},
		{"pcm8 odd data chunk with pad byte", mono(tagPCM, 8, 8000, []byte{128, 192, 64}),
			"pcm8", []float32{0, 0.5, -0.5}},
		{"odd chunk before data", withList, "pcm16", []float32{0.5}},
		{"stereo pcm16 interleaved", stereo,
			"pcm16", []float32{0.5, -0.5, 32767.0 / 32768, 0}},
		{"empty data chunk", mono(tagPCM, 16, 8000, nil), "pcm16", []float32{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clip, err := Decode(bytes.NewReader(buildWAV(tt.spec)), tt.name+".wav")
			if err != nil {
				t.Fatal(err)
			}
			if clip.Format != tt.wantFormat {
				t.Errorf("Format = %q, want %q", clip.Format, tt.wantFormat)
			}
			if clip.Channels != tt.spec.channels {
				t.Errorf("Channels = %d, want %d", clip.Channels, tt.spec.channels)
			}
			if clip.SampleRate != tt.spec.sampleRate {
				t.Errorf("SampleRate = %d, want %d", clip.SampleRate, tt.spec.sampleRate)
			}
			if !slices.Equal(clip.Samples, tt.want) {
				t.Errorf("Samples = %v, want %v", clip.Samples, tt.want)
			}
		})
	}
}

func TestDecodeFloatClamped(t *testing.T) {
	nan := float32Bytes(0)
	nan[3] = 0x7F
	nan[2] = 0xC0
	data := append(float32Bytes(1.5, -2, 0.5), nan...)
	spec := wavSpec{tag: tagIEEEFloat, channels: 1, sampleRate: 8000, bits: 32, data: data}
	clip, err := Decode(bytes.NewReader(buildWAV(spec)), "loud.wav")
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{1, -1, 0.5, 0}; !slices.Equal(clip.Samples, want) {
		t.Errorf("Samples = %v, want %v", clip.Samples, want)
	}
	want := []string{"clamped 2 float samples to [-1, 1]", "replaced 1 NaN samples with 0"}
	if !slices.Equal(clip.Notes, want) {
		t.Errorf("Notes = %q, want %q", clip.Notes, want)
	}
}

func TestMonoDownmix(t *testing.T) {
	clip := &Clip{Samples: []float32{0.5, -0.5, 1, 0, 0.25, 0.75}, Channels: 2, SampleRate: 8000}
	if got, want := clip.Mono(), []float32{0, 0.5, 0.5}; !slices.Equal(got, want) {
		t.Errorf("Mono() = %v, want %v", got, want)
	}
	if got := clip.Frames(); got != 3 {
		t.Errorf("Frames() = %d, want 3", got)
	}

	three := Downmix(nil, []float32{0.25, 0.5, 0.75, 1, 1, 1}, 3)
	if want := []float32{0.5, 1}; !slices.Equal(three, want) {
		t.Errorf("Downmix of 3 channels = %v, want %v", three, want)
	}
}

// badInputs are files that Decode must reject, shared with FuzzDecode.
func badInputs() []struct {
	name    string
	file    []byte
	kind    error
	message string
} {
	pcm16 := func(channels, rate int, data []byte) []byte {
		return buildWAV(wavSpec{tag: tagPCM, channels: channels, sampleRate: rate, bits: 16, data: data})
	}
	good := pcm16(1, 8000, int16Bytes(1, 2, 3, 4))

	// A data chunk that declares 9000 bytes in a short file.
	tooLong := bytes.Clone(good)
	copy(tooLong[40:44], []byte{0x28, 0x23, 0, 0})

	// An MPEG-1 layer III frame header after an ID3v2 tag, as MP3 files start.
	alaw := buildWAV(wavSpec{tag: tagALaw, channels: 1, sampleRate: 8000, bits: 8, data: []byte{1}})
	float64WAV := buildWAV(wavSpec{tag: tagIEEEFloat, channels: 1, sampleRate: 8000, bits: 64})
	mp3 := []byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64")

	return []struct {
		name    string
		file    []byte
		kind    error
		message string
	}{
		{"empty", nil, ErrNotWAV, "decode wav empty.wav: empty file (0 bytes)"},
		{"mp3", mp3, ErrNotWAV, "decode wav mp3.wav: file is an MP3 stream, not a WAV file"},
		{"mp3 without tag", []byte{0xff, 0xfb, 0x90, 0x64, 0, 0}, ErrNotWAV,
			"decode wav mp3 without tag.wav: file is an MP3 stream, not a WAV file"},
		{"text", []byte("hello, world"), ErrNotWAV,
			`decode wav text.wav: starts with "hell", expected RIFF`},
		{"truncated header", good[:7], ErrMalformed,
			"decode wav truncated header.wav: truncated RIFF header: 7 bytes, " +
				"expected at least 12"},
		{"truncated fmt", good[:30], ErrMalformed,
			`decode wav truncated fmt.wav: "fmt " chunk of 16 bytes runs past the end ` +
				`of the file (30 bytes)`},
		{"data past end", tooLong, ErrMalformed,
			`decode wav data past end.wav: "data" chunk of 9000 bytes runs past the end ` +
				`of the file (52 bytes)`},
		{"zero channels", pcm16(0, 8000, nil), ErrMalformed,
			"decode wav zero channels.wav: fmt chunk declares 0 channels, expected at least 1"},
		{"zero sample rate", pcm16(1, 0, int16Bytes(1)), ErrMalformed,
			"decode wav zero sample rate.wav: fmt chunk declares a sample rate of 0 Hz"},
		{"partial frame", pcm16(2, 8000, []byte{1, 2, 3, 4, 5, 6, 7}), ErrMalformed,
			"decode wav partial frame.wav: data chunk of 7 bytes is not a whole number of " +
				"4-byte frames (2 channels of 16 bits)"},
		{"alaw", alaw, ErrUnsupported,
			"decode wav alaw.wav: A-law and µ-law samples (format tag 6) not supported, " +
				"expected PCM or IEEE float"},
		{"float64", float64WAV, ErrUnsupported,
			"decode wav float64.wav: 64-bit float samples not supported, expected 32"},
		{"no data", good[:36], ErrMalformed, "decode wav no data.wav: no data chunk found"},
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, tt := range badInputs() {
		t.Run(tt.name, func(t *testing.T) {
			clip, err := Decode(bytes.NewReader(tt.file), tt.name+".wav")
			if err == nil {
				t.Fatalf("Decode returned %d samples, want an error", len(clip.Samples))
			}
			if !errors.Is(err, tt.kind) {
				t.Errorf("error %q does not wrap %q", err, tt.kind)
			}
			if err.Error() != tt.message {
				t.Errorf("error = %q\nwant    %q", err, tt.message)
			}
		})
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile("testdata/missing.wav")
	if err == nil || !strings.Contains(err.Error(), "decode wav testdata/missing.wav") {
		t.Errorf("error = %v, want one naming testdata/missing.wav", err)
	}
}
