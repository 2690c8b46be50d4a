package tflite

import (
	"runtime"
	"syscall"
)

// yield lets other goroutines and then other threads of the machine run
// before a spinning goroutine checks again. Without sched_yield a
// spinning worker holds its core even when the goroutine it waits for
// is queued behind it on a busy machine.
func yield() {
	runtime.Gosched()
	syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
}
