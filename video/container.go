package video

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// sniffBytes is how much of each end of a file describeContainer reads:
// enough for AVI headers, and for MP4 metadata at either end of the file.
const sniffBytes = 1 << 20

// describeContainer describes the kind of file at path, and its video codec
// where the header shows it, for the error of a video that OpenCV cannot
// open. It reads only the headers, so the codec it names is the one the
// file declares.
func describeContainer(path string, size int64) string {
	if size == 0 {
		return "the file is empty"
	}
	head, tail, err := readEnds(path, size)
	if err != nil {
		return err.Error()
	}
	switch {
	case len(head) >= 12 && string(head[:4]) == "RIFF" && string(head[8:12]) == "AVI ":
		return withCodec("AVI file", aviCodec(head))
	case len(head) >= 8 && string(head[4:8]) == "ftyp":
		codec := mp4Codec(head)
		if codec == "" {
			codec = mp4Codec(tail)
		}
		return withCodec("MP4/QuickTime file", codec)
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return withCodec("Matroska/WebM file", "")
	}
	return "not a video container that this package recognises " +
		"(AVI, MP4/QuickTime, Matroska/WebM)"
}

// withCodec completes the description of a container whose video codec is
// codec ("" when unknown) with what to do about it.
func withCodec(container, codec string) string {
	if codec == "" {
		return container + " that is damaged or uses a codec missing from " +
			"OpenCV's FFmpeg; re-encode it (for example to H.264 or MJPEG)"
	}
	return fmt.Sprintf("%s with video codec %q, damaged or missing from OpenCV's "+
		"FFmpeg; re-encode it (for example to H.264 or MJPEG)", container, codec)
}

// readEnds returns the first and the last sniffBytes of the file.
func readEnds(path string, size int64) (head, tail []byte, err error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer file.Close()

	head = make([]byte, min(size, sniffBytes))
	if _, err := io.ReadFull(file, head); err != nil {
		return nil, nil, fmt.Errorf("read header: %w", err)
	}
	tail = make([]byte, min(size, sniffBytes))
	if _, err := file.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return nil, nil, fmt.Errorf("read end: %w", err)
	}
	return head, tail, nil
}

// aviCodec returns the compression FourCC of an AVI's first video stream:
// biCompression of the BITMAPINFOHEADER in the 'strf' chunk that follows
// the 'strh' chunk of type 'vids'.
func aviCodec(header []byte) string {
	video := indexAfterSize(header, "strh", "vids")
	if video < 0 {
		return ""
	}
	format := bytes.Index(header[video:], []byte("strf"))
	// 'strf', its size, then biSize, biWidth, biHeight, biPlanes and
	// biBitCount (16 bytes) come before biCompression.
	at := video + format + 8 + 16
	if format < 0 || at+4 > len(header) {
		return ""
	}
	return printable(header[at : at+4])
}

// indexAfterSize returns where the first chunk with that ID and data
// starting with fourCC begins, or -1. The chunk ID is followed by a 4-byte
// size, then by the data.
func indexAfterSize(data []byte, chunk, fourCC string) int {
	for from := 0; ; {
		i := bytes.Index(data[from:], []byte(chunk))
		if i < 0 {
			return -1
		}
		at := from + i
		if at+12 <= len(data) && string(data[at+8:at+12]) == fourCC {
			return at
		}
		from = at + 4
	}
}

// mp4Codec returns the type of the first sample entry of an MP4 'stsd' box
// (avc1, hvc1, mp4v, av01, …), or "" when data holds no such box.
func mp4Codec(data []byte) string {
	box := bytes.Index(data, []byte("stsd"))
	// 'stsd', version and flags, entry count and the entry's size come
	// before the entry's type.
	at := box + 4 + 4 + 4 + 4
	if box < 0 || at+4 > len(data) {
		return ""
	}
	return printable(data[at : at+4])
}

// printable returns fourCC as a string, or "" when it is not printable
// ASCII and so not a codec name.
func printable(fourCC []byte) string {
	for _, b := range fourCC {
		if b < 0x20 || b > 0x7E {
			return ""
		}
	}
	return string(fourCC)
}
