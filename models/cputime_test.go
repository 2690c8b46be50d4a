//go:build unix

package models

import (
	"syscall"
	"time"
)

// processCPUTime returns the user and system CPU time of this process, so
// that benchmarks can report throughput per CPU second, which is steadier
// than wall time on a shared machine.
func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
