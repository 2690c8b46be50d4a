//go:build !linux

package tflite

import "runtime"

// yield lets other goroutines run before a spinning goroutine checks
// again.
func yield() { runtime.Gosched() }
