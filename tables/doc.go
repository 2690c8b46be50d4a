// Package tables writes data sets as Parquet files that DuckDB, pandas
// (through pyarrow), Spark and Apache Arrow read.
//
// A Writer[T] streams rows of a Go struct type T into a file: rows are
// buffered into row groups of bounded size, so a data set never has to fit
// in memory, and the file appears under its final name only when Commit
// succeeds. Until then it is a hidden temporary file in the same folder,
// which Close removes, so an error or an interrupt never leaves a partial
// file under the final name.
//
// Files use the encodings that every one of those readers supports:
// version 1 data pages, Snappy compression, lists in the standard 3-level
// LIST layout (a repeated group named "list" around a field named
// "element"), 64-bit integer timestamps and never INT96. A file without
// rows still carries the full schema.
//
// FeatureRow is the schema of audio feature data sets: one row per clip
// with its log-mel spectrogram or MFCCs and the parameters that made them.
package tables
