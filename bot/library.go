package bot

import (
	"fmt"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// Library is one validated corpus together with its search index. A
// Responder serves one Library at a time and can swap in a new one while
// questions already being answered finish on the old.
type Library struct {
	Corpus *knowledge.Corpus
	Index  *index.Index
	Triage *safety.Triage
}

// NewLibrary indexes a validated corpus.
func NewLibrary(c *knowledge.Corpus, opts index.Options) (*Library, error) {
	// The triage loads its model (or trains it, when the shipped one is
	// stale) while the index builds, so a start waits for the longer of the
	// two only.
	type built struct {
		t     *safety.Triage
		panic any // re-raised on this goroutine, as if built here
	}
	triage := make(chan built, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				triage <- built{panic: p}
			}
		}()
		triage <- built{t: safety.New(c.Triage)}
	}()
	ix, err := index.Build(c, opts)
	b := <-triage
	if b.panic != nil {
		panic(b.panic)
	}
	t := b.t
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return &Library{Corpus: c, Index: ix, Triage: t}, nil
}
