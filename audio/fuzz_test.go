package audio

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// FuzzDecode checks that Decode never panics and that every result is
// either an error wrapping one of the sentinels or a consistent clip. The
// seeds are the committed FSDD clips, one file per encoding and the
// rejected inputs of TestDecodeRejects.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"testdata/0_george_0.wav", "testdata/7_jackson_12.wav"} {
		file, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(file)
	}
	for _, spec := range []wavSpec{
		{tag: tagPCM, channels: 2, sampleRate: 8000, bits: 8, data: []byte{1, 2, 3, 4, 5, 6}},
		{tag: tagPCM, channels: 1, sampleRate: 44100, bits: 24, data: int24Bytes(-1, 7)},
		{tag: tagIEEEFloat, extensible: true, channels: 1, sampleRate: 8000, bits: 32,
			data: float32Bytes(0.5)},
	} {
		f.Add(buildWAV(spec))
	}
	for _, bad := range badInputs() {
		f.Add(bad.file)
	}

	f.Fuzz(func(t *testing.T, file []byte) {
		clip, err := Decode(bytes.NewReader(file), "fuzz.wav")
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		checkClip(t, clip, len(file))
	})
}

func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var decodeErr *DecodeError
	if !errors.As(err, &decodeErr) {
		t.Fatalf("error %q is not a *DecodeError", err)
	}
	kinds := []error{ErrNotWAV, ErrMalformed, ErrUnsupported}
	for _, kind := range kinds {
		if errors.Is(err, kind) {
			return
		}
	}
	t.Fatalf("error %q wraps none of the sentinel errors", err)
}

func checkClip(t *testing.T, clip *Clip, fileSize int) {
	t.Helper()
	if clip.Channels < 1 || clip.SampleRate < 1 {
		t.Fatalf("clip has %d channels at %d Hz", clip.Channels, clip.SampleRate)
	}
	if len(clip.Samples)%clip.Channels != 0 {
		t.Fatalf("%d samples are not whole frames of %d channels",
			len(clip.Samples), clip.Channels)
	}
	if len(clip.Samples) > fileSize {
		t.Fatalf("%d samples from a file of %d bytes", len(clip.Samples), fileSize)
	}
	for i, v := range clip.Samples {
		if !(v >= -1 && v <= 1) {
			t.Fatalf("sample %d = %v, outside [-1, 1]", i, v)
		}
	}
}
