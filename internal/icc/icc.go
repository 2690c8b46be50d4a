// Package icc converts the pixels of photos that embed an RGB matrix/TRC
// ICC profile (ICC.1:2010) into sRGB, as browsers do before they draw an
// image or upload it to WebGL.
package icc

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// A Transform converts RGB from a matrix/TRC ICC profile (ICC.1:2010,
// section F.3: three tone curves, then a 3×3 matrix into the D50 profile
// connection space) into sRGB. Photos from Apple devices carry such a
// profile (Display P3). Without the conversion their colours differ from
// what a browser shows, and so from what MediaPipe's web solutions see.
type Transform struct {
	curves [3]toneCurve
	matrix [3][3]float64 // linear source RGB → linear sRGB
}

// xyzToLinearSRGB maps D50 XYZ to linear sRGB: the inverse of the sRGB
// colorants as the sRGB ICC profile states them (D50-adapted with the
// Bradford transform).
var xyzToLinearSRGB = invert3([3][3]float64{
	{0.4360747, 0.3850649, 0.1430804},
	{0.2225045, 0.7168786, 0.0606169},
	{0.0139322, 0.0971045, 0.7141733},
})

var errNotMatrixTRC = errors.New("icc: not an RGB matrix/TRC profile")

// Parse reads the colorant and tone curve tags of an RGB display
// profile. It returns an error when a tone curve is not a usable display
// curve (see validateCurve), so that Apply never produces NaN.
func Parse(profile []byte) (*Transform, error) {
	if len(profile) < 132 || string(profile[36:40]) != "acsp" {
		return nil, errors.New("icc: missing profile header")
	}
	if string(profile[16:20]) != "RGB " {
		return nil, errNotMatrixTRC
	}
	tags := iccTags(profile)
	var colorants [3][3]float64 // columns: r, g, b
	t := &Transform{}
	channels := [3]string{"red", "green", "blue"}
	for c, name := range []string{"r", "g", "b"} {
		xyz, ok := tags[name+"XYZ"]
		if !ok || len(xyz) < 20 || string(xyz[:4]) != "XYZ " {
			return nil, errNotMatrixTRC
		}
		for k := 0; k < 3; k++ {
			colorants[k][c] = s15Fixed16(xyz[8+4*k:])
		}
		curve, err := parseCurve(tags[name+"TRC"])
		if err != nil {
			return nil, err
		}
		if err := validateCurve(channels[c], curve); err != nil {
			return nil, err
		}
		t.curves[c] = curve
	}
	t.matrix = multiply3(xyzToLinearSRGB, colorants)
	if err := validateMatrix(t.matrix); err != nil {
		return nil, err
	}
	return t, nil
}

// curveTolerance is how far a tone curve may stray outside [0, 1] before
// Parse rejects it. dipTolerance is how far it may fall from one 8-bit
// level to the next: a quarter of a level. So the rounding of a sampled
// 'curv' table passes, and a curve that really falls does not.
const (
	curveTolerance = 1e-6
	dipTolerance   = 0.25 / 255
)

// validateCurve rejects a tone curve that is not a usable display curve
// at the 256 8-bit levels v/255 that Apply evaluates. Each value must be
// finite and within [0, 1], no level may fall more than dipTolerance
// below the one before, and
// level 255 must map above level 0. Without this check, a negative gamma
// gives +Inf at level 0 and NaN after the matrix, and a gamma of 0 maps
// every level to 1.
func validateCurve(channel string, curve toneCurve) error {
	var values [256]float64
	for v := range values {
		y := curve(float64(v) / 255)
		switch {
		case math.IsNaN(y) || math.IsInf(y, 0):
			return fmt.Errorf("icc: %s tone curve is invalid: level %d maps to %g, which is not finite", channel, v, y)
		case y < -curveTolerance || y > 1+curveTolerance:
			return fmt.Errorf("icc: %s tone curve is invalid: level %d maps to %g, outside [0, 1]", channel, v, y)
		case v > 0 && y < values[v-1]-dipTolerance:
			return fmt.Errorf("icc: %s tone curve is invalid: it decreases from %g at level %d to %g at level %d",
				channel, values[v-1], v-1, y, v)
		}
		values[v] = y
	}
	if values[255]-values[0] <= 0 {
		return fmt.Errorf("icc: %s tone curve is invalid: it does not rise (%g at level 0, %g at level 255)",
			channel, values[0], values[255])
	}
	return nil
}

