package tflite

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Intra-op parallelism. A splitKernel cuts its output into parts that do
// not overlap, and each part computes its output values exactly as run
// does, in the same order of summation. So an Invoke gives the same bits
// on any number of threads.

// Kernels are worth splitting from about this many FLOPs, or this many
// output values for operators that mostly move values. By estimate a
// split costs a few microseconds of hand-over, and a MFLOP takes 8 to
// 30 µs on one AVX2 core.
const (
	minSplitFlops  = 1 << 20
	minSplitValues = 1 << 16
)

// partsPerThread is how many parts a split kernel is cut into per thread.
// Smaller parts even out the work when another process holds a core.
const partsPerThread = 2

// A splitKernel is a kernel whose run can be cut into parts.
type splitKernel interface {
	kernel
	// runPart computes part part of parts (0 ≤ part < parts) on thread
	// thread, whose scratch buffer it may use. Running every part once,
	// in any order or at once, does what run does.
	runPart(part, parts, thread int)
	// worthSplitting reports whether the kernel does enough work that
	// handing parts to other goroutines pays for the hand-over.
	worthSplitting() bool
}

// SetThreads sets how many goroutines one Invoke may use. The large
// convolutions and element-wise operators are cut into parts, which the
// calling goroutine and n−1 worker goroutines share out as each becomes
// free. The outputs are bit for bit the same for every n. A value below 1
// means 1, the default, which starts no goroutines. Call it between
// Invokes, never during one. Close stops the workers.
//
// Workers spin for up to 100 µs after each split kernel, waiting for the
// next, so an Invoke on n threads uses a little more CPU time than on
// one. More threads than idle cores (or than GOMAXPROCS) only add to it.
//
// NOTE: between Invokes the workers park. On the 2-core test VM, with an
// Invoke every 30 ms, the worker took its first part 0.3 to 7 ms into an
// Invoke. The cause is not verified: likely the idle virtual CPU or the
// parked thread waking slowly. Over four runs the median latency of
// hand_landmark_full and pose_landmark_full on two threads ranged from 6%
// above to 34% below that on one, where Invokes run back to back gain 1.5
// to 1.8 times the throughput. A machine whose idle cores wake faster may
// do better, which is not measured.
func (ip *Interpreter) SetThreads(n int) {
	n = max(n, 1)
	if n == ip.threads {
		return
	}
	ip.stopWorkers()
	ip.threads = n
	ip.scratches = ip.scratches[:1]
	for len(ip.scratches) < n {
		ip.scratches = append(ip.scratches, make([]float32, len(ip.scratches[0])))
	}
	if n == 1 {
		return
	}
	ip.pool = newWorkerPool(n - 1)
	ip.poolCleanup = runtime.AddCleanup(ip, (*workerPool).stop, ip.pool)
}

// Threads returns the number of goroutines one Invoke may use.
func (ip *Interpreter) Threads() int { return ip.threads }

// stopWorkers ends the worker goroutines, if any.
func (ip *Interpreter) stopWorkers() {
	if ip.pool == nil {
		return
	}
	ip.poolCleanup.Stop()
	ip.pool.stop()
	ip.pool = nil
}

// runKernel runs k, cut into parts for ip.threads goroutines when that
// pays.
func (ip *Interpreter) runKernel(k kernel) {
	if ip.pool == nil {
		k.run()
		return
	}
	split, ok := k.(splitKernel)
	if !ok || !split.worthSplitting() {
		k.run()
		return
	}
	ip.pool.run(split, partsPerThread*ip.threads)
}

// workerPool is a fixed set of goroutines that help run kernels' parts.
// The goroutine that calls run claims parts too, one at a time. So when
// the operating system has not yet scheduled a worker, the other
// goroutines take its parts and nothing waits for it. A worker woken for
// a kernel that has already finished finds nothing to claim.
//
// After its last part a worker spins for workerSpin, yielding to other
// goroutines between checks, before it parks. The next kernel of an
// Invoke usually comes sooner, and waking a parked goroutine took about
// 60 µs on the 2-core test machine, longer than many kernels run. For the
// same reason run spins, rather than blocks, while workers finish.
type workerPool struct {
	wake     chan struct{} // one token per worker that should look for parts
	stopOnce sync.Once
	posted   atomic.Uint64 // counts the kernels that run has posted
	spinning atomic.Int32  // workers that look for parts without a token
	running  atomic.Int32  // parts claimed and not yet finished

	mu     sync.Mutex // guards the fields below
	kernel splitKernel
	parts  int
	next   int // the next part to claim
}

// workerSpin is how long an idle worker looks for parts before it parks.
const workerSpin = 100 * time.Microsecond

func newWorkerPool(workers int) *workerPool {
	p := &workerPool{wake: make(chan struct{}, workers)}
	for thread := 1; thread <= workers; thread++ {
		go p.work(thread)
	}
	return p
}

// work runs parts on thread thread, where thread 0 is the goroutine that
// calls run.
func (p *workerPool) work(thread int) {
	for range p.wake {
		for p.runAndSpin(thread) {
		}
	}
}

// runAndSpin runs the parts left of the current kernel and then waits up to
// workerSpin for run to post another. It returns true if one was posted.
func (p *workerPool) runAndSpin(thread int) bool {
	seen := p.posted.Load()
	for p.runOnePart(thread) {
	}
	p.spinning.Add(1)
	deadline := time.Now().Add(workerSpin)
	for p.posted.Load() == seen && time.Now().Before(deadline) {
		yield()
	}
	p.spinning.Add(-1)
	return p.posted.Load() != seen
}

// wakeWorkers sends a token to each worker that may be parked. Invoke
// calls it first, so that the workers are awake when the first split
// kernel comes. Spinning workers see a new kernel without a token.
func (p *workerPool) wakeWorkers() {
	for range cap(p.wake) - int(p.spinning.Load()) {
		select {
		case p.wake <- struct{}{}:
		default: // every worker already holds a token
		}
	}
}

// run runs all parts of k on the calling goroutine and the workers, and
// returns when all are done.
func (p *workerPool) run(k splitKernel, parts int) {
	p.mu.Lock()
	p.kernel, p.parts, p.next = k, parts, 0
	p.mu.Unlock()
	p.posted.Add(1)
	p.wakeWorkers()
	for p.runOnePart(0) {
	}
	// The parts still running are as short as the ones just run here.
	for p.running.Load() > 0 {
		yield()
	}
	p.mu.Lock()
	p.kernel = nil
	p.mu.Unlock()
}

// runOnePart claims the next part of the current kernel and runs it on
// thread thread. It returns false when no part was left to claim.
func (p *workerPool) runOnePart(thread int) bool {
	p.mu.Lock()
	if p.kernel == nil || p.next >= p.parts {
		p.mu.Unlock()
		return false
	}
	k, part, parts := p.kernel, p.next, p.parts
	p.next++
	p.running.Add(1)
	p.mu.Unlock()

	k.runPart(part, parts, thread)
	p.running.Add(-1)
	return true
}

// stop ends the workers once they have finished their current part and
// stopped spinning. It is safe to call more than once.
func (p *workerPool) stop() {
	p.stopOnce.Do(func() { close(p.wake) })
}

// partRange returns part part of parts of [0, n), cut at multiples of
// align so that every part but the last starts and ends on one.
func partRange(n, part, parts, align int) (begin, end int) {
	units := (n + align - 1) / align
	begin = units * part / parts * align
	end = units * (part + 1) / parts * align
	return min(begin, n), min(end, n)
}
