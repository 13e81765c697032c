//go:build !unix

package index

import "time"

// processCPU is not measured outside Unix: the cpu figures read 0.
func processCPU() time.Duration { return 0 }
