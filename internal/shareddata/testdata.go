package shareddata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the shared data folder, or "" when none is found.
func Root() string {
	if dir := os.Getenv("PIPELINE_DATA"); dir != "" {
		return dir
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	repo := filepath.Join(filepath.Dir(file), "..", "..")
	dir := filepath.Join(repo, "..", "shared", "data")
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return filepath.Clean(dir)
	}
	return ""
}

// Path returns the path of rel inside the shared data folder and skips tb
// when the folder or the path does not exist.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	root := Root()
	if root == "" {
		tb.Skipf("shared data not found: set PIPELINE_DATA (needs %s)", rel)
	}
	path := filepath.Join(root, rel)
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("shared data %s not found in %s", rel, root)
	}
	return path
}
