//go:build !linux

package safety_test

import "time"

// threadCPU is not measured outside Linux: the cpu-* figures read 0.
func threadCPU() time.Duration { return 0 }
