package tables

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/snappy"

	"pipeline/internal/atomicfile"
)

// DefaultRowGroupBytes is the buffered size at which a Writer ends a row
// group when Options.RowGroupBytes is 0.
const DefaultRowGroupBytes = 8 << 20

// Options configure a Writer. The zero value is ready to use.
type Options struct {
	// RowGroupBytes ends a row group once parquet-go's estimate of its
	// buffered size (Writer.Size) grows by this many bytes. It bounds the
	// memory a Writer holds; 0 means DefaultRowGroupBytes.
	RowGroupBytes int64

	// RowGroupRows ends a row group after this many rows; 0 means no limit
	// other than RowGroupBytes.
	RowGroupRows int64

	// Metadata is stored as key-value pairs in the file footer.
	Metadata map[string]string
}

// ErrClosed is returned by the methods of a Writer after Commit or Close.
var ErrClosed = errors.New("tables: writer closed")

// Writer streams rows of the struct type T into a Parquet file whose
// schema parquet-go derives from T's `parquet` struct tags. Rows are kept
// in memory only until their row group is full. The file appears at its
// path when Commit succeeds; Close without Commit removes it. A Writer is
// not safe for concurrent use.
type Writer[T any] struct {
	file    *atomicfile.File
	parquet *parquet.GenericWriter[T]
	options Options

	rows         int64 // rows written in all row groups
	groupRows    int64 // rows buffered in the current row group
	flushedBytes int64 // estimated file size at the end of the last row group
	err          error // first write error; the file is then discarded
	closed       bool
}

// Create starts writing a Parquet file at path. The folder must exist.
func Create[T any](path string, options Options) (*Writer[T], error) {
	if options.RowGroupBytes <= 0 {
		options.RowGroupBytes = DefaultRowGroupBytes
	}
	file, err := atomicfile.Create(path)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	writer := parquet.NewGenericWriter[T](file,
		// pyarrow (data_page_version="1.0") writes version 1 data pages by
		// default, and some readers, Snowflake among them, reject version 2.
		parquet.DataPageVersion(1),
		parquet.Compression(&snappy.Codec{}),
	)
	for _, key := range slices.Sorted(maps.Keys(options.Metadata)) {
		writer.SetKeyValueMetadata(key, options.Metadata[key])
	}
	return &Writer[T]{file: file, parquet: writer, options: options}, nil
}

// Path returns the final path of the file.
func (w *Writer[T]) Path() string { return w.file.Path() }

// Rows returns the number of rows written so far.
func (w *Writer[T]) Rows() int64 { return w.rows }

// Write appends rows to the file, ending the current row group when it
// reaches the limits of Options. After an error the Writer only accepts
// Close.
func (w *Writer[T]) Write(rows ...T) error {
	if err := w.usable(); err != nil {
		return err
	}
	for i := range rows {
		if _, err := w.parquet.Write(rows[i : i+1]); err != nil {
			return w.fail(fmt.Errorf("tables: write row %d of %s: %w", w.rows, w.file.Path(), err))
		}
		w.rows++
		w.groupRows++
		if w.groupFull() {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *Writer[T]) groupFull() bool {
	if w.options.RowGroupRows > 0 && w.groupRows >= w.options.RowGroupRows {
		return true
	}
	return w.parquet.Size()-w.flushedBytes >= w.options.RowGroupBytes
}

// Flush ends the current row group and writes it to the file. It does
// nothing when no rows are buffered.
func (w *Writer[T]) Flush() error {
	if err := w.usable(); err != nil {
		return err
	}
	if w.groupRows == 0 {
		return nil
	}
	if err := w.parquet.Flush(); err != nil {
		return w.fail(fmt.Errorf("tables: write row group to %s: %w", w.file.Path(), err))
	}
	w.groupRows = 0
	w.flushedBytes = w.parquet.Size()
	return nil
}

// Commit writes the last row group and the footer and moves the file to
// its path, replacing any file there. A Writer without rows makes a valid
// file with the schema and no row groups.
func (w *Writer[T]) Commit() error {
	if err := w.usable(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := w.parquet.Close(); err != nil {
		return w.fail(fmt.Errorf("tables: finish %s: %w", w.file.Path(), err))
	}
	w.closed = true
	return w.file.Commit()
}

// Close removes the temporary file unless Commit succeeded. It may be
// called more than once, so `defer w.Close()` is safe after Commit.
func (w *Writer[T]) Close() error {
	w.closed = true
	return w.file.Close()
}

func (w *Writer[T]) usable() error {
	switch {
	case w.err != nil:
		return w.err
	case w.closed:
		return ErrClosed
	}
	return nil
}

// fail records err so that later calls return it and the file is never
// committed.
func (w *Writer[T]) fail(err error) error {
	w.err = err
	return err
}
