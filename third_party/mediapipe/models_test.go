package mediapipe

import (
	"bufio"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLoadVerifiesEveryModel(t *testing.T) {
	for _, name := range Names() {
		data, err := Load(name)
		if name == PoseLandmarkHeavy && errors.Is(err, ErrNotEmbedded) {
			continue
		}
		if err != nil {
			t.Errorf("Load(%s): %v", name, err)
			continue
		}
		if string(data[4:8]) != "TFL3" {
			t.Errorf("%s: file identifier %q, expected TFL3", name, data[4:8])
		}
	}
}

func TestLoadRejectsUnknownName(t *testing.T) {
	if _, err := Load("nope.tflite"); err == nil {
		t.Fatal("Load(nope.tflite) returned no error")
	}
}

func TestVerifyNamesFileOnMismatch(t *testing.T) {
	err := verify(PalmDetectionLite, []byte("corrupt"), sha256Sums[PalmDetectionLite])
	if err == nil || !strings.Contains(err.Error(), PalmDetectionLite) {
		t.Fatalf("verify of corrupt data: error %v, expected one naming %s",
			err, PalmDetectionLite)
	}
}

// TestSumsMatchFile keeps the table in models.go and SHA256SUMS in step.
func TestSumsMatchFile(t *testing.T) {
	f, err := os.Open("SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := 0
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) != 2 {
			t.Fatalf("SHA256SUMS line %q: expected two fields", scanner.Text())
		}
		if want := sha256Sums[fields[1]]; want != fields[0] {
			t.Errorf("%s: SHA256SUMS has %s, models.go has %s", fields[1], fields[0], want)
		}
		seen++
	}
	if seen != len(sha256Sums) {
		t.Errorf("SHA256SUMS lists %d models, models.go %d", seen, len(sha256Sums))
	}
}
