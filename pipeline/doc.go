// Package pipeline streams input units through a model and out as JSONL
// records: sources → decode → batch → infer and explain → encode → sink.
//
// Each stage is a goroutine (decode and encode run several) joined to the
// next by a bounded channel, so a slow sink holds back the sources rather
// than letting memory grow. Every send selects on the context, and the
// goroutine that owns a channel closes it. Records leave in input order,
// and every input unit becomes exactly one record: a prediction, an error
// that names the input, or, for keypoint sources, the keypoints found with
// no prediction (no model, or no hand in the frame). Cancelling the context stops the sources and
// writes the lines already encoded, each one whole.
//
// A Source yields Inputs, whose Decode turns the raw unit into the model's
// input tensor, so new kinds of input (audio windows, video frames) plug in
// as new sources with their own timestamps and notes. The record format is
// Record, written down as JSON Schema in docs/record.schema.json.
package pipeline
