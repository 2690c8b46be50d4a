package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
)

// AtomicFile is a file that appears at its path only when committed: it is
// written to a temporary file in the same folder and renamed at Commit, so
// readers never see a half-written output.
type AtomicFile struct {
	path string
	temp *os.File
	done bool
}

// CreateAtomic starts writing the file at path.
func CreateAtomic(path string) (*AtomicFile, error) {
	temp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("pipeline: create %s: %w", path, err)
	}
	return &AtomicFile{path: path, temp: temp}, nil
}

// Write writes to the temporary file.
func (f *AtomicFile) Write(p []byte) (int, error) { return f.temp.Write(p) }

// Commit syncs the temporary file and renames it to the final path.
func (f *AtomicFile) Commit() error {
	if f.done {
		return fmt.Errorf("pipeline: commit %s: already closed", f.path)
	}
	f.done = true
	err := f.temp.Sync()
	if closeErr := f.temp.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		err = os.Chmod(f.temp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.temp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.temp.Name())
		return fmt.Errorf("pipeline: write %s: %w", f.path, err)
	}
	return nil
}

// Close discards the temporary file unless Commit ran. It may be called
// more than once.
func (f *AtomicFile) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	f.temp.Close()
	return os.Remove(f.temp.Name())
}
