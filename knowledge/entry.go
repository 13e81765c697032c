package knowledge

import (
	"strings"
	"time"
)

// Entry is one FAQ answer: a question people ask, the ways they ask it, the
// answer in our own words, the sources it rests on, and who to see.
type Entry struct {
	ID    string
	Title string
	// Summary is the short answer, shown first (at most MaxSummaryWords
	// words, plain text).
	Summary   string
	Questions []string
	Tags      []string
	Referral  string // a key of the corpus's Referrals
	Sources   []Source
	Reviewed  time.Time
	Body      string // Markdown

	// File is the path of the entry inside its corpus, for error messages.
	File string
	// lines holds the line of each front-matter field, for messages.
	lines map[string]int
}

// Line is the line of a front-matter field in the entry's file, or 0.
func (e *Entry) Line(field string) int { return e.lines[field] }

// Source is a published page an entry rests on.
type Source struct {
	Title     string `yaml:"title" json:"title"`
	Publisher string `yaml:"publisher" json:"publisher"`
	URL       string `yaml:"url" json:"url"`
}

// ReviewedDate is the review date as YYYY-MM-DD.
func (e *Entry) ReviewedDate() string {
	if e.Reviewed.IsZero() {
		return ""
	}
	return e.Reviewed.Format(time.DateOnly)
}

// WordCount counts the words of the body the way lint does.
func (e *Entry) WordCount() int { return len(strings.Fields(e.Body)) }
