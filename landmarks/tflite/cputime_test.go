package tflite

import (
	"syscall"
	"time"
)

// processCPUTime returns the user and system CPU time of this process.
// Benchmarks report it beside wall time because wall time on a shared
// machine includes the time other processes held the cores.
func processCPUTime() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return 0
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}
