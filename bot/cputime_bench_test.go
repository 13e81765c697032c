//go:build linux

package bot_test

import (
	"syscall"
	"time"
	"unsafe"
)

// processCPU is the CPU time used so far by the whole process, every
// thread included (CLOCK_PROCESS_CPUTIME_ID): unlike the wall clock, it
// leaves out the time spent waiting for a core, so figures taken on a busy
// machine stay close to those of a quiet one. It counts the work of every
// goroutine, so it is a cost, not a latency, when work runs in parallel.
func processCPU() time.Duration {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
