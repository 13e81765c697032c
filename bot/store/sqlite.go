package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/confidant-bot/confidant/knowledge"
)

// SQLite is the Store in one SQLite file in WAL mode. It keeps one
// connection for writes, so that this process's writers queue in Go rather
// than in SQLite's busy loop, and a few for reads, which WAL lets run beside
// a write.
type SQLite struct {
	w, r *sql.DB
}

var _ Store = (*SQLite)(nil)

// Option changes how Open opens the database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
}

// WithBusyTimeout sets how long a statement waits for a lock that another
// connection holds before it fails with ErrLocked. The default is 5s.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// Open opens the database file at path, creating it if needed, and brings
// its schema up to date, each migration in its own transaction. Open takes
// the write lock even when there is nothing to migrate, so it fails with
// ErrLocked when another connection keeps the database locked past the busy
// timeout, and with ErrCorrupt when path is not an SQLite database.
func Open(path string, opts ...Option) (*SQLite, error) {
	o := options{busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" || path == ":memory:" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("open store: %w: path must name a file and hold no '?'", ErrInvalid)
	}
	if err := checkHeader(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	base := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=synchronous(NORMAL)", path, o.busyTimeout.Milliseconds())
	s := &SQLite{}
	var err error
	if s.w, err = sql.Open("sqlite", base+"&_pragma=foreign_keys(1)&_txlock=immediate"); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	if s.r, err = sql.Open("sqlite", base+"&_pragma=query_only(1)"); err != nil {
		s.w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(4)

	ctx := context.Background()
	var mode string
	if err := s.w.QueryRowContext(ctx, "PRAGMA journal_mode=WAL").Scan(&mode); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// checkHeader refuses a file that exists, is not empty and does not start
// like an SQLite database, before SQLite is asked to make sense of it.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return nil // SQLite turns an empty file into a database
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return err
	case string(head[:n]) != "SQLite format 3\x00":
		return fmt.Errorf("%w: it does not start with the SQLite header", ErrCorrupt)
	}
	return nil
}

// classify marks SQLite's lock and corruption errors with this package's
// sentinels, keeping the detail.
func classify(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", ErrLocked, err)
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// dayCheck keeps anything but a bare date out of a day column.
func dayCheck(col string) string {
	return fmt.Sprintf("%s TEXT NOT NULL CHECK (%s GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')", col, col)
}

// migrations[i] brings the schema from version i to i+1. Append only.
var migrations = []string{
	`CREATE TABLE gaps (
		id        INTEGER PRIMARY KEY,
		group_key TEXT    NOT NULL UNIQUE,
		text      TEXT    NOT NULL,
		count     INTEGER NOT NULL,
		` + dayCheck("first_day") + `,
		` + dayCheck("last_day") + `,
		dismissed INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX gaps_by_recency ON gaps (dismissed, last_day DESC, count DESC);
	CREATE TABLE question_counts (
		` + dayCheck("day") + `,
		kind     TEXT    NOT NULL,
		entry_id TEXT    NOT NULL,
		count    INTEGER NOT NULL,
		PRIMARY KEY (day, kind, entry_id)
	) WITHOUT ROWID;
	CREATE TABLE feedback_counts (
		` + dayCheck("day") + `,
		entry_id    TEXT    NOT NULL,
		helpful     INTEGER NOT NULL,
		not_helpful INTEGER NOT NULL,
		PRIMARY KEY (day, entry_id)
	) WITHOUT ROWID;
	CREATE TABLE audit_log (
		id           INTEGER PRIMARY KEY,
		at           TEXT NOT NULL,
		moderator_id TEXT NOT NULL,
		entry_id     TEXT NOT NULL,
		action       TEXT NOT NULL
	);
	CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);`,
}

// migrate applies the missing migrations in order. Each step reads the
// version inside its own write transaction, so two processes opening the
// same new file never apply a migration twice.
func (s *SQLite) migrate(ctx context.Context) error {
	for {
		done := false
		err := s.write(ctx, "migrate", func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
				return err
			}
			var v int
			err := tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v)
			if errors.Is(err, sql.ErrNoRows) {
				_, err = tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (0)`)
			}
			if err != nil {
				return err
			}
			switch {
			case v > len(migrations):
				return fmt.Errorf("schema version %d is newer than this program's %d", v, len(migrations))
			case v == len(migrations):
				done = true
				return nil
			}
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return fmt.Errorf("to version %d: %w", v+1, err)
			}
			_, err = tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1)
			return err
		})
		if err != nil || done {
			return err
		}
	}
}

// write runs fn in a write transaction (BEGIN IMMEDIATE).
func (s *SQLite) write(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, classify(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", op, classify(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", op, classify(err))
	}
	return nil
}

// read runs fn in a read transaction, which sees one snapshot.
func (s *SQLite) read(ctx context.Context, op string, fn func(*sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, classify(err))
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", op, classify(err))
	}
	return nil
}

// Ping reports whether the database can be read.
func (s *SQLite) Ping(ctx context.Context) error {
	var v int
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("ping store: %w", classify(err))
	}
	return nil
}

// Close closes the database. Writes already returned are on disk.
func (s *SQLite) Close() error {
	var errs []error
	for _, db := range []*sql.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// maxText bounds stored free text, in runes.
const maxText = 500

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// date is the calendar date of t in t's own location.
func date(t time.Time) (string, error) {
	if t.IsZero() {
		return "", fmt.Errorf("%w: zero day", ErrInvalid)
	}
	return t.Format(time.DateOnly), nil
}

func parseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}

var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	kinds  = map[string]bool{
		string(knowledge.KindAnswer): true, string(knowledge.KindFallback): true,
		string(knowledge.KindDecline): true, string(knowledge.KindCrisis): true,
	}
)

// checkEntry refuses anything but a corpus entry ID. The value is never
// quoted in the error: a caller that mixed up its arguments could have
// passed a person's ID, and errors end up in logs.
func checkEntry(id string) error {
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

// ShareGap stores the scrubbed text and the date of a shared question.
func (s *SQLite) ShareGap(ctx context.Context, text string, day time.Time) error {
	d, err := date(day)
	if err != nil {
		return fmt.Errorf("share gap: %w", err)
	}
	text = clip(Scrub(text), maxText)
	key := groupKey(text)
	if key == "" {
		return fmt.Errorf("share gap: %w: nothing left once scrubbed", ErrInvalid)
	}
	return s.write(ctx, "share gap", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO gaps (group_key, text, count, first_day, last_day) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT (group_key) DO UPDATE SET
				count = count + 1,
				first_day = min(first_day, excluded.first_day),
				last_day = max(last_day, excluded.last_day)`,
			key, text, d, d)
		return err
	})
}

