package tables

import (
	"fmt"
	"os"
	"path/filepath"
)

// atomicFile is written under a hidden temporary name in the folder of its
// final path and renamed to that path by commit. Both names are in one
// folder, so the rename is atomic on POSIX file systems and a reader sees
// either no file or the whole file.
type atomicFile struct {
	*os.File
	path string
	done bool
}

func createAtomic(path string) (*atomicFile, error) {
	temp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("tables: create %s: %w", path, err)
	}
	return &atomicFile{File: temp, path: path}, nil
}

// commit flushes the temporary file to disk, closes it and renames it to
// the final path, replacing any file there. On failure the temporary file
// is removed.
func (f *atomicFile) commit() error {
	if f.done {
		return fmt.Errorf("tables: commit %s: file already closed", f.path)
	}
	f.done = true
	temp := f.File.Name()
	err := f.File.Sync()
	if closeErr := f.File.Close(); err == nil {
		err = closeErr
	}
	if err == nil {
		// os.CreateTemp makes the file readable by its owner only.
		err = os.Chmod(temp, 0o644)
	}
	if err == nil {
		err = os.Rename(temp, f.path)
	}
	if err != nil {
		os.Remove(temp)
		return fmt.Errorf("tables: write %s: %w", f.path, err)
	}
	return nil
}

// discard closes and removes the temporary file unless commit ran. It may
// be called more than once.
func (f *atomicFile) discard() error {
	if f.done {
		return nil
	}
	f.done = true
	f.File.Close()
	if err := os.Remove(f.File.Name()); err != nil {
		return fmt.Errorf("tables: remove temporary file of %s: %w", f.path, err)
	}
	return nil
}