// validateMatrix rejects a source-to-sRGB matrix with an entry that is
// not finite. Colorants read from s15Fixed16 fields are always finite,
// so this guards Apply against a future colorant source that is not.
func validateMatrix(m [3][3]float64) error {
	for i, row := range m {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("icc: colorant matrix is invalid: entry (%d, %d) is %g, which is not finite", i, j, v)
			}
		}
	}
	return nil
}

// iccTags returns each tag's data by signature, skipping entries that
// point outside the profile.
func iccTags(profile []byte) map[string][]byte {
	count := int(binary.BigEndian.Uint32(profile[128:]))
	tags := map[string][]byte{}
	for i := 0; i < count && 132+12*i+12 <= len(profile); i++ {
		entry := profile[132+12*i:]
		offset := int(binary.BigEndian.Uint32(entry[4:]))
		size := int(binary.BigEndian.Uint32(entry[8:]))
		if offset < 0 || size < 0 || offset > len(profile)-size {
			continue
		}
		tags[string(entry[:4])] = profile[offset : offset+size]
	}
	return tags
}

func s15Fixed16(b []byte) float64 {
	return float64(int32(binary.BigEndian.Uint32(b))) / 65536
}

// toneCurve maps an encoded channel value in [0, 1] to linear light.
type toneCurve func(float64) float64

// parseCurve reads a 'curv' (identity, gamma or sampled table) or 'para'
// (parametric function types 0–4) tag.
func parseCurve(tag []byte) (toneCurve, error) {
	if len(tag) < 12 {
		return nil, errNotMatrixTRC
	}
	switch string(tag[:4]) {
	case "curv":
		return sampledCurve(tag)
	case "para":
		return parametricCurve(tag)
	}
	return nil, fmt.Errorf("icc: tone curve type %q not supported", tag[:4])
}

func sampledCurve(tag []byte) (toneCurve, error) {
	n := int(binary.BigEndian.Uint32(tag[8:]))
	if len(tag) < 12+2*n {
		return nil, errNotMatrixTRC
	}
	switch n {
	case 0:
		return func(v float64) float64 { return v }, nil
	case 1:
		gamma := float64(binary.BigEndian.Uint16(tag[12:])) / 256
		return func(v float64) float64 { return math.Pow(v, gamma) }, nil
	}
	table := make([]float64, n)
	for i := range table {
		table[i] = float64(binary.BigEndian.Uint16(tag[12+2*i:])) / 65535
	}
	return func(v float64) float64 {
		pos := v * float64(n-1)
		i := min(int(pos), n-2)
		frac := pos - float64(i)
		return table[i]*(1-frac) + table[i+1]*frac
	}, nil
}

// parametricCurve implements ICC.1 table 65: with parameters g, a, b, c,
// d, e, f, type 3 (used by sRGB and Display P3) is
//
//	Y = (aX + b)^g  for X ≥ d,   Y = cX  otherwise.
func parametricCurve(tag []byte) (toneCurve, error) {
	kind := binary.BigEndian.Uint16(tag[8:])
	counts := map[uint16]int{0: 1, 1: 3, 2: 4, 3: 5, 4: 7}
	n, ok := counts[kind]
	if !ok || len(tag) < 12+4*n {
		return nil, fmt.Errorf("icc: parametric curve type %d not supported", kind)
	}
	var p [7]float64
	for i := 0; i < n; i++ {
		p[i] = s15Fixed16(tag[12+4*i:])
	}
	g, a, b, c, d, e, f := p[0], p[1], p[2], p[3], p[4], p[5], p[6]
	power := func(x float64) float64 { return math.Pow(max(x, 0), g) }
	switch kind {
	case 0:
		return func(x float64) float64 { return power(x) }, nil
	case 1:
		return func(x float64) float64 {
			if x >= -b/a {
				return power(a*x + b)
			}
			return 0
		}, nil
	case 2:
		return func(x float64) float64 {
			if x >= -b/a {
				return power(a*x+b) + c
			}
			return c
		}, nil
	case 3:
		return func(x float64) float64 {
			if x >= d {
				return power(a*x + b)
			}
			return c * x
		}, nil
	}
	return func(x float64) float64 {
		if x >= d {
			return power(a*x+b) + e
		}
		return c*x + f
	}, nil
}

