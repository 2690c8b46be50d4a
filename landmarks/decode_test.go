package landmarks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pipeline/internal/icc"
	"pipeline/internal/shareddata"
	"pipeline/video"
)

// rgbBytes returns img's pixels as packed RGB.
func rgbBytes(img *image.RGBA) []byte {
	out := make([]byte, 0, len(img.Pix)/4*3)
	for i := 0; i < len(img.Pix); i += 4 {
		out = append(out, img.Pix[i:i+3]...)
	}
	return out
}

// TestDecodeMatchesChromium compares DecodeImage with the pixels that
// headless Chromium shows for the ten sample photos
// (testdata/chromium/sign-digits, made by tools/oracle/chromium_pixels.js).
// The photo without an ICC profile must match exactly. The nine Display P3
// photos may differ by one level in at most 1.5% of their samples
// (measured: 0.5–0.9%). Chromium converts them to sRGB with its own
// arithmetic (Skia, 32-bit floats), so values near a rounding boundary
// can land on the other side.
func TestDecodeMatchesChromium(t *testing.T) {
	goldens, err := filepath.Glob("testdata/chromium/sign-digits/*/*.png")
	if err != nil || len(goldens) != 10 {
		t.Fatalf("found %d golden images, expected 10 (%v)", len(goldens), err)
	}
	for _, golden := range goldens {
		path := strings.TrimSuffix(strings.Replace(golden, "chromium/", "", 1), ".png")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := DecodeImage(path, data)
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(golden)
		if err != nil {
			t.Fatal(err)
		}
		want, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want.Bounds() != ours.Bounds() {
			t.Fatalf("%s: size %v, Chromium %v", path, ours.Bounds(), want.Bounds())
		}
		wantRGB := rgbBytes(newRGBImage(want).toRGBA())
		differ := 0
		for i, v := range rgbBytes(ours) {
			d := int(v) - int(wantRGB[i])
			if d < -1 || d > 1 {
				t.Fatalf("%s: sample %d is %d, Chromium %d", path, i, v, wantRGB[i])
			}
			if d != 0 {
				differ++
			}
		}
		share := float64(differ) / float64(len(wantRGB))
		withProfile := icc.JPEGProfile(data) != nil
		t.Logf("%s: %.2f%% of samples one level off (ICC profile: %v)", path, 100*share, withProfile)
		if !withProfile && differ > 0 {
			t.Errorf("%s has no ICC profile, but %d samples differ from Chromium", path, differ)
		}
		if share > 0.015 {
			t.Errorf("%s: %.2f%% of samples differ from Chromium, expected at most 1.5%%",
				path, 100*share)
		}
	}
}

// TestDecodeMatchesImageSource checks that DecodeImage, used by preprocess
// and training, and the image source of video, used by run, give the same
// pixels for the sample photos, which have no EXIF orientation.
func TestDecodeMatchesImageSource(t *testing.T) {
	paths, err := filepath.Glob("testdata/sign-digits/*/*")
	if err != nil || len(paths) != 10 {
		t.Fatalf("found %d sample photos, expected 10 (%v)", len(paths), err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		decoded, err := DecodeImage(path, data)
		if err != nil {
			t.Fatal(err)
		}
		source, err := video.OpenImages(path)
		if err != nil {
			t.Fatal(err)
		}
		frame, err := source.Next()
		source.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(frame.RGB, rgbBytes(decoded)) {
			t.Errorf("%s: the image source's pixels differ from DecodeImage's", path)
		}
	}
}

// TestDecodeMatchesChromiumOnPeople checks that DecodeImage gives exactly
// Chromium's pixels for the people photos that carry no ICC profile or an
// sRGB one (18 of 20). testdata/chromium-pixels-people.json holds the
// SHA-256 of Chromium's pixels as packed RGB. The other two carry a
// gamma-2.2 camera profile, which Chromium converts with the rounding
// described at TestDecodeMatchesChromium. About 2.7% of their samples come
// out one level lower than here, so they are not compared.
func TestDecodeMatchesChromiumOnPeople(t *testing.T) {
	root := filepath.Dir(filepath.Dir(shareddata.Path(t, "people/video.avi")))
	data, err := os.ReadFile("testdata/chromium-pixels-people.json")
	if err != nil {
		t.Fatal(err)
	}
	var goldens []struct {
		File   string `json:"file"`
		SHA256 string `json:"sha256"`
	}
	if err := json.Unmarshal(data, &goldens); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, golden := range goldens {
		path := filepath.Join(root, golden.File)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if profile := icc.JPEGProfile(data); profile != nil {
			if transform, err := icc.Parse(profile); err == nil && !transform.IsSRGB() {
				continue
			}
		}
		img, err := DecodeImage(path, data)
		if err != nil {
			t.Fatal(err)
		}
		compared++
		sum := sha256.Sum256(rgbBytes(img))
		if got := hex.EncodeToString(sum[:]); got != golden.SHA256 {
			t.Errorf("%s: pixels differ from Chromium's (SHA-256 %s, Chromium %s)",
				golden.File, got, golden.SHA256)
		}
	}
	if compared != 18 {
		t.Errorf("compared %d photos, expected 18", compared)
	}
}

// FuzzDecodeImage feeds DecodeImage corrupt and cut sample photos: it
// must return an error or an image of the size that the file declares,
// and never panic.
func FuzzDecodeImage(f *testing.F) {
	paths, _ := filepath.Glob("testdata/sign-digits/*/*")
	for _, path := range paths[:2] {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte("not an image"))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := DecodeImage("fuzz", data)
		if err != nil {
			return
		}
		config, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("DecodeImage succeeded on a file whose header does not decode: %v", err)
		}
		if img.Bounds().Dx() != config.Width || img.Bounds().Dy() != config.Height {
			t.Fatalf("decoded %v, header says %d×%d", img.Bounds(), config.Width, config.Height)
		}
	})
}
