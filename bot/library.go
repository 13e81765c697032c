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
	ix, err := index.Build(c, opts)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return &Library{Corpus: c, Index: ix, Triage: safety.New(c.Triage)}, nil
}
