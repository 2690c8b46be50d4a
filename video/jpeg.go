package video

import (
	"bytes"
	"encoding/binary"
)

// isJPEG reports whether data starts with a JPEG start-of-image marker.
func isJPEG(data []byte) bool {
	return len(data) >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF
}

// jpegComplete reports whether the JPEG in data reaches its end-of-image
// marker after the first scan. It walks the marker segments up to the first
// start-of-scan (SOS). Entropy-coded data after it stuffs every 0xFF byte
// as 0xFF00, so the next 0xFFD9 is the end-of-image marker. An EXIF
// thumbnail's end-of-image marker comes before the SOS and does not count.
func jpegComplete(data []byte) bool {
	at := 2
	for at+4 <= len(data) {
		if data[at] != 0xFF {
			return false
		}
		marker := data[at+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			at++
			continue
		case marker == 0x01 || marker >= 0xD0 && marker <= 0xD7: // no length
			at += 2
			continue
		}
		length := int(data[at+2])<<8 | int(data[at+3])
		if marker == 0xDA { // SOS
			scan := min(at+2+length, len(data))
			return bytes.Contains(data[scan:], []byte{0xFF, 0xD9})
		}
		at += 2 + length
	}
	return false
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
	for at := 2; at+4 <= len(data) && data[at] == 0xFF; {
		marker := data[at+1]
		length := int(data[at+2])<<8 | int(data[at+3])
		if marker == 0xDA || at+2+length > len(data) { // SOS: no more headers
			return nil
		}
		segment := data[at+4 : at+2+length]
		if marker == 0xE1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			return segment[6:]
		}
		at += 2 + length
	}
	return nil
}
