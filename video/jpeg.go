package video

import (
	"bytes"
	"encoding/binary"
)

// isJPEG reports whether data starts with a JPEG start-of-image marker.
func isJPEG(data []byte) bool {
	return len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF
}

// jpegSegments walks the marker segments of the JPEG in data, from after
// the start-of-image marker up to the first start-of-scan (SOS), and
// calls visit with each marker and its body (the bytes after the length
// field). Fill bytes (0xFF 0xFF) and markers without a length (TEM, RST0
// to RST7) are skipped. It stops early when visit returns false, and at
// anything that is not a marker or whose length runs past the data. It
// returns the offset of the SOS marker, or -1 when it found none.
func jpegSegments(data []byte, visit func(marker byte, body []byte) bool) int {
	at := 2
	for at+4 <= len(data) {
		if data[at] != 0xFF {
			return -1
		}
		marker := data[at+1]
		switch {
		case marker == 0xFF:
			at++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7:
			at += 2
			continue
		case marker == 0xDA:
			return at
		}
		length := int(data[at+2])<<8 | int(data[at+3])
		if length < 2 || at+2+length > len(data) {
			return -1
		}
		if !visit(marker, data[at+4:at+2+length]) {
			return -1
		}
		at += 2 + length
	}
	return -1
}

// jpegComplete reports whether the JPEG in data reaches its end-of-image
// marker after the first scan. Entropy-coded data after the SOS stuffs
// every 0xFF byte as 0xFF00, so the next 0xFFD9 is the end-of-image
// marker. An EXIF thumbnail's end-of-image marker comes before the SOS and
// does not count.
func jpegComplete(data []byte) bool {
	sos := jpegSegments(data, func(byte, []byte) bool { return true })
	if sos < 0 || sos+4 > len(data) {
		return false
	}
	length := int(data[sos+2])<<8 | int(data[sos+3])
	scan := min(sos+2+length, len(data))
	return bytes.Contains(data[scan:], []byte{0xFF, 0xD9})
}

// jpegSize returns the width and height in the JPEG's first start-of-frame
// segment, of any coding (baseline, progressive, lossless, arithmetic);
// ok is false when there is none. Go's image/jpeg reads only baseline and
// progressive headers, and OpenCV aborts the process on a header larger
// than it allows, so sizes are checked from here first.
func jpegSize(data []byte) (width, height int, ok bool) {
	jpegSegments(data, func(marker byte, body []byte) bool {
		// SOF0 to SOF15, except DHT (0xC4), JPG (0xC8) and DAC (0xCC).
		if marker < 0xC0 || marker > 0xCF || marker == 0xC4 || marker == 0xC8 ||
			marker == 0xCC {
			return true
		}
		if len(body) >= 5 {
			height = int(binary.BigEndian.Uint16(body[1:]))
			width = int(binary.BigEndian.Uint16(body[3:]))
			ok = true
		}
		return false
	})
	return width, height, ok
}

// bmpSize returns the width and height in a BMP file's header: the
// Windows BITMAPINFOHEADER and later, or the OS/2 BITMAPCOREHEADER. ok is
// false when data does not start like a BMP. A negative height, which
// marks a top-down bitmap, is returned as its magnitude.
func bmpSize(data []byte) (width, height int, ok bool) {
	if len(data) < 26 || data[0] != 'B' || data[1] != 'M' {
		return 0, 0, false
	}
	if binary.LittleEndian.Uint32(data[14:]) == 12 { // BITMAPCOREHEADER
		return int(binary.LittleEndian.Uint16(data[18:])),
			int(binary.LittleEndian.Uint16(data[20:])), true
	}
	w := int(int32(binary.LittleEndian.Uint32(data[18:])))
	h := int(int32(binary.LittleEndian.Uint32(data[22:])))
	return max(w, -w), max(h, -h), true
}

// jpegOrientation returns the EXIF Orientation tag (1 to 8) of the JPEG in
// data, or 0 when it has none. It reads IFD0 of the first APP1 segment that
// starts with "Exif\x00\x00", as TIFF 6.0 lays it out.
func jpegOrientation(data []byte) int {
	exif := jpegEXIF(data)
	if len(exif) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(exif[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(exif[4:]))
	if ifd+2 > len(exif) {
		return 0
	}
	entries := int(order.Uint16(exif[ifd:]))
	for i := 0; i < entries; i++ {
		entry := ifd + 2 + 12*i
		if entry+12 > len(exif) {
			return 0
		}
		// An entry is tag, type, count (2, 2, 4 bytes), then the value.
		if order.Uint16(exif[entry:]) == 0x0112 && order.Uint16(exif[entry+2:]) == 3 {
			return int(order.Uint16(exif[entry+8:]))
		}
	}
	return 0
}

// jpegEXIF returns the TIFF data of the JPEG's EXIF APP1 segment, or nil.
func jpegEXIF(data []byte) []byte {
	var exif []byte
	jpegSegments(data, func(marker byte, body []byte) bool {
		if marker == 0xE1 && bytes.HasPrefix(body, []byte("Exif\x00\x00")) {
			exif = body[6:]
			return false
		}
		return true
	})
	return exif
}
