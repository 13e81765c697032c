//go:build unix

package index

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the whole process has used, user and system,
// every thread included: unlike the wall clock it leaves out waiting for a
// core on a busy machine. It adds up work done in parallel, so it is a
// cost, not a latency.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
