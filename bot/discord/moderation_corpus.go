package discord

import (
	"time"

	"github.com/confidant-bot/confidant/knowledge"
)

// CorpusEditor is the corpus that moderators change: a folder
// (*knowledge.Dir), or a database that several processes share
// (*cluster.Corpus). Its methods behave as knowledge.Dir's, with the same
// errors: knowledge.ErrChanged, ErrNotFound, ErrExists, ErrProtected and
// *knowledge.ValidationError with the report of every problem.
type CorpusEditor interface {
	Version(id string) (string, error)
	Add(dr knowledge.Draft, now time.Time) (knowledge.Report, error)
	Edit(dr knowledge.Draft, baseVersion string, now time.Time) (knowledge.Report, error)
	Retire(id string) error
	Restore(id string) error
	// Path is a folder of the server that error texts may name, which
	// moderators are not shown.
	Path() string
}

var _ CorpusEditor = (*knowledge.Dir)(nil)
