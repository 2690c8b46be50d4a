package speech

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Recording is what an FSDD file name, {digit}_{speaker}_{index}.wav, gives.
type Recording struct {
	Path    string
	Digit   int
	Speaker string
	Index   int
}

// Test reports whether the recording is in the official test split:
// indices 0 to 4 of every speaker and digit, as the data set's authors
// define it.
func (r Recording) Test() bool { return r.Index <= 4 }

// ParseName reads digit, speaker and index from an FSDD file name.
func ParseName(path string) (Recording, bool) {
	base := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	parts := strings.Split(base, "_")
	if len(parts) != 3 {
		return Recording{}, false
	}
	digit, err1 := strconv.Atoi(parts[0])
	index, err2 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || digit < 0 || digit > 9 || index < 0 || parts[1] == "" {
		return Recording{}, false
	}
	return Recording{Path: path, Digit: digit, Speaker: parts[1], Index: index}, true
}

// ListRecordings returns the FSDD recordings of a folder in byte order of
// names. Other files are ignored; a folder without recordings is an error.
func ListRecordings(dir string) ([]Recording, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var list []Recording
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
			continue
		}
		if r, ok := ParseName(filepath.Join(dir, e.Name())); ok {
			list = append(list, r)
		}
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("no FSDD recordings ({digit}_{speaker}_{index}.wav) in %s", dir)
	}
	slices.SortFunc(list, func(a, b Recording) int { return strings.Compare(a.Path, b.Path) })
	return list, nil
}
