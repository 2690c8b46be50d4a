package tables

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/parquet-go/parquet-go"

	"pipeline/spectro"
)

// sampleRows returns n feature rows with distinct values: every third row
// has no label and no speaker, and odd rows have notes.
func sampleRows(n int) []FeatureRow {
	params := NewFeatureParams(LogMel, "torchaudio", spectro.Torchaudio(8000))
	rows := make([]FeatureRow, n)
	for i := range rows {
		bins, frames := 3, 2+i%4
		values := make([]float32, bins*frames)
		for j := range values {
			values[j] = float32(i) + float32(j)/8 - 40
		}
		rows[i] = FeatureRow{
			Source:        filepath.Join("clips", string(rune('a'+i%26))+".wav"),
			SampleRate:    8000,
			DurationMs:    250 + float64(i),
			Feature:       LogMel,
			FeatureParams: params,
			Shape:         []int32{int32(bins), int32(frames)},
			Values:        values,
			Notes:         []string{},
		}
		if i%3 != 0 {
			rows[i].Label = ptr(int32(i % 10))
			rows[i].Speaker = ptr("speaker" + string(rune('A'+i%5)))
		}
		if i%2 == 1 {
			rows[i].Notes = []string{"note one", "note two"}
		}
	}
	return rows
}

func writeRows(t *testing.T, path string, options Options, rows []FeatureRow) {
	t.Helper()
	w, err := Create[FeatureRow](path, options)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Write(rows...); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

// folderNames lists the names in dir, hidden temporary files included.
func folderNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriterRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	want := sampleRows(10)
	writeRows(t, path, Options{}, want)

	got, err := parquet.ReadFile[FeatureRow](path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if names := folderNames(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("folder holds %q, want only features.parquet", names)
	}
}

func TestWriterRowGroupLimits(t *testing.T) {
	tests := []struct {
		name      string
		options   Options
		rows      int
		wantSizes []int64
	}{
		{"one group by default", Options{}, 10, []int64{10}},
		{"row limit", Options{RowGroupRows: 4}, 10, []int64{4, 4, 2}},
		{"row limit divides rows", Options{RowGroupRows: 5}, 10, []int64{5, 5}},
		// Each row buffers more than 1 byte, so every row ends its group.
		{"byte limit", Options{RowGroupBytes: 1}, 3, []int64{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "features.parquet")
			writeRows(t, path, tt.options, sampleRows(tt.rows))

			file := openFile(t, path)
			var sizes []int64
			for _, group := range file.RowGroups() {
				sizes = append(sizes, group.NumRows())
			}
			if !reflect.DeepEqual(sizes, tt.wantSizes) {
				t.Errorf("row group sizes %v, want %v", sizes, tt.wantSizes)
			}
		})
	}
}

func openFile(t *testing.T, path string) *parquet.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	file, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return file
}

func TestWriterZeroRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.parquet")
	writeRows(t, path, Options{}, nil)

	file := openFile(t, path)
	if n := file.NumRows(); n != 0 {
		t.Errorf("file has %d rows, want 0", n)
	}
	want := parquet.SchemaOf(FeatureRow{}).String()
	if got := file.Schema().String(); got != want {
		t.Errorf("schema of the empty file:\n%s\nwant\n%s", got, want)
	}
}

func TestWriterCloseWithoutCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "features.parquet")
	w, err := Create[FeatureRow](path, Options{RowGroupRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRows(5)...); err != nil {
		t.Fatal(err)
	}
	if names := folderNames(t, dir); len(names) != 1 {
		t.Fatalf("folder holds %q while writing, want one temporary file", names)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if names := folderNames(t, dir); len(names) != 0 {
		t.Errorf("folder holds %q after Close without Commit, want nothing", names)
	}
}

func TestWriterKeepsOldFileUntilCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	writeRows(t, path, Options{}, sampleRows(2))
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	w, err := Create[FeatureRow](path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRows(7)...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	now, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(now) != string(old) {
		t.Error("an uncommitted writer changed the file at its path")
	}
}

func TestWriterClosedErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	w, err := Create[FeatureRow](path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(sampleRows(1)...); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Commit: %v, want ErrClosed", err)
	}
	if err := w.Commit(); !errors.Is(err, ErrClosed) {
		t.Errorf("second Commit: %v, want ErrClosed", err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("Close after Commit: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Close after Commit removed the file: %v", err)
	}
}

func TestCreateMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "features.parquet")
	if _, err := Create[FeatureRow](path, Options{}); err == nil {
		t.Error("Create in a missing folder succeeded")
	}
}

func TestWriterMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	options := Options{Metadata: map[string]string{"pipeline.schema": "features/1"}}
	writeRows(t, path, options, sampleRows(1))

	value, ok := openFile(t, path).Lookup("pipeline.schema")
	if !ok || value != "features/1" {
		t.Errorf("metadata pipeline.schema = %q, %v; want features/1", value, ok)
	}
}
