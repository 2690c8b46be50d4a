package pipeline

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends r as one line of JSON, ending in '\n', to dst. Map
// values, probabilities and scores are rounded to 6 significant digits
// (strconv's 'g' format, trailing zeros dropped), and non-finite values
// are written as null. The encoder is written by hand because the maps
// dominate the cost of a line (1,568 numbers for two 28×28 maps).
func AppendJSON(dst []byte, r *Record) []byte {
	dst = append(dst, `{"schema":`...)
	dst = strconv.AppendInt(dst, SchemaVersion, 10)
	dst = append(dst, `,"source":`...)
	dst = appendString(dst, r.Source)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(r.Index), 10)
	dst = append(dst, `,"timestamp_ms":`...)
	dst = appendOptionalFloat(dst, r.TimestampMs)
	dst = append(dst, `,"duration_ms":`...)
	dst = appendOptionalFloat(dst, r.DurationMs)
	dst = append(dst, `,"model":`...)
	dst = appendModel(dst, r.Model)
	dst = append(dst, `,"prediction":`...)
	dst = appendPrediction(dst, r.Prediction)
	dst = append(dst, `,"probs":`...)
	dst = appendFloats(dst, r.Probs)
	dst = append(dst, `,"landmarks":`...)
	if r.Landmarks == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, r.Landmarks...)
	}
	dst = append(dst, `,"explain":{`...)
	dst = appendMaps(dst, r)
	dst = append(dst, `},"notes":`...)
	dst = appendStrings(dst, r.Notes)
	dst = append(dst, `,"error":`...)
	if r.Err == "" {
		dst = append(dst, "null"...)
	} else {
		dst = appendString(dst, r.Err)
	}
	return append(dst, "}\n"...)
}

func appendModel(dst []byte, m ModelInfo) []byte {
	if m == (ModelInfo{}) {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"name":`...)
	dst = appendString(dst, m.Name)
	dst = append(dst, `,"sha256":`...)
	dst = appendString(dst, m.SHA256)
	return append(dst, '}')
}

func appendPrediction(dst []byte, p *Prediction) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"class":`...)
	dst = strconv.AppendInt(dst, int64(p.Class), 10)
	dst = append(dst, `,"label":`...)
	dst = appendString(dst, p.Label)
	dst = append(dst, `,"score":`...)
	dst = appendFloat(dst, p.Score)
	return append(dst, '}')
}

func appendMaps(dst []byte, r *Record) []byte {
	if r.Saliency != nil {
		dst = append(dst, `"saliency":`...)
		dst = appendMap(dst, r.Saliency)
	}
	if r.GradCAM != nil {
		if r.Saliency != nil {
			dst = append(dst, ',')
		}
		dst = append(dst, `"gradcam":`...)
		dst = appendMap(dst, r.GradCAM)
	}
	return dst
}

func appendMap(dst []byte, m *Map) []byte {
	dst = append(dst, `{"layer":`...)
	dst = appendString(dst, m.Layer)
	dst = append(dst, `,"target":`...)
	dst = strconv.AppendInt(dst, int64(m.Target), 10)
	dst = append(dst, `,"shape":[`...)
	for i, d := range m.Shape {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendInt(dst, int64(d), 10)
	}
	dst = append(dst, `],"values":`...)
	dst = appendFloats(dst, m.Values)
	return append(dst, '}')
}

func appendFloats(dst []byte, values []float32) []byte {
	dst = append(dst, '[')
	for i, v := range values {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendFloat(dst, v)
	}
	return append(dst, ']')
}

func appendOptionalFloat(dst []byte, v *float64) []byte {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return append(dst, "null"...)
	}
	return strconv.AppendFloat(dst, *v, 'f', -1, 64)
}

func appendStrings(dst []byte, values []string) []byte {
	dst = append(dst, '[')
	for i, s := range values {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Control characters are escaped,
// invalid UTF-8 becomes U+FFFD, and U+2028 and U+2029 are escaped as
// encoding/json does, so that the line is safe to embed in JavaScript.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = appendEscapedByte(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, `\u202`...)
			dst = append(dst, hexDigits[r&0xf])
		default:
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

func appendEscapedByte(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, `\n`...)
	case '\r':
		return append(dst, `\r`...)
	case '\t':
		return append(dst, `\t`...)
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}
