package store

// What every Store refuses and what it keeps of each argument, decided once
// here so that the implementations differ only in their SQL.

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/confidant-bot/confidant/knowledge"
)

// MaxText bounds stored free text, in runes.
const MaxText = 500

// maxID bounds the IDs of the audit log, in runes.
const maxID = 100

// GapText returns what a store keeps of a shared question: its scrubbed
// text, clipped to MaxText, and the key that near-identical questions share.
// Text that is empty once scrubbed is ErrInvalid.
func GapText(text string) (scrubbed, key string, err error) {
	scrubbed = Clip(Scrub(text), MaxText)
	key = groupKey(scrubbed)
	if key == "" {
		return "", "", fmt.Errorf("%w: nothing left once scrubbed", ErrInvalid)
	}
	return scrubbed, key, nil
}

// Clip makes s storable in any database (valid UTF-8, no NUL byte, which
// PostgreSQL refuses) and cuts it to n runes, marking the cut with "…".
func Clip(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Date is the calendar date of day in day's own location, as YYYY-MM-DD:
// the only trace of time a store keeps with what askers did. A zero day is
// ErrInvalid.
func Date(day time.Time) (string, error) {
	if day.IsZero() {
		return "", fmt.Errorf("%w: zero day", ErrInvalid)
	}
	return day.Format(time.DateOnly), nil
}

// SinceDate is the first date Stats sums: the date of since in its own
// location, or the first day of year 1 for a zero since.
func SinceDate(since time.Time) string {
	if since.IsZero() {
		return "0001-01-01"
	}
	return since.Format(time.DateOnly)
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	kinds  = map[string]bool{
		string(knowledge.KindAnswer): true, string(knowledge.KindFallback): true,
		string(knowledge.KindDecline): true, string(knowledge.KindCrisis): true,
	}
)

// CheckCount refuses what CountQuestions refuses: n below 1, a kind other
// than answer, fallback, decline or crisis, and an entryID that is neither
// "" nor an entry ID.
func CheckCount(kind, entryID string, n int) error {
	if n < 1 {
		return fmt.Errorf("%w: n must be at least 1", ErrInvalid)
	}
	if !kinds[kind] {
		return fmt.Errorf("%w: unknown kind %q", ErrInvalid, Clip(Scrub(kind), 20))
	}
	if entryID != "" {
		return CheckEntry(entryID)
	}
	return nil
}

// CheckEntry refuses anything but a corpus entry ID. The value is never
// quoted in the error: a caller that mixed up its arguments could have
// passed a person's ID, and errors end up in logs.
func CheckEntry(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty entry ID", ErrInvalid)
	case len(id) > 100 || !slugRE.MatchString(id):
		return fmt.Errorf("%w: entry ID is not a lowercase slug", ErrInvalid)
	case digitsRE.MatchString(id):
		return fmt.Errorf("%w: entry ID holds a long run of digits, like a Discord ID", ErrInvalid)
	}
	return nil
}

// CheckPage refuses a page below 1 and a perPage outside 1 to MaxPerPage.
func CheckPage(page, perPage int) error {
	if page < 1 || perPage < 1 || perPage > MaxPerPage {
		return fmt.Errorf("%w: page %d, %d per page", ErrInvalid, page, perPage)
	}
	return nil
}

// CheckAuditLimit refuses a limit outside 1 to MaxAuditLog.
func CheckAuditLimit(limit int) error {
	if limit < 1 || limit > MaxAuditLog {
		return fmt.Errorf("%w: limit %d", ErrInvalid, limit)
	}
	return nil
}

// AuditRow returns r as a store keeps it: At set to now if it is zero, in
// UTC and to the second, so that the order of the text is the order of time;
// IDs clipped to 100 runes and the action to MaxText. A record without a
// moderator ID or an action is ErrInvalid.
func AuditRow(r AuditRecord, now time.Time) (AuditRecord, error) {
	if r.ModeratorID == "" || r.Action == "" {
		return AuditRecord{}, fmt.Errorf("%w: moderator ID and action are required", ErrInvalid)
	}
	if r.At.IsZero() {
		r.At = now
	}
	r.At = r.At.UTC().Truncate(time.Second)
	r.GuildID = Clip(r.GuildID, maxID)
	r.ModeratorID = Clip(r.ModeratorID, maxID)
	r.EntryID = Clip(r.EntryID, maxID)
	r.Action = Clip(r.Action, MaxText)
	return r, nil
}
