package tables

import (
	"context"
	"flag"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"pipeline/audio"
	"pipeline/spectro"
)

var parquetFile = flag.String("parquet", "",
	"feature file that TestArrowFeatureFile reads with Arrow's Go reader")

// TestArrowFeatureFile checks a file written by `pipeline preprocess`:
//
//	go test ./tables -run ArrowFeatureFile -v -args -parquet /tmp/fsdd.parquet
//
// It reads every row with Arrow's Go reader, checks the layout and that
// each shape matches its values, and recomputes the features of the first
// rows from their WAV files with the parameters in their columns.
func TestArrowFeatureFile(t *testing.T) {
	if *parquetFile == "" {
		t.Skip("no file to check: pass -args -parquet FILE")
	}
	reader, arrowReader := openArrow(t, *parquetFile)
	schema, err := arrowReader.Schema()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d rows in %d row groups", *parquetFile, reader.NumRows(),
		reader.NumRowGroups())
	for _, field := range schema.Fields() {
		t.Logf("  %-12s %s, nullable %v", field.Name, field.Type, field.Nullable)
	}
	for _, name := range []string{"shape", "values", "notes"} {
		checkThreeLevelList(t, reader.MetaData().Schema, name)
	}

	table, err := arrowReader.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()
	rows := rowsFromArrow(t, table)
	for _, row := range rows {
		if len(row.Shape) != 2 || int(row.Shape[0]*row.Shape[1]) != len(row.Values) {
			t.Errorf("%s: shape %v for %d values", row.Source, row.Shape, len(row.Values))
		}
	}

	for i, row := range rows[:min(3, len(rows))] {
		t.Logf("row %d: %s label %s speaker %s shape %v values[:4] %v notes %q", i,
			row.Source, row.Label, row.Speaker, row.Shape, row.Values[:min(4, len(row.Values))],
			row.Notes)
		checkRecomputed(t, table, i, row)
	}
}

// checkRecomputed computes the features of row i again from its WAV file,
// with the preset, n_fft, hop_length, n_mels and n_mfcc of its columns,
// and compares them with the values Arrow read. Rows whose clip was
// resampled are not recomputed.
func checkRecomputed(t *testing.T, table arrow.Table, i int, row arrowRow) {
	t.Helper()
	clip, err := audio.ReadFile(row.Source)
	if err != nil {
		t.Logf("%s not recomputed: %v", row.Source, err)
		return
	}
	if clip.SampleRate != int(row.SampleRate) {
		t.Logf("%s not recomputed: resampled from %d Hz", row.Source, clip.SampleRate)
		return
	}
	preset := column[*array.String](t, table, "preset").Value(i)
	config, err := spectro.Preset(preset, clip.SampleRate)
	if err != nil {
		t.Fatal(err)
	}
	config.NFFT = int(column[*array.Int32](t, table, "n_fft").Value(i))
	config.HopLength = int(column[*array.Int32](t, table, "hop_length").Value(i))
	config.NMels = int(column[*array.Int32](t, table, "n_mels").Value(i))
	config.NMFCC = 0
	if row.NMFCC != "null" {
		if config.NMFCC, err = strconv.Atoi(row.NMFCC); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := spectro.NewPlan(config)
	if err != nil {
		t.Fatal(err)
	}

	logMel, mfcc := plan.Features(nil, nil, clip.Mono())
	want := logMel
	if row.Feature == MFCC {
		want = mfcc
	}
	if !slices.Equal(row.Values, want.Data) {
		t.Errorf("%s: values read by Arrow differ from the %s that spectro computes",
			row.Source, row.Feature)
	}
}
