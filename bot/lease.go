package bot

// Holds on libraries: a question being answered keeps its library's index
// open, so that a reload closes a replaced index as soon as the last search
// on it ends, rather than after a fixed time.

import (
	"runtime"
	"sync"

	"github.com/confidant-bot/confidant/index"
)

// holds counts, per library, the questions being answered on it.
type holds struct {
	mu       sync.Mutex
	n        map[*Library]int
	replaced map[*Library]bool
	// leasing are the responders whose callers hold their library
	// (Acquire) while they search it.
	leasing map[*Responder]bool
}

var libraryHolds = holds{n: map[*Library]int{}, replaced: map[*Library]bool{}, leasing: map[*Responder]bool{}}

// Acquire returns the library being served and holds it: its index stays
// open until release is called, even if a reload replaces the library in
// between. Call release once the question is answered; it is safe to call
// more than once.
func (r *Responder) Acquire() (lib *Library, release func()) {
	h := &libraryHolds
	h.mu.Lock()
	h.leasing[r] = true
	// Loaded under h.mu: a reload swaps first and then retires the old
	// library under h.mu, so the library loaded here is either still
	// served or not yet retired, and its retirement will see this hold.
	lib = r.Library()
	h.n[lib]++
	h.mu.Unlock()
	var once sync.Once
	return lib, func() { once.Do(func() { h.release(lib) }) }
}

func (h *holds) release(lib *Library) {
	h.mu.Lock()
	h.n[lib]--
	last := h.n[lib] == 0
	replaced := h.replaced[lib]
	if last {
		delete(h.n, lib)
		delete(h.replaced, lib)
	}
	h.mu.Unlock()
	if last && replaced {
		closeIndex(lib.Index)
	}
}

// retire is called with the library a reload replaced in r: its index is
// closed as soon as no question holds it. When r's callers do not hold
// their library (they read Responder.Library), the questions still on it
// cannot be counted, so the index is closed once nothing refers to the
// library any more, which the garbage collector tells.
func (h *holds) retire(r *Responder, lib *Library) {
	if lib == nil || lib.Index == nil {
		return
	}
	h.mu.Lock()
	if h.n[lib] > 0 {
		h.replaced[lib] = true
		h.mu.Unlock()
		return
	}
	leasing := h.leasing[r]
	h.mu.Unlock()
	if leasing {
		closeIndex(lib.Index)
		return
	}
	runtime.AddCleanup(lib, closeIndex, lib.Index)
}

func closeIndex(ix *index.Index) { _ = ix.Close() }
