package audio

import "errors"

// Sentinel errors that a DecodeError wraps, for callers that branch on the
// kind of failure with errors.Is.
var (
	// ErrNotWAV means the input is not a RIFF/WAVE file at all: it is empty,
	// an MP3 stream or some other format.
	ErrNotWAV = errors.New("not a wav file")

	// ErrMalformed means the input starts as a WAV file but its header or
	// chunks are broken: truncated, sizes past the end of the file,
	// impossible fields.
	ErrMalformed = errors.New("malformed wav file")

	// ErrUnsupported means the file is a valid WAV file in an encoding this
	// package does not decode, such as A-law or 64-bit float.
	ErrUnsupported = errors.New("unsupported wav encoding")
)

// DecodeError describes why one input could not be decoded.
type DecodeError struct {
	Name   string // file name or other label of the input
	Kind   error  // ErrNotWAV, ErrMalformed or ErrUnsupported
	Detail string // description of the value found and the value expected
}

func (e *DecodeError) Error() string {
	return "decode wav " + e.Name + ": " + e.Detail
}

// Unwrap returns the sentinel error, so errors.Is(err, ErrMalformed) works.
func (e *DecodeError) Unwrap() error { return e.Kind }
