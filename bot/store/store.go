package store

import (
	"context"
	"errors"
	"sort"
	"time"
)

// Errors that callers may test with errors.Is.
var (
	// ErrInvalid reports an argument the store refuses: an empty or
	// unknown value, or an entry ID that looks like a Discord ID.
	ErrInvalid = errors.New("invalid argument")
	// ErrNotFound reports an ID with no row behind it.
	ErrNotFound = errors.New("not found")
	// ErrCorrupt reports a file that is not a usable SQLite database.
	ErrCorrupt = errors.New("not a valid database file")
	// ErrLocked reports a database that another connection kept locked
	// for longer than the busy timeout.
	ErrLocked = errors.New("database is locked by another connection")
)

// Store is the bot's persistent moderation data. Package sqlite keeps it in
// one file, package postgres in a database that many processes share; both
// pass the behaviour tests of package storetest.
//
// Every method returns ErrInvalid (wrapped) for arguments it refuses, the
// context's error if ctx ends first, ErrLocked if another connection holds
// a lock past the store's timeout, and otherwise a wrapped error of the
// database. A failed write changes nothing. After Close every method fails.
type Store interface {
	Recorder
	Moderation
	// Ping reports whether the database can be read, for readiness probes.
	Ping(ctx context.Context) error
	// Writable reports whether a write can be committed now, for readiness
	// probes: it fails when the disk is full or read-only, or the database
	// refuses writes. It commits a write that changes no data.
	Writable(ctx context.Context) error
	Close() error
}

// Recorder is what the bot writes while it answers people. It takes no
// user, channel or message IDs, and keeps only the date of day.
type Recorder interface {
	// ShareGap records a question the bot could not answer, which the asker
	// chose to share. Only Scrub(text) and the date are kept; near-identical
	// questions are counted in one Gap. Text that is empty once scrubbed is
	// ErrInvalid.
	ShareGap(ctx context.Context, text string, day time.Time) error
	// CountQuestion counts one reply of kind (answer, fallback, decline or
	// crisis) given on day, and for entryID if it is not "".
	CountQuestion(ctx context.Context, kind, entryID string, day time.Time) error
	// CountQuestions counts n such replies at once (n >= 1).
	CountQuestions(ctx context.Context, kind, entryID string, day time.Time, n int) error
	// CountFeedback counts one helpful or not-helpful vote for entryID.
	CountFeedback(ctx context.Context, entryID string, helpful bool, day time.Time) error
}

// Moderation is what moderators read and do.
type Moderation interface {
	// Gaps lists the groups not dismissed, most recently asked first, then
	// most asked; page counts from 1 and perPage is 1 to MaxPerPage. total
	// is the number of such groups on all pages.
	Gaps(ctx context.Context, page, perPage int) (gaps []Gap, total int, err error)
	// DismissGap hides a group from Gaps for good, even if it is asked
	// again. An unknown id is ErrNotFound; dismissing twice is no error.
	DismissGap(ctx context.Context, id int64) error
	// Stats sums the counters from the date of since onwards.
	Stats(ctx context.Context, since time.Time) (Stats, error)
	// Audit records what a moderator did. A zero At means now.
	Audit(ctx context.Context, r AuditRecord) error
	// AuditLog returns up to limit records, newest first; limit is 1 to
	// MaxAuditLog.
	AuditLog(ctx context.Context, limit int) ([]AuditRecord, error)
}

// Limits of the listing methods.
const (
	MaxPerPage  = 100
	MaxAuditLog = 1000
)

// Gap is a group of identical or near-identical shared questions.
type Gap struct {
	ID int64
	// Text is the scrubbed text of the first question of the group.
	Text  string
	Count int
	// FirstDay and LastDay are dates at midnight UTC.
	FirstDay, LastDay time.Time
}

// AuditRecord is one moderator action.
type AuditRecord struct {
	// GuildID is the server the moderator acted from.
	GuildID     string
	ModeratorID string
	EntryID     string
	Action      string
	At          time.Time
}

// Stats are the counters summed over a span of days.
type Stats struct {
	// Questions is the number of replies of every kind.
	Questions int
	// Days has one element per date from the first to the last date with
	// replies, oldest first, days without any included as zero.
	Days []DayCount
	// Kinds are the replies by kind, most common first.
	Kinds []KindCount
	// Top are the ten most-asked entries, most asked first.
	Top []EntryCount
	// Feedback are the votes per entry, most voted first.
	Feedback []EntryFeedback
	// Worst are up to ten entries with at least MinVotes votes, lowest
	// helpful ratio first.
	Worst []EntryFeedback
}

// MinVotes is how many votes an entry needs to be ranked in Stats.Worst.
const MinVotes = 3

// AddDay adds the count of one date to st.Days, with a zero for each date
// missing since the previous one, and to st.Questions. A store calls it
// once per date with replies, oldest first.
func (st *Stats) AddDay(c DayCount) {
	if n := len(st.Days); n > 0 {
		for d := st.Days[n-1].Day.AddDate(0, 0, 1); d.Before(c.Day); d = d.AddDate(0, 0, 1) {
			st.Days = append(st.Days, DayCount{Day: d})
		}
	}
	st.Days = append(st.Days, c)
	st.Questions += c.Count
}

// Rank fills what Stats derives from its sums: each kind's share of
// Questions and the Worst entries. A store calls it once it has read Days,
// Kinds and Feedback.
func (st *Stats) Rank() {
	for i, k := range st.Kinds {
		if st.Questions > 0 {
			st.Kinds[i].Share = float64(k.Count) / float64(st.Questions)
		}
	}
	st.Worst = nil
	for _, f := range st.Feedback {
		if f.Helpful+f.NotHelpful >= MinVotes {
			st.Worst = append(st.Worst, f)
		}
	}
	sort.SliceStable(st.Worst, func(i, j int) bool {
		a, b := st.Worst[i], st.Worst[j]
		if a.Ratio() != b.Ratio() {
			return a.Ratio() < b.Ratio()
		}
		return a.NotHelpful > b.NotHelpful
	})
	if len(st.Worst) > 10 {
		st.Worst = st.Worst[:10]
	}
}

// DayCount is a count for one date (midnight UTC).
type DayCount struct {
	Day   time.Time
	Count int
}

// KindCount is the number of replies of one kind, and their share of all.
type KindCount struct {
	Kind  string
	Count int
	Share float64
}

// EntryCount is the number of replies from one entry.
type EntryCount struct {
	EntryID string
	Count   int
}

// EntryFeedback is the votes one entry received.
type EntryFeedback struct {
	EntryID             string
	Helpful, NotHelpful int
}

// Ratio is the share of helpful votes, 0 without votes.
func (f EntryFeedback) Ratio() float64 {
	n := f.Helpful + f.NotHelpful
	if n == 0 {
		return 0
	}
	return float64(f.Helpful) / float64(n)
}