// Gaps lists the groups not dismissed, most recently and most asked first.
func (s *SQLite) Gaps(ctx context.Context, page, perPage int) ([]Gap, int, error) {
	if page < 1 || perPage < 1 || perPage > MaxPerPage {
		return nil, 0, fmt.Errorf("list gaps: %w: page %d, %d per page", ErrInvalid, page, perPage)
	}
	var gaps []Gap
	var total int
	err := s.read(ctx, "list gaps", func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM gaps WHERE dismissed = 0`).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `
			SELECT id, text, count, first_day, last_day FROM gaps WHERE dismissed = 0
			ORDER BY last_day DESC, count DESC, id DESC LIMIT ? OFFSET ?`,
			perPage, int64(page-1)*int64(perPage))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var g Gap
			var first, last string
			if err := rows.Scan(&g.ID, &g.Text, &g.Count, &first, &last); err != nil {
				return err
			}
			if g.FirstDay, err = parseDate(first); err != nil {
				return err
			}
			if g.LastDay, err = parseDate(last); err != nil {
				return err
			}
			gaps = append(gaps, g)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return gaps, total, nil
}

// DismissGap hides a group from Gaps.
func (s *SQLite) DismissGap(ctx context.Context, id int64) error {
	return s.write(ctx, "dismiss gap", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE gaps SET dismissed = 1 WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("gap %d: %w", id, ErrNotFound)
		}
		return nil
	})
}

// CountQuestion counts one reply of kind, for entryID if it is not "".
func (s *SQLite) CountQuestion(ctx context.Context, kind, entryID string, day time.Time) error {
	return s.CountQuestions(ctx, kind, entryID, day, 1)
}

// CountQuestions counts n replies of kind at once, for entryID if it is not "".
func (s *SQLite) CountQuestions(ctx context.Context, kind, entryID string, day time.Time, n int) error {
	if n < 1 {
		return fmt.Errorf("count question: %w: n must be at least 1", ErrInvalid)
	}
	if !kinds[kind] {
		return fmt.Errorf("count question: %w: unknown kind %q", ErrInvalid, clip(Scrub(kind), 20))
	}
	if entryID != "" {
		if err := checkEntry(entryID); err != nil {
			return fmt.Errorf("count question: %w", err)
		}
	}
	d, err := date(day)
	if err != nil {
		return fmt.Errorf("count question: %w", err)
	}
	return s.write(ctx, "count question", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO question_counts (day, kind, entry_id, count) VALUES (?, ?, ?, ?)
			ON CONFLICT (day, kind, entry_id) DO UPDATE SET count = count + excluded.count`,
			d, kind, entryID, n)
		return err
	})
}

