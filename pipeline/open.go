package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrUnusableSource is matched by the errors of OpenSource for a path that
// does not exist or cannot be read at all.
var ErrUnusableSource = errors.New("unusable source")

// OpenSource opens path as a source, choosing the kind by what it is:
//   - a folder: its PNG and JPEG images, other files skipped;
//   - a file named *.png, *.jpg or *.jpeg: one digit image;
//   - any other file: MNIST IDX images, gzip-compressed or raw, detected
//     from the content. A file that is not IDX (an HTML page saved as .gz,
//     a wrong magic number) becomes one error record.
func OpenSource(path string) (Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("pipeline: source %s: %w: %w", path, ErrUnusableSource, err)
	}
	if info.IsDir() {
		source, err := OpenImageFolder(path)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrUnusableSource, err)
		}
		return source, nil
	}
	extension := strings.ToLower(filepath.Ext(path))
	if slices.Contains([]string{".png", ".jpg", ".jpeg"}, extension) {
		return NewImageFile(path), nil
	}
	source, err := OpenIDX(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnusableSource, err)
	}
	return source, nil
}
