//go:build !unix

package knowledge

import "os"

// Without flock, changes are serialised within one process only (Dir's
// mutex); do not share a corpus folder between processes here.
func tryLock(*os.File, bool) (bool, error) { return true, nil }

func unlockFile(*os.File) {}
