package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPreprocessWriteFailure makes writing the Parquet file fail part way
// with a file size limit (RLIMIT_FSIZE): the kernel then rejects writes
// past 16 KiB with EFBIG. No file may appear under the final name, and
// the temporary file must be gone.
func TestPreprocessWriteFailure(t *testing.T) {
	src := clipFolder(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "features.parquet")

	// Without this the kernel would stop the test process with SIGXFSZ.
	signal.Ignore(syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGXFSZ)
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}
	limit := old
	limit.Cur = 16 << 10
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		t.Skipf("cannot limit the file size: %v", err)
	}
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel", "--to", out)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Fatal(err)
	}

	if code != exitSomeFailed {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "file too large") {
		t.Errorf("stderr does not name the write error:\n%s", stderr)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("output folder contains %s after the failed write", e.Name())
	}
}
