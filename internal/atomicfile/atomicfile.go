// Package atomicfile writes files so that readers see either the old file
// or the whole new one, never a part. Data goes to a hidden temporary file
// in the same folder, which is synced and then renamed over the final
// path. A rename within one folder is atomic on POSIX file systems.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a file being written atomically. Write to it, then Commit, or
// Close to give up; Close after Commit does nothing.
type File struct {
	*os.File
	path   string
	done   bool
	direct bool // writing straight to a device or pipe, which cannot be replaced
}

// Create starts writing the file at path. A symbolic link is followed, so
// its target is replaced and the link kept. A device or named pipe, such
// as /dev/stdout, is written directly, since renaming over it would
// replace it. A folder is an error.
func Create(path string) (*File, error) {
	if info, err := os.Stat(path); err == nil {
		if info.IsDir() {
			return nil, fmt.Errorf("create %s: is a folder, expected a file name", path)
		}
		if !info.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			if err != nil {
				return nil, fmt.Errorf("create %s: %w", path, err)
			}
			return &File{File: f, path: path, direct: true}, nil
		}
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("create %s: folder %s does not exist", path, dir)
	}
	temp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return &File{File: temp, path: path}, nil
}

// Path returns the final path.
func (f *File) Path() string { return f.path }

// Commit syncs the temporary file, closes it and renames it to the final
// path, replacing any file there. On failure the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: file already closed", f.path)
	}
	f.done = true
	if f.direct {
		return f.File.Close()
	}
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
		return fmt.Errorf("write %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Close removes the temporary file unless Commit ran. It may be called
// more than once.
func (f *File) Close() error {
	if f.done {
		return nil
	}
	f.done = true
	f.File.Close()
	if f.direct {
		return nil
	}
	if err := os.Remove(f.File.Name()); err != nil {
		return fmt.Errorf("remove temporary file of %s: %w", f.path, err)
	}
	return nil
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Commit()
}

// syncDir makes a rename in dir durable; file systems that cannot sync a
// folder are left as they are.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
