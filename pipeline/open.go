package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrUnusableSource is matched by the errors of OpenSource for a path that
// does not exist or cannot be read at all.
var ErrUnusableSource = errors.New("unusable source")

// unusableError is an OpenSource error: it prints the path once, and
// matches both ErrUnusableSource and the underlying error.
type unusableError struct {
	path string
	err  error
}

func (e *unusableError) Error() string {
	reason := e.err
	var pathErr *fs.PathError
	if errors.As(reason, &pathErr) && pathErr.Path == e.path {
		reason = pathErr.Err
	}
	return fmt.Sprintf("pipeline: source %s: %v", e.path, reason)
}

func (e *unusableError) Unwrap() []error { return []error{ErrUnusableSource, e.err} }

// OpenSource opens path as a source, choosing the kind by what it is:
//   - a folder: its PNG and JPEG images, other files skipped;
//   - a file named *.png, *.jpg or *.jpeg: one digit image;
//   - any other file: MNIST IDX images, gzip-compressed or raw, detected
//     from the content. A file that is not IDX (an HTML page saved as .gz,
//     a wrong magic number) becomes one error record.
func OpenSource(path string) (Source, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, &unusableError{path, err}
	}
	if info.IsDir() {
		return OpenImageFolder(path)
	}
	extension := strings.ToLower(filepath.Ext(path))
	if slices.Contains([]string{".png", ".jpg", ".jpeg"}, extension) {
		return NewImageFile(path), nil
	}
	return OpenIDX(path)
}
