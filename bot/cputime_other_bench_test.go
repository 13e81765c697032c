//go:build !linux

package bot_test

import "time"

// processCPU is not measured outside Linux: the cpu-* figures read 0.
func processCPU() time.Duration { return 0 }
