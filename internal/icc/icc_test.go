package icc

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"strings"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestInvert3(t *testing.T) {
	m := [3][3]float64{{2, 0, 1}, {1, 3, 0}, {0, 1, 4}}
	product := multiply3(m, invert3(m))
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if !near(product[i][j], want, 1e-12) {
				t.Fatalf("m·m⁻¹ = %v, expected the identity", product)
			}
		}
	}
}

// p3Photo is a committed sample photo that carries Apple's Display P3
// profile.
const p3Photo = "../../landmarks/testdata/sign-digits/0/IMG_4543.JPG"

// readP3Profile returns the photo's bytes and its ICC profile.
func readP3Profile(tb testing.TB) (data, profile []byte) {
	tb.Helper()
	data, err := os.ReadFile(p3Photo)
	if err != nil {
		tb.Fatal(err)
	}
	profile = JPEGProfile(data)
	if profile == nil {
		tb.Fatal("no ICC profile found")
	}
	return data, profile
}

func TestDisplayP3ProfileConvertsToSRGB(t *testing.T) {
	// One of the sample photos carries Apple's Display P3 profile. Pure
	// P3 red is outside sRGB and clips to (255, 0, 0). P3 white stays
	// white, and a mid grey stays grey, because both spaces share the sRGB
	// tone curve and the D65 white.
	_, profile := readP3Profile(t)
	transform, err := Parse(profile)
	if err != nil {
		t.Fatal(err)
	}
	pix := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	transform.Apply(pix)
	want := []uint8{255, 0, 0, 255, 255, 255, 128, 128, 128}
	for i := range want {
		if math.Abs(float64(pix[i])-float64(want[i])) > 1 {
			t.Fatalf("converted %v, expected %v within 1", pix, want)
		}
	}
}

// srgbCurveTag returns a 'para' tag of type 3 holding the sRGB curve.
func srgbCurveTag() []byte {
	return paraTag(3, 2.4, 1/1.055, 0.055/1.055, 1/12.92, 0.04045)
}

// paraTag returns a 'para' tag of the given function type with the
// parameters g, a, b, c, d, e, f (as many as the type takes) stored as
// s15Fixed16 numbers.
func paraTag(kind uint16, params ...float64) []byte {
	tag := make([]byte, 12+4*len(params))
	copy(tag, "para")
	binary.BigEndian.PutUint16(tag[8:], kind)
	for i, v := range params {
		fixed := int32(math.Round(v * 65536))
		binary.BigEndian.PutUint32(tag[12+4*i:], uint32(fixed))
	}
	return tag
}

// curvTag returns a 'curv' tag with the given entries: none for the
// identity, one for a gamma in u8Fixed8 (256 is gamma 1), or a table of
// samples where 65535 is 1.
func curvTag(entries ...uint16) []byte {
	tag := make([]byte, 12+2*len(entries))
	copy(tag, "curv")
	binary.BigEndian.PutUint32(tag[8:], uint32(len(entries)))
	for i, v := range entries {
		binary.BigEndian.PutUint16(tag[12+2*i:], v)
	}
	return tag
}

// replaceTag returns a copy of profile whose tag table entry for
// signature points at data, appended at the end on a 4-byte boundary.
// The old tag data stays in place, because other entries may share it.
func replaceTag(t testing.TB, profile []byte, signature string, data []byte) []byte {
	t.Helper()
	out := append([]byte(nil), profile...)
	for len(out)%4 != 0 {
		out = append(out, 0)
	}
	offset := len(out)
	out = append(out, data...)
	binary.BigEndian.PutUint32(out[0:], uint32(len(out))) // profile size
	count := int(binary.BigEndian.Uint32(out[128:]))
	for i := 0; i < count; i++ {
		entry := out[132+12*i:]
		if string(entry[:4]) == signature {
			binary.BigEndian.PutUint32(entry[4:], uint32(offset))
			binary.BigEndian.PutUint32(entry[8:], uint32(len(data)))
			return out
		}
	}
	t.Fatalf("tag %q not found in the profile", signature)
	return nil
}

