package audio

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// chunk is a RIFF chunk inside the file: its body starts at offset and
// holds size bytes, the size as declared, without the pad byte.
type chunk struct {
	offset, size int
}

// riffChunks holds the two chunks a WAV file needs.
type riffChunks struct {
	format, data chunk
}

const riffHeaderSize = 12 // "RIFF", the RIFF size, "WAVE"

// findChunks checks the RIFF/WAVE header of file and locates its fmt and
// data chunks. Chunks with odd sizes are followed by a pad byte, which is
// skipped. Bytes after the data chunk that do not form a whole chunk, and
// a RIFF size that disagrees with the file length, are tolerated because
// common writers produce both.
func findChunks(name string, file []byte) (riffChunks, error) {
	if err := checkRIFFHeader(name, file); err != nil {
		return riffChunks{}, err
	}

	var found riffChunks
	var haveFormat, haveData bool
	offset := riffHeaderSize
	for offset < len(file) && !(haveFormat && haveData) {
		if len(file)-offset < 8 {
			return found, malformed(name, "chunk header at byte %d is truncated: "+
				"%d bytes left, expected 8", offset, len(file)-offset)
		}
		id := string(file[offset : offset+4])
		size := int(binary.LittleEndian.Uint32(file[offset+4 : offset+8]))
		body := chunk{offset: offset + 8, size: size}
		if size > len(file)-body.offset {
			return found, malformed(name, "%s chunk of %d bytes runs past the end "+
				"of the file (%d bytes)", quoteID(id), size, len(file))
		}

		switch id {
		case "fmt ":
			found.format, haveFormat = body, true
		case "data":
			found.data, haveData = body, true
		}
		offset = body.offset + size + size%2
	}

	if !haveFormat {
		return found, malformed(name, "no fmt chunk found")
	}
	if !haveData {
		return found, malformed(name, "no data chunk found")
	}
	return found, nil
}

// checkRIFFHeader checks the 12-byte RIFF/WAVE header and names the format
// of inputs that are not WAV files.
func checkRIFFHeader(name string, file []byte) error {
	switch {
	case len(file) == 0:
		return notWAV(name, "empty file (0 bytes)")
	case isMP3(file):
		return notWAV(name, "file is an MP3 stream, not a WAV file")
	case bytes.HasPrefix(file, []byte("RIFX")), bytes.HasPrefix(file, []byte("RF64")):
		return unsupported(name, "%s container not supported, expected RIFF",
			quoteID(string(file[:4])))
	case len(file) < riffHeaderSize && bytes.HasPrefix([]byte("RIFF"), file[:min(4, len(file))]):
		return malformed(name, "truncated RIFF header: %d bytes, expected at least %d",
			len(file), riffHeaderSize)
	case !bytes.HasPrefix(file, []byte("RIFF")):
		return notWAV(name, "starts with %s, expected RIFF", quoteID(string(file[:min(4, len(file))])))
	case string(file[8:12]) != "WAVE":
		return notWAV(name, "RIFF form type is %s, expected WAVE", quoteID(string(file[8:12])))
	}
	return nil
}

// isMP3 reports whether file starts with an ID3v2 tag or an MPEG audio
// frame sync (11 set bits, layer bits not zero).
func isMP3(file []byte) bool {
	if bytes.HasPrefix(file, []byte("ID3")) {
		return true
	}
	return len(file) >= 2 && file[0] == 0xFF && file[1]&0xE0 == 0xE0 && file[1]&0x06 != 0
}

// quoteID quotes a four-character code, escaping bytes that do not print.
func quoteID(id string) string {
	return fmt.Sprintf("%q", id)
}

func notWAV(name, format string, args ...any) error {
	return &DecodeError{Name: name, Kind: ErrNotWAV, Detail: fmt.Sprintf(format, args...)}
}

func malformed(name, format string, args ...any) error {
	return &DecodeError{Name: name, Kind: ErrMalformed, Detail: fmt.Sprintf(format, args...)}
}

func unsupported(name, format string, args ...any) error {
	return &DecodeError{Name: name, Kind: ErrUnsupported, Detail: fmt.Sprintf(format, args...)}
}