// Apply converts packed RGB pixels in place, rounding to 8 bits.
func (t *Transform) Apply(pix []uint8) {
	var linear [3][256]float64
	for c := 0; c < 3; c++ {
		for v := 0; v < 256; v++ {
			linear[c][v] = t.curves[c](float64(v) / 255)
		}
	}
	for i := 0; i+2 < len(pix); i += 3 {
		r, g, b := linear[0][pix[i]], linear[1][pix[i+1]], linear[2][pix[i+2]]
		for c := 0; c < 3; c++ {
			v := t.matrix[c][0]*r + t.matrix[c][1]*g + t.matrix[c][2]*b
			pix[i+c] = uint8(math.Round(encodeSRGB(v) * 255))
		}
	}
}

// IsSRGB reports whether the profile describes sRGB itself, to within
// what 8-bit pixels can show: every matrix entry within 0.001 of the
// identity, and every tone curve within 0.0005 of the sRGB curve at each
// 8-bit level. Photos often carry such a profile (IEC 61966-2.1), and
// Chromium leaves their pixels as they are; converting them would change a
// few samples by rounding.
func (t *Transform) IsSRGB() bool {
	for i, row := range t.matrix {
		for j, v := range row {
			identity := 0.0
			if i == j {
				identity = 1
			}
			if math.Abs(v-identity) > 0.001 {
				return false
			}
		}
	}
	for _, curve := range t.curves {
		for v := 0; v < 256; v++ {
			if math.Abs(curve(float64(v)/255)-decodeSRGB(float64(v)/255)) > 0.0005 {
				return false
			}
		}
	}
	return true
}

// decodeSRGB is the inverse of encodeSRGB: the linear value of an
// sRGB-encoded one in [0, 1].
func decodeSRGB(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// encodeSRGB applies the sRGB transfer function (IEC 61966-2-1) to a
// linear value, clamped to [0, 1].
func encodeSRGB(v float64) float64 {
	v = min(max(v, 0), 1)
	if v <= 0.0031308 {
		return 12.92 * v
	}
	return 1.055*math.Pow(v, 1/2.4) - 0.055
}

// JPEGProfile returns the ICC profile embedded in a JPEG file's APP2
// segments (ICC.1, annex B.4: "ICC_PROFILE\0", sequence number, count,
// then a chunk), or nil when there is none.
func JPEGProfile(data []byte) []byte {
	chunks := map[int][]byte{}
	total := 0
	for pos := 2; pos+4 <= len(data) && data[pos] == 0xFF; {
		marker := data[pos+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			break
		}
		size := int(binary.BigEndian.Uint16(data[pos+2:]))
		if size < 2 || pos+2+size > len(data) {
			break
		}
		body := data[pos+4 : pos+2+size]
		if marker == 0xE2 && len(body) > 14 && bytes.HasPrefix(body, []byte("ICC_PROFILE\x00")) {
			chunks[int(body[12])] = body[14:]
			total = int(body[13])
		}
		pos += 2 + size
	}
	if total == 0 || len(chunks) != total {
		return nil
	}
	var profile []byte
	for i := 1; i <= total; i++ {
		profile = append(profile, chunks[i]...)
	}
	return profile
}

func multiply3(a, b [3][3]float64) [3][3]float64 {
	var out [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

func invert3(m [3][3]float64) [3][3]float64 {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	var out [3][3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			// Cofactor of (j, i), from the rows and columns other than j and i.
			r0, r1 := (j+1)%3, (j+2)%3
			c0, c1 := (i+1)%3, (i+2)%3
			out[i][j] = (m[r0][c0]*m[r1][c1] - m[r0][c1]*m[r1][c0]) / det
		}
	}
	return out
}

// ConvertJPEG converts pix, the packed RGB pixels of the JPEG file data,
// to sRGB when the file embeds a matrix/TRC profile other than sRGB, and
// reports whether it did. Files without a profile, with an sRGB one, with
// one of another kind (lookup tables, CMYK), or with one whose tone curves
// Parse rejects are left as they are.
func ConvertJPEG(data, pix []uint8) bool {
	profile := JPEGProfile(data)
	if profile == nil {
		return false
	}
	transform, err := Parse(profile)
	if err != nil || transform.IsSRGB() {
		return false
	}
	transform.Apply(pix)
	return true
}
