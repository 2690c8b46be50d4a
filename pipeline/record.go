package pipeline

import "encoding/json"

// SchemaVersion is the value of every record's "schema" field.
const SchemaVersion = 1

// Record is one output line: the prediction and explanations for one input
// unit, or the error that kept the unit from being processed.
type Record struct {
	Source      string
	Index       int
	TimestampMs *float64 // start of the frame or audio window; nil for still images
	DurationMs  *float64 // length of the audio clip or window; nil for images
	Model       ModelInfo
	Prediction  *Prediction // nil for an error record
	Probs       []float32   // probability per class, in class order
	// Landmarks is written as it is: a JSON array with one entry per hand
	// or pose, or nil for null.
	Landmarks json.RawMessage
	Saliency  *Map
	GradCAM   *Map
	Notes     []string // changes made to the input: resampled, padded, inverted
	Err       string   // empty unless the unit failed

	// Attachment is Decoded.Attachment of the unit, for Config.Observe; it
	// is not written.
	Attachment any
}

// ModelInfo identifies the model that produced a record. The zero value,
// for a run without a model (landmarks only), is written as null.
type ModelInfo struct {
	Name   string
	SHA256 string // hex digest of the weights file
}

// Prediction is the most probable class of a unit.
type Prediction struct {
	Class int
	Label string
	Score float32 // softmax probability of Class
}

// Map is one explanation map of a unit.
type Map struct {
	Layer  string // the layer explained; "input" for saliency
	Target int    // the class whose logit is explained
	Shape  []int  // [H, W]
	Values []float32
}
