package tables

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	arrowparquet "github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// The tests in this file read the files back with Apache Arrow's Go
// Parquet reader (arrow-go v18.9.0), a reader independent of parquet-go.

// openArrow opens path with Arrow's low-level reader and its Arrow reader.
func openArrow(t *testing.T, path string) (*file.Reader, *pqarrow.FileReader) {
	t.Helper()
	reader, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatalf("arrow: open %s: %v", path, err)
	}
	t.Cleanup(func() { reader.Close() })
	arrowReader, err := pqarrow.NewFileReader(reader, pqarrow.ArrowReadProperties{},
		memory.DefaultAllocator)
	if err != nil {
		t.Fatalf("arrow: read %s: %v", path, err)
	}
	return reader, arrowReader
}

func TestArrowParquetSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	writeRows(t, path, Options{}, sampleRows(3))
	reader, _ := openArrow(t, path)
	fileSchema := reader.MetaData().Schema

	for i := range fileSchema.NumColumns() {
		column := fileSchema.Column(i)
		if column.PhysicalType() == arrowparquet.Types.Int96 {
			t.Errorf("column %s is INT96", column.Path())
		}
	}
	for _, name := range []string{"shape", "values", "notes"} {
		checkThreeLevelList(t, fileSchema, name)
	}
}

// checkThreeLevelList checks the standard LIST layout: a group annotated
// LIST containing one repeated group "list", which contains one field
// "element".
func checkThreeLevelList(t *testing.T, fileSchema *schema.Schema, name string) {
	t.Helper()
	index := fileSchema.Root().FieldIndexByName(name)
	if index < 0 {
		t.Fatalf("no column %s", name)
	}
	outer, ok := fileSchema.Root().Field(index).(*schema.GroupNode)
	if !ok {
		t.Fatalf("%s is not a group", name)
	}
	if _, ok := outer.LogicalType().(schema.ListLogicalType); !ok {
		t.Errorf("%s has logical type %v, want LIST", name, outer.LogicalType())
	}
	if outer.NumFields() != 1 {
		t.Fatalf("%s has %d fields, want 1", name, outer.NumFields())
	}
	middle, ok := outer.Field(0).(*schema.GroupNode)
	if !ok || middle.Name() != "list" ||
		middle.RepetitionType() != arrowparquet.Repetitions.Repeated {
		t.Fatalf("%s.%s is not a repeated group named list", name, outer.Field(0).Name())
	}
	if middle.NumFields() != 1 || middle.Field(0).Name() != "element" {
		t.Errorf("%s.list does not contain exactly one field named element", name)
	}
}

func TestArrowSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	writeRows(t, path, Options{}, sampleRows(3))
	_, arrowReader := openArrow(t, path)
	got, err := arrowReader.Schema()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		typ      string
		nullable bool
	}{
		{"source", "utf8", false},
		{"label", "int32", true},
		{"speaker", "utf8", true},
		{"sample_rate", "int32", false},
		{"duration_ms", "float64", false},
		{"feature", "utf8", false},
		{"n_fft", "int32", false},
		{"center", "bool", false},
		{"top_db", "float64", true},
		{"n_mfcc", "int32", true},
		{"shape", "list<element: int32>", false},
		{"values", "list<element: float32>", false},
		{"notes", "list<element: utf8>", false},
	}
	for _, tt := range tests {
		fields, ok := got.FieldsByName(tt.name)
		if !ok {
			t.Errorf("arrow schema has no field %s", tt.name)
			continue
		}
		if typ := fields[0].Type.String(); typ != tt.typ {
			t.Errorf("field %s has type %s, want %s", tt.name, typ, tt.typ)
		}
		if fields[0].Nullable != tt.nullable {
			t.Errorf("field %s nullable %v, want %v", tt.name, fields[0].Nullable, tt.nullable)
		}
	}
}

func TestArrowReadsValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "features.parquet")
	want := sampleRows(10)
	writeRows(t, path, Options{RowGroupRows: 4}, want)
	_, arrowReader := openArrow(t, path)
	table, err := arrowReader.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()

	if table.NumRows() != int64(len(want)) {
		t.Fatalf("arrow read %d rows, want %d", table.NumRows(), len(want))
	}
	got := rowsFromArrow(t, table)
	for i := range want {
		if !reflect.DeepEqual(got[i], arrowComparable(want[i])) {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", i, got[i], arrowComparable(want[i]))
		}
	}
}

func TestArrowZeroRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.parquet")
	writeRows(t, path, Options{}, nil)
	_, arrowReader := openArrow(t, path)
	table, err := arrowReader.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer table.Release()

	if table.NumRows() != 0 {
		t.Errorf("arrow read %d rows, want 0", table.NumRows())
	}
	wantColumns := len(reflect.VisibleFields(reflect.TypeFor[FeatureParams]())) + 9
	if int(table.NumCols()) != wantColumns {
		t.Errorf("arrow read %d columns, want %d", table.NumCols(), wantColumns)
	}
}

// arrowRow holds the columns of a FeatureRow that rowsFromArrow reads, as
// printable values: nulls are "null".
type arrowRow struct {
	Source, Label, Speaker string
	SampleRate             int32
	DurationMs             float64
	Feature, TopDB, NMFCC  string
	Shape                  []int32
	Values                 []float32
	Notes                  []string
}

func arrowComparable(r FeatureRow) arrowRow {
	return arrowRow{
		Source: r.Source, Label: printNullable(r.Label), Speaker: printNullable(r.Speaker),
		SampleRate: r.SampleRate, DurationMs: r.DurationMs, Feature: r.Feature,
		TopDB: printNullable(r.TopDB), NMFCC: printNullable(r.NMFCC),
		Shape: r.Shape, Values: r.Values, Notes: r.Notes,
	}
}

func printNullable[T any](v *T) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprint(*v)
}

func rowsFromArrow(t *testing.T, table arrow.Table) []arrowRow {
	t.Helper()
	source := column[*array.String](t, table, "source")
	label := column[*array.Int32](t, table, "label")
	speaker := column[*array.String](t, table, "speaker")
	sampleRate := column[*array.Int32](t, table, "sample_rate")
	duration := column[*array.Float64](t, table, "duration_ms")
	feature := column[*array.String](t, table, "feature")
	topDB := column[*array.Float64](t, table, "top_db")
	nMFCC := column[*array.Int32](t, table, "n_mfcc")
	shape := column[*array.List](t, table, "shape")
	values := column[*array.List](t, table, "values")
	notes := column[*array.List](t, table, "notes")

	rows := make([]arrowRow, table.NumRows())
	for i := range rows {
		rows[i] = arrowRow{
			Source: source.Value(i), Label: printArrow(label, i),
			Speaker: printArrow(speaker, i), SampleRate: sampleRate.Value(i),
			DurationMs: duration.Value(i), Feature: feature.Value(i),
			TopDB: printArrow(topDB, i), NMFCC: printArrow(nMFCC, i),
			Shape:  listValues[*array.Int32](t, shape, i).Int32Values(),
			Values: listValues[*array.Float32](t, values, i).Float32Values(),
		}
		noteValues := listValues[*array.String](t, notes, i)
		rows[i].Notes = make([]string, noteValues.Len())
		for j := range rows[i].Notes {
			rows[i].Notes[j] = noteValues.Value(j)
		}
	}
	return rows
}

// column returns the named column of table as one array of type A.
func column[A arrow.Array](t *testing.T, table arrow.Table, name string) A {
	t.Helper()
	indices := table.Schema().FieldIndices(name)
	if len(indices) != 1 {
		t.Fatalf("arrow table has %d columns named %s", len(indices), name)
	}
	chunks := table.Column(indices[0]).Data().Chunks()
	joined, err := array.Concatenate(chunks, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	typed, ok := joined.(A)
	if !ok {
		t.Fatalf("column %s is %T", name, joined)
	}
	return typed
}

// listValues returns the elements of list i.
func listValues[A arrow.Array](t *testing.T, lists *array.List, i int) A {
	t.Helper()
	start, end := lists.ValueOffsets(i)
	slice := array.NewSlice(lists.ListValues(), start, end)
	typed, ok := slice.(A)
	if !ok {
		t.Fatalf("list elements are %T", slice)
	}
	return typed
}

func printArrow(a interface {
	arrow.Array
	ValueStr(int) string
}, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	return a.ValueStr(i)
}
