//go:build !unix

package spectro

import "time"

// processCPUTime returns 0 where getrusage is not available, and the
// benchmarks then omit their CPU-time metric.
func processCPUTime() time.Duration { return 0 }
