package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPreprocessWriteFailure makes writing the Parquet file fail part way
// with a file size limit (RLIMIT_FSIZE): the kernel then rejects writes
// past 16 KiB with EFBIG. No file may appear under the final name, and
// the temporary file must be gone. The limit is set in a child process,
// since it would also stop this process from writing its own test log.
func TestPreprocessWriteFailure(t *testing.T) {
	src := clipFolder(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "features.parquet")

	child := exec.Command(os.Args[0], "-test.run=^TestPreprocessWriteFailureChild$")
	child.Env = append(os.Environ(), "PIPELINE_FSIZE_SRC="+src, "PIPELINE_FSIZE_OUT="+out)
	output, err := child.CombinedOutput()
	if err != nil {
		t.Fatalf("child test failed: %v\n%s", err, output)
	}
	if strings.Contains(string(output), "cannot limit the file size") {
		t.Skipf("child: %s", output)
	}

	if !strings.Contains(string(output), "exit code 1\n") {
		t.Errorf("want exit code 1; child output:\n%s", output)
	}
	if !strings.Contains(string(output), "file too large") {
		t.Errorf("stderr does not name the write error:\n%s", output)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("output folder contains %s after the failed write", e.Name())
	}
}

// TestPreprocessWriteFailureChild is the child of TestPreprocessWriteFailure.
func TestPreprocessWriteFailureChild(t *testing.T) {
	src, out := os.Getenv("PIPELINE_FSIZE_SRC"), os.Getenv("PIPELINE_FSIZE_OUT")
	if src == "" || out == "" {
		t.Skip("run by TestPreprocessWriteFailure")
	}
	// Without this the kernel would stop the process with SIGXFSZ.
	signal.Ignore(syscall.SIGXFSZ)
	limit := syscall.Rlimit{Cur: 16 << 10, Max: 16 << 10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &limit); err != nil {
		fmt.Printf("cannot limit the file size: %v\n", err)
		return
	}
	code, _, stderr := run(t, "preprocess", "--src", src, "--features", "logmel", "--to", out)
	fmt.Printf("exit code %d\n%s", code, stderr)
}
