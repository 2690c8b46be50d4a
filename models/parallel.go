package models

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunkSize is the number of batch items in one unit of parallel work. It is
// fixed, and partial sums are added in chunk order, so the floating-point
// results do not depend on how many workers run.
const chunkSize = 8

var workerCount atomic.Int32

func init() { workerCount.Store(int32(min(runtime.GOMAXPROCS(0), 2))) }

// SetThreads sets how many goroutines the layers use for one batch
// (at least 1). The numbers computed do not change with it.
func SetThreads(n int) { workerCount.Store(int32(max(n, 1))) }

// Threads returns the number of goroutines the layers use.
func Threads() int { return int(workerCount.Load()) }

func chunkCount(n int) int { return (n + chunkSize - 1) / chunkSize }

// forChunks calls fn for every chunk of a batch of n items, spread over the
// workers. worker is in [0, Threads()) and identifies per-worker scratch
// space; chunk is in [0, chunkCount(n)).
func forChunks(n int, fn func(worker, chunk, lo, hi int)) {
	forTasks(chunkCount(n), func(worker, chunk int) {
		fn(worker, chunk, chunk*chunkSize, min((chunk+1)*chunkSize, n))
	})
}

// forTasks calls fn for tasks 0 .. tasks−1, spread over the workers. The
// calling goroutine is worker 0, and it waits for the tasks, not for the
// other goroutines: on a busy machine a helper that starts late finds no
// task left and exits without calling fn.
func forTasks(tasks int, fn func(worker, task int)) {
	workers := min(Threads(), tasks)
	var next atomic.Int64
	var done sync.WaitGroup
	done.Add(tasks)
	run := func(worker int) {
		for {
			task := int(next.Add(1) - 1)
			if task >= tasks {
				return
			}
			fn(worker, task)
			done.Done()
		}
	}
	for w := 1; w < workers; w++ {
		go run(w)
	}
	run(0)
	done.Wait()
}

// minParallelValues is the number of float32 values up to which an
// element-wise pass runs on one goroutine. By estimate, waking another
// goroutine for half of 64K values costs about as much as an AVX2 pass
// over them.
const minParallelValues = 1 << 16

// forChunksOf is forChunks for an element-wise pass over a batch of n items
// of size values each. Small passes run all chunks on the calling goroutine,
// in the same chunks, so the results do not change.
func forChunksOf(n, size int, fn func(worker, chunk, lo, hi int)) {
	if n*size > minParallelValues {
		forChunks(n, fn)
		return
	}
	for c := range chunkCount(n) {
		fn(0, c, c*chunkSize, min((c+1)*chunkSize, n))
	}
}
