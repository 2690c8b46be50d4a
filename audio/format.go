package audio

import (
	"bytes"
	"encoding/binary"
)

// Format tags of the fmt chunk (Microsoft mmreg.h).
const (
	tagPCM        = 0x0001
	tagIEEEFloat  = 0x0003
	tagALaw       = 0x0006
	tagMuLaw      = 0x0007
	tagMPEG       = 0x0050
	tagMPEGLayer3 = 0x0055
	tagExtensible = 0xFFFE
)

// subFormatSuffix is the part of a KSDATAFORMAT_SUBTYPE GUID after its
// first two bytes, which hold the format tag it stands for.
var subFormatSuffix = []byte{
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00,
	0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
}

// waveFormat is the content of the fmt chunk that decoding needs.
type waveFormat struct {
	tag           uint16 // tagPCM or tagIEEEFloat, after resolving extensible
	channels      int
	sampleRate    int
	blockAlign    int // bytes per frame
	bitsPerSample int // as declared; may be below the container size
}

// containerBits returns the bits each sample occupies in the file.
func (f waveFormat) containerBits() int {
	return 8 * f.blockAlign / f.channels
}

// parseFormat reads the fmt chunk body and checks that its fields describe
// samples this package can decode.
func parseFormat(name string, body []byte) (waveFormat, error) {
	if len(body) < 16 {
		return waveFormat{}, malformed(name, "fmt chunk of %d bytes is too short, "+
			"expected at least 16", len(body))
	}
	f := waveFormat{
		tag:           binary.LittleEndian.Uint16(body[0:2]),
		channels:      int(binary.LittleEndian.Uint16(body[2:4])),
		sampleRate:    int(binary.LittleEndian.Uint32(body[4:8])),
		blockAlign:    int(binary.LittleEndian.Uint16(body[12:14])),
		bitsPerSample: int(binary.LittleEndian.Uint16(body[14:16])),
	}
	if f.tag == tagExtensible {
		tag, err := extensibleSubFormat(name, body)
		if err != nil {
			return f, err
		}
		f.tag = tag
	}

	if err := checkFormatFields(name, f); err != nil {
		return f, err
	}
	return f, checkEncoding(name, f)
}

// extensibleSubFormat returns the format tag held in the sub-format GUID of
// a WAVE_FORMAT_EXTENSIBLE fmt chunk (40 bytes: 16 plain, cbSize, valid
// bits, channel mask, GUID).
func extensibleSubFormat(name string, body []byte) (uint16, error) {
	if len(body) < 40 {
		return 0, malformed(name, "extensible fmt chunk of %d bytes is too short, "+
			"expected at least 40", len(body))
	}
	guid := body[24:40]
	if !bytes.Equal(guid[2:], subFormatSuffix) {
		return 0, unsupported(name, "extensible sub-format GUID % x not supported, "+
			"expected PCM or IEEE float", guid)
	}
	return binary.LittleEndian.Uint16(guid[0:2]), nil
}

// Sample rates outside these bounds are rejected: resampling a few seconds
// declared at 1 Hz to 8 kHz would need gigabytes, and no recorder writes
// such rates. 768 kHz is the highest rate that common audio interfaces offer.
const (
	minSampleRate = 1000
	maxSampleRate = 768000
)

func checkFormatFields(name string, f waveFormat) error {
	switch {
	case f.channels == 0:
		return malformed(name, "fmt chunk declares 0 channels, expected at least 1")
	case f.sampleRate == 0:
		return malformed(name, "fmt chunk declares a sample rate of 0 Hz")
	case f.sampleRate < minSampleRate || f.sampleRate > maxSampleRate:
		return malformed(name, "fmt chunk declares a sample rate of %d Hz, expected %d "+
			"to %d Hz", f.sampleRate, minSampleRate, maxSampleRate)
	case f.bitsPerSample == 0:
		return malformed(name, "fmt chunk declares 0 bits per sample")
	}
	bytesPerSample := (f.bitsPerSample + 7) / 8
	if f.blockAlign != f.channels*bytesPerSample {
		return malformed(name, "block align of %d bytes does not match %d channels "+
			"of %d bits, expected %d", f.blockAlign, f.channels, f.bitsPerSample,
			f.channels*bytesPerSample)
	}
	return nil
}

// checkEncoding rejects the encodings that decoding does not handle.
func checkEncoding(name string, f waveFormat) error {
	bits := f.containerBits()
	switch f.tag {
	case tagPCM:
		if bits > 32 {
			return unsupported(name, "%d-bit integer samples not supported, "+
				"expected at most 32", bits)
		}
		return nil
	case tagIEEEFloat:
		if bits != 32 {
			return unsupported(name, "%d-bit float samples not supported, expected 32", bits)
		}
		return nil
	case tagALaw, tagMuLaw:
		return unsupported(name, "A-law and µ-law samples (format tag %d) not supported, "+
			"expected PCM or IEEE float", f.tag)
	case tagMPEG, tagMPEGLayer3:
		return unsupported(name, "MPEG audio in a WAV container (format tag %d) "+
			"not supported, expected PCM or IEEE float", f.tag)
	}
	return unsupported(name, "format tag %#04x not supported, expected PCM (1) "+
		"or IEEE float (3)", f.tag)
}
