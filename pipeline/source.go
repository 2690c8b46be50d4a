package pipeline

import (
	"context"
	"encoding/json"

	"pipeline/models"
)

// Input is one input unit as a source yields it: an image, a video frame
// or an audio window, not yet turned into a model input.
type Input struct {
	Source      string
	Index       int      // 0-based position inside the source
	TimestampMs *float64 // start of the frame or window; nil for still images
	DurationMs  *float64 // length of the clip or window; nil for images
	Notes       []string // notes known before decoding

	// Decode writes the input of the model that spec describes into dst
	// (spec.Input's C·H·W values, normalised as the model expects) and
	// returns notes on what it did to the input. Decode runs on a decode
	// worker, concurrently with other inputs' Decode and with the source's
	// Next, so sources leave the expensive work to it.
	Decode func(spec *models.Spec, dst []float32) (notes []string, err error)

	// DecodeUnit, when set, is called in place of Decode by sources whose
	// units carry landmarks or may have no model input (a frame without a
	// hand). spec and dst are nil when the engine runs without a model.
	// It runs on a decode worker as Decode does.
	DecodeUnit func(spec *models.Spec, dst []float32) (Decoded, error)

	// Err, when set, is why the unit could not be read; it names the input.
	// Decode is not called then.
	Err error
}

// Source yields the input units of one file, folder or device in order.
type Source interface {
	// Name identifies the source in records: a path, webcam:N or -.
	Name() string

	// Next returns the next input, or false after the last one. A source
	// that cannot go on (a truncated file) returns an Input carrying the
	// error, with the index where it broke, and then false.
	Next(ctx context.Context) (Input, bool)

	// Close releases the source. It may be called more than once.
	Close() error
}

// Decoded is the result of DecodeUnit for one unit.
type Decoded struct {
	Notes []string

	// Landmarks is written as the record's landmarks: a JSON array with one
	// entry per hand or pose (AppendLandmarks), or nil for null.
	Landmarks json.RawMessage

	// NoModelInput reports that dst was not filled, because the unit has
	// nothing for the model (no hand found). The unit then gets a record
	// without prediction, probabilities or maps, and no error.
	NoModelInput bool

	// Attachment is handed to Config.Observe in Record.Attachment and never
	// written: the decoded frame and its keypoints, for overlays.
	Attachment any
}