// CountFeedback counts one vote for entryID.
func (s *SQLite) CountFeedback(ctx context.Context, entryID string, helpful bool, day time.Time) error {
	if err := checkEntry(entryID); err != nil {
		return fmt.Errorf("count feedback: %w", err)
	}
	d, err := date(day)
	if err != nil {
		return fmt.Errorf("count feedback: %w", err)
	}
	yes, no := 0, 1
	if helpful {
		yes, no = 1, 0
	}
	return s.write(ctx, "count feedback", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO feedback_counts (day, entry_id, helpful, not_helpful) VALUES (?, ?, ?, ?)
			ON CONFLICT (day, entry_id) DO UPDATE SET
				helpful = helpful + excluded.helpful,
				not_helpful = not_helpful + excluded.not_helpful`,
			d, entryID, yes, no)
		return err
	})
}

// Stats sums the counters from the date of since onwards, in one snapshot.
func (s *SQLite) Stats(ctx context.Context, since time.Time) (Stats, error) {
	from := "0000-01-01"
	if !since.IsZero() {
		from = since.Format(time.DateOnly)
	}
	var st Stats
	err := s.read(ctx, "stats", func(tx *sql.Tx) error {
		err := query(ctx, tx, `SELECT day, sum(count) FROM question_counts WHERE day >= ? GROUP BY day ORDER BY day`,
			[]any{from}, func(rows *sql.Rows) error {
				var d string
				var c DayCount
				if err := rows.Scan(&d, &c.Count); err != nil {
					return err
				}
				var err error
				c.Day, err = parseDate(d)
				st.Days = fillDays(st.Days, c)
				st.Questions += c.Count
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT kind, sum(count) FROM question_counts WHERE day >= ? GROUP BY kind ORDER BY 2 DESC, 1`,
			[]any{from}, func(rows *sql.Rows) error {
				var k KindCount
				err := rows.Scan(&k.Kind, &k.Count)
				if st.Questions > 0 {
					k.Share = float64(k.Count) / float64(st.Questions)
				}
				st.Kinds = append(st.Kinds, k)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT entry_id, sum(count) FROM question_counts WHERE day >= ? AND entry_id != ''
			GROUP BY entry_id ORDER BY 2 DESC, 1 LIMIT 10`,
			[]any{from}, func(rows *sql.Rows) error {
				var e EntryCount
				err := rows.Scan(&e.EntryID, &e.Count)
				st.Top = append(st.Top, e)
				return err
			})
		if err != nil {
			return err
		}
		return query(ctx, tx, `SELECT entry_id, sum(helpful), sum(not_helpful) FROM feedback_counts WHERE day >= ?
			GROUP BY entry_id ORDER BY sum(helpful) + sum(not_helpful) DESC, 1`,
			[]any{from}, func(rows *sql.Rows) error {
				var f EntryFeedback
				err := rows.Scan(&f.EntryID, &f.Helpful, &f.NotHelpful)
				st.Feedback = append(st.Feedback, f)
				return err
			})
	})
	if err != nil {
		return Stats{}, err
	}
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
	return st, nil
}

// fillDays appends c to days, with a zero for each date missing between.
func fillDays(days []DayCount, c DayCount) []DayCount {
	if n := len(days); n > 0 {
		for d := days[n-1].Day.AddDate(0, 0, 1); d.Before(c.Day); d = d.AddDate(0, 0, 1) {
			days = append(days, DayCount{Day: d})
		}
	}
	return append(days, c)
}

func query(ctx context.Context, tx *sql.Tx, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// auditTime is how At is stored: UTC to the second, so that text order is
// time order.
const auditTime = "2006-01-02T15:04:05Z"

// Audit records what a moderator did.
func (s *SQLite) Audit(ctx context.Context, r AuditRecord) error {
	if r.ModeratorID == "" || r.Action == "" {
		return fmt.Errorf("audit: %w: moderator ID and action are required", ErrInvalid)
	}
	if r.At.IsZero() {
		r.At = time.Now()
	}
	return s.write(ctx, "audit", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, moderator_id, entry_id, action) VALUES (?, ?, ?, ?)`,
			r.At.UTC().Format(auditTime), clip(r.ModeratorID, 100), clip(r.EntryID, 100), clip(r.Action, maxText))
		return err
	})
}

// AuditLog returns up to limit records, newest first.
func (s *SQLite) AuditLog(ctx context.Context, limit int) ([]AuditRecord, error) {
	if limit < 1 || limit > MaxAuditLog {
		return nil, fmt.Errorf("audit log: %w: limit %d", ErrInvalid, limit)
	}
	var log []AuditRecord
	err := s.read(ctx, "audit log", func(tx *sql.Tx) error {
		return query(ctx, tx, `SELECT moderator_id, entry_id, action, at FROM audit_log ORDER BY at DESC, id DESC LIMIT ?`,
			[]any{limit}, func(rows *sql.Rows) error {
				var r AuditRecord
				var at string
				if err := rows.Scan(&r.ModeratorID, &r.EntryID, &r.Action, &at); err != nil {
					return err
				}
				var err error
				r.At, err = time.Parse(auditTime, at)
				log = append(log, r)
				return err
			})
	})
	if err != nil {
		return nil, err
	}
	return log, nil
}
