//go:build unix

package spectro

import (
	"syscall"
	"time"
)

// processCPUTime returns the user and system CPU time of the process.
func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