// jpegWithProfile returns a JPEG file containing only the start of image,
// one APP2 segment with the whole profile, and the end of image.
func jpegWithProfile(profile []byte) []byte {
	body := append([]byte("ICC_PROFILE\x00\x01\x01"), profile...)
	data := []byte{0xFF, 0xD8, 0xFF, 0xE2, 0, 0}
	binary.BigEndian.PutUint16(data[4:], uint16(2+len(body)))
	data = append(data, body...)
	return append(data, 0xFF, 0xD9)
}

func TestValidateCurve(t *testing.T) {
	cases := []struct {
		name  string
		tag   []byte
		error string // substring of the expected error, or "" when valid
	}{
		{"negative gamma", paraTag(0, -2.2), "not finite"},
		{"para gamma 0", paraTag(0, 0), "does not rise"},
		{"curv gamma 0", curvTag(0), "does not rise"},
		{"type 1 with a = 0", paraTag(1, 2.2, 0, 0), "does not rise"},
		{"type 2 above 1", paraTag(2, 1, 1, 0, 0.5), "outside [0, 1]"},
		{"decreasing table", curvTag(65535, 32768, 0), "decreases"},
		{"table with a dip", curvTag(0, 40000, 30000, 65535), "decreases"},
		{"table with a rounding dip", curvTag(0, 30001, 30000, 65535), ""},
		{"sRGB", srgbCurveTag(), ""},
		{"identity curv", curvTag(), ""},
		{"curv gamma 2.2", curvTag(563), ""},
		{"rising table", curvTag(0, 1000, 30000, 65535), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			curve, err := parseCurve(tc.tag)
			if err != nil {
				t.Fatalf("parseCurve: %v", err)
			}
			err = validateCurve("red", curve)
			if tc.error == "" {
				if err != nil {
					t.Errorf("validateCurve rejected a valid curve: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("validateCurve accepted the curve, expected an error containing %q", tc.error)
			}
			if !strings.Contains(err.Error(), tc.error) {
				t.Errorf("error %q does not contain %q", err, tc.error)
			}
			if !strings.HasPrefix(err.Error(), "icc: red tone curve ") {
				t.Errorf("error %q does not name the red tone curve", err)
			}
		})
	}
}

func TestParseRejectsNegativeGamma(t *testing.T) {
	_, profile := readP3Profile(t)
	bad := replaceTag(t, profile, "rTRC", paraTag(0, -2.2))
	if _, err := Parse(bad); err == nil {
		t.Error("Parse accepted a profile whose red tone curve has gamma -2.2")
	} else if !strings.Contains(err.Error(), "red tone curve") {
		t.Errorf("Parse error %q does not name the red tone curve", err)
	}

	// The same profile with its own curve still converts, so the check
	// below fails if ConvertJPEG stops converting a synthetic JPEG at all.
	pix := []uint8{0, 255, 0}
	if !ConvertJPEG(jpegWithProfile(profile), pix) {
		t.Fatal("a JPEG containing only the Display P3 profile was not converted")
	}
	pix = []uint8{255, 0, 0, 0, 255, 0, 10, 20, 30}
	if ConvertJPEG(jpegWithProfile(bad), pix) {
		t.Error("a JPEG whose profile has a gamma -2.2 red curve was converted")
	}
	want := []uint8{255, 0, 0, 0, 255, 0, 10, 20, 30}
	if !bytes.Equal(pix, want) {
		t.Errorf("pixels changed to %v, expected %v", pix, want)
	}
}

func TestParametricCurveType3(t *testing.T) {
	// The sRGB curve: g 2.4, a 1/1.055, b 0.055/1.055, c 1/12.92,
	// d 0.04045; 0.5 encodes 0.21404 linear.
	curve, err := parseCurve(srgbCurveTag())
	if err != nil {
		t.Fatal(err)
	}
	if got := curve(0.5); !near(got, 0.21404, 1e-4) {
		t.Errorf("curve(0.5) = %g, expected 0.21404", got)
	}
	if got := curve(0.02); !near(got, 0.02/12.92, 1e-5) {
		t.Errorf("curve(0.02) = %g, expected %g", got, 0.02/12.92)
	}
}

func TestIsSRGB(t *testing.T) {
	curve, err := parseCurve(srgbCurveTag())
	if err != nil {
		t.Fatal(err)
	}
	identity := [3][3]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	srgb := &Transform{curves: [3]toneCurve{curve, curve, curve}, matrix: identity}
	if !srgb.IsSRGB() {
		t.Error("the sRGB curve with the identity matrix is not taken as sRGB")
	}
	gamma := &Transform{curves: [3]toneCurve{
		func(v float64) float64 { return math.Pow(v, 2.2) }, curve, curve}, matrix: identity}
	if gamma.IsSRGB() {
		t.Error("a gamma 2.2 red curve is taken as sRGB")
	}
	wide := &Transform{curves: srgb.curves, matrix: identity}
	wide.matrix[0][1] = 0.01
	if wide.IsSRGB() {
		t.Error("a matrix 0.01 off the identity is taken as sRGB")
	}
}

func TestConvertJPEG(t *testing.T) {
	data, _ := readP3Profile(t)
	// Pure P3 green lies outside sRGB and clips to sRGB green.
	pix := []uint8{0, 255, 0}
	if !ConvertJPEG(data, pix) {
		t.Fatal("the Display P3 photo was not converted")
	}
	if pix[0] != 0 || pix[1] != 255 || pix[2] > 1 {
		t.Errorf("P3 green converted to %v, expected (0, 255, 0)", pix)
	}
	if ConvertJPEG([]byte{0xFF, 0xD8, 0xFF, 0xD9}, pix) {
		t.Error("a JPEG without a profile was converted")
	}
}

// FuzzConvertJPEG feeds JPEGProfile, Parse and Apply corrupt files and
// profiles: they must reject or convert them without panicking. A
// profile that Parse accepts must have tone curves in [0, 1] and a finite
// matrix, so that Apply never rounds NaN or infinity to a pixel.
func FuzzConvertJPEG(f *testing.F) {
	data, profile := readP3Profile(f)
	f.Add(data[:4096])
	f.Add(profile)
	for _, trc := range []string{"rTRC", "gTRC", "bTRC"} {
		f.Add(replaceTag(f, profile, trc, paraTag(0, -2.2)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pix := []uint8{0, 128, 255, 255, 128, 0}
		ConvertJPEG(data, pix)
		transform, err := Parse(data)
		if err != nil {
			return
		}
		checkTransformFinite(t, transform)
		// The 8 corners of the RGB cube, each channel 0 or 255.
		corners := make([]uint8, 0, 8*3)
		for i := 0; i < 8; i++ {
			for c := 0; c < 3; c++ {
				corners = append(corners, uint8(255*(i>>c&1)))
			}
		}
		transform.Apply(corners)
		transform.Apply(pix)
		transform.IsSRGB()
	})
}

// checkTransformFinite fails t unless every tone curve is finite and
// within [0, 1] (to 1e-6) at the 256 8-bit levels, and every matrix entry
// is finite. Together these keep each value that Apply rounds finite.
func checkTransformFinite(t *testing.T, transform *Transform) {
	t.Helper()
	for c, curve := range transform.curves {
		for v := 0; v < 256; v++ {
			y := curve(float64(v) / 255)
			if math.IsNaN(y) || math.IsInf(y, 0) || y < -1e-6 || y > 1+1e-6 {
				t.Fatalf("Parse accepted tone curve %d, which maps level %d to %g", c, v, y)
			}
		}
	}
	for i, row := range transform.matrix {
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("Parse accepted matrix entry (%d, %d) = %g", i, j, v)
			}
		}
	}
}
