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
	chunks := chunkCount(n)
	workers := min(Threads(), chunks)
	run := func(worker int, next *atomic.Int64) {
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			fn(worker, c, c*chunkSize, min((c+1)*chunkSize, n))
		}
	}
	var next atomic.Int64
	if workers <= 1 {
		run(0, &next)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run(w, &next)
		}()
	}
	wg.Wait()
}
