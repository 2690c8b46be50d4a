package checkpoint

import (
	"errors"
	"fmt"
)

// Tensor is a dense float32 array stored in row-major order. A scalar has
// an empty Shape and one element.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NumElements returns the product of the dimensions in t.Shape, or -1 when
// a dimension is negative or the product overflows int.
func (t Tensor) NumElements() int {
	n, ok := numElements(t.Shape)
	if !ok {
		return -1
	}
	return n
}

// numElements multiplies the dimensions in shape and reports false when
// one is negative or the product overflows int64 or int.
func numElements(shape []int) (int, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d != 0 && n > maxInt/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	return int(n), true
}

const maxInt = int64(^uint(0) >> 1)

var (
	// ErrFormat is matched by every error about malformed or unsupported
	// file content, as opposed to I/O errors.
	ErrFormat = errors.New("checkpoint: invalid format")

	// ErrLegacyPTH is returned for files written by torch.save before
	// PyTorch 1.6 or with _use_new_zipfile_serialization=False.
	ErrLegacyPTH = errors.New("legacy (pre-1.6, non-zip) torch.save format not " +
		"supported; re-save with torch.save(..., _use_new_zipfile_serialization=True)")

	// ErrTorchScript is returned for archives written by torch.jit.save.
	ErrTorchScript = errors.New("file is a TorchScript archive (torch.jit.save), " +
		"not a state_dict; save model.state_dict() with torch.save instead")

	// ErrWholeModel is matched by WholeModelError.
	ErrWholeModel = errors.New("file holds a whole pickled model, not a state_dict")
)

// WholeModelError reports a .pth file that pickles a model object instead
// of its state_dict. Class is the Python class, such as __main__.LeNet5.
type WholeModelError struct {
	Class string
}

func (e *WholeModelError) Error() string {
	return fmt.Sprintf("file holds a whole pickled model (%s), not a state_dict; "+
		"save model.state_dict() instead", e.Class)
}

// Is reports whether target is ErrWholeModel or ErrFormat.
func (e *WholeModelError) Is(target error) bool {
	return target == ErrWholeModel || target == ErrFormat
}

// formatError marks a message about malformed content so that it matches
// ErrFormat without repeating that text.
type formatError struct {
	err error
}

func (e formatError) Error() string   { return e.err.Error() }
func (e formatError) Unwrap() []error { return []error{ErrFormat, e.err} }

// formatErrorf formats a formatError; %w verbs wrap as in fmt.Errorf.
func formatErrorf(format string, args ...any) error {
	return formatError{fmt.Errorf(format, args...)}
}

// fileError prefixes err with the package name, the operation and the file.
func fileError(op, name string, err error) error {
	return fmt.Errorf("checkpoint: %s %s: %w", op, name, err)
}
