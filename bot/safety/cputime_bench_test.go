//go:build linux

package safety_test

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the CPU time used so far by the calling OS thread
// (CLOCK_THREAD_CPUTIME_ID): unlike the wall clock, it leaves out the time
// the thread waited for a core, so figures taken on a busy machine stay
// close to those of a quiet one. The caller locks its OS thread.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0)
	return time.Duration(ts.Nano())
}
