package pipeline

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// TestRecordSchema validates lines of every kind, predictions with both
// maps, predictions without maps and error records, against
// docs/record.schema.json.
func TestRecordSchema(t *testing.T) {
	checker := loadSchema(t)
	noMaps := testConfig(t)
	noMaps.Explain.Saliency, noMaps.Explain.GradCAM = false, false
	signed := testConfig(t)
	signed.Explain.SaliencyMode = 1
	signed.Explain.GradCAMLayer = "conv2"
	signed.Explain.Target = 4

	cases := []struct {
		name string
		cfg  Config
	}{
		{"both maps", testConfig(t)},
		{"no maps", noMaps},
		{"signed saliency conv2 target 4", signed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			source := &fakeSource{name: "s", n: 4, readErrs: map[int]bool{1: true},
				decodeErrs: map[int]bool{2: true}}
			lines, _, err := runEngine(t, context.Background(), tc.cfg, SampleDigits(), source)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range lines {
				if err := checker.checkLine([]byte(line)); err != nil {
					t.Errorf("line %d: %v\n%.200s", i, err, line)
				}
			}
		})
	}
}

// TestSchemaCheckerRejects makes sure the checker can fail: each edit of a
// valid line breaks one rule of the schema.
func TestSchemaCheckerRejects(t *testing.T) {
	checker := loadSchema(t)
	lines, _, err := runEngine(t, context.Background(), testConfig(t), SampleDigits())
	if err != nil {
		t.Fatal(err)
	}
	valid := lines[0]
	cases := []struct{ name, old, new string }{
		{"wrong schema version", `"schema":1`, `"schema":2`},
		{"negative index", `"index":0`, `"index":-1`},
		{"extra field", `"schema":1`, `"schema":1,"extra":true`},
		{"error with prediction", `"error":null`, `"error":"broken"`},
		{"map without layer", `"saliency":{"layer":"input",`, `"saliency":{`},
		{"probability above 1", `"probs":[`, `"probs":[1.5,`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			line := strings.Replace(valid, tc.old, tc.new, 1)
			if line == valid {
				t.Fatalf("%q not found in the line", tc.old)
			}
			if err := checker.checkLine([]byte(line)); err == nil {
				t.Errorf("edited line passed the check")
			}
		})
	}
}

// jsonRecord mirrors the record format for encoding/json, to check the
// hand-written encoder against it.
type jsonRecord struct {
	Schema      int             `json:"schema"`
	Source      string          `json:"source"`
	Index       int             `json:"index"`
	TimestampMs *float64        `json:"timestamp_ms"`
	DurationMs  *float64        `json:"duration_ms"`
	Model       map[string]any  `json:"model"`
	Prediction  map[string]any  `json:"prediction"`
	Probs       []float64       `json:"probs"`
	Landmarks   json.RawMessage `json:"landmarks"`
	Explain     map[string]any  `json:"explain"`
	Notes       []string        `json:"notes"`
	Error       *string         `json:"error"`
}

func TestAppendJSONDecodes(t *testing.T) {
	timestamp, duration := 1234.5, 40.0
	r := Record{
		Source: "dir/\"odd\" name\t\u2028\xff.png", Index: 3,
		TimestampMs: &timestamp, DurationMs: &duration,
		Model:      ModelInfo{Name: "lenet5", SHA256: "abc"},
		Prediction: &Prediction{Class: 2, Label: "two", Score: 0.75},
		Probs:      []float32{0.125, 0.75, 0.125},
		Landmarks:  json.RawMessage(`[{"x":1}]`),
		Saliency: &Map{Layer: "input", Target: 2, Shape: []int{1, 3},
			Values: []float32{1.5e-7, float32(math.Copysign(0, -1)), 123456.78}},
		Notes: []string{"inverted", "line\nbreak"},
		Err:   "",
	}
	line := AppendJSON(nil, &r)
	if !strings.HasSuffix(string(line), "}\n") || strings.Count(string(line), "\n") != 1 {
		t.Fatalf("not one line: %q", line)
	}
	var got jsonRecord
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"source", got.Source, "dir/\"odd\" name\t\u2028\ufffd.png"},
		{"timestamp", *got.TimestampMs, 1234.5},
		{"label", got.Prediction["label"], "two"},
		{"probs", got.Probs, []float64{0.125, 0.75, 0.125}},
		{"landmarks", string(got.Landmarks), `[{"x":1}]`},
		{"values", got.Explain["saliency"].(map[string]any)["values"],
			[]any{1.5e-7, 0.0, 123457.0}},
		{"notes", got.Notes, []string{"inverted", "line\nbreak"}},
		{"error", got.Error, (*string)(nil)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

// BenchmarkAppendJSON encodes a record with two 28×28 maps by hand.
func BenchmarkAppendJSON(b *testing.B) {
	r := benchRecord()
	var line []byte
	b.ReportAllocs()
	for range b.N {
		line = AppendJSON(line[:0], &r)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkEncodingJSON encodes the same record with encoding/json, for
// comparison.
func BenchmarkEncodingJSON(b *testing.B) {
	r := benchRecord()
	mirror := jsonRecord{Source: r.Source, Probs: make([]float64, 10), Explain: map[string]any{
		"saliency": r.Saliency.Values, "gradcam": r.GradCAM.Values}}
	b.ReportAllocs()
	for range b.N {
		if _, err := json.Marshal(mirror); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func benchRecord() Record {
	values := func(seed float32) []float32 {
		v := make([]float32, 784)
		for i := range v {
			v[i] = float32(math.Sin(float64(seed*float32(i)))) * 0.01
		}
		return v
	}
	return Record{
		Source: "t10k-images-idx3-ubyte.gz", Index: 1234,
		Model:      ModelInfo{Name: "lenet5", SHA256: strings.Repeat("ab", 32)},
		Prediction: &Prediction{Class: 7, Label: "7", Score: 0.99},
		Probs:      make([]float32, 10),
		Saliency:   &Map{Layer: "input", Target: 7, Shape: []int{28, 28}, Values: values(1)},
		GradCAM:    &Map{Layer: "act2", Target: 7, Shape: []int{28, 28}, Values: values(2)},
	}
}
