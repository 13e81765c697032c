package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	driver "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/confidant-bot/confidant/bot/store"
)

// DB is the store.Store in one SQLite file in WAL mode. It keeps one
// connection for writes, so that this process's writers queue in Go rather
// than in SQLite's busy loop, and a few for reads, which WAL lets run beside
// a write.
type DB struct {
	w, r *sql.DB
}

var _ store.Store = (*DB)(nil)

// Option changes how Open opens the database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
}

// WithBusyTimeout sets how long a statement waits for a lock that another
// connection holds before it fails with store.ErrLocked. The default is 5s.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// Open opens the database file at path, creating it if needed, and brings
// its schema up to date, each migration in its own transaction. Open takes
// the write lock even when there is nothing to migrate, so it fails with
// store.ErrLocked when another connection keeps the database locked past the busy
// timeout, and with store.ErrCorrupt when path is not an SQLite database.
func Open(path string, opts ...Option) (*DB, error) {
	o := options{busyTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	if path == "" || path == ":memory:" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("open store: %w: path must name a file and hold no '?'", store.ErrInvalid)
	}
	if err := checkHeader(path); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}

	base := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=synchronous(NORMAL)", path, o.busyTimeout.Milliseconds())
	s := &DB{}
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
		return fmt.Errorf("%w: it does not start with the SQLite header", store.ErrCorrupt)
	}
	return nil
}

// classify marks SQLite's lock and corruption errors with this package's
// sentinels, keeping the detail.
func classify(err error) error {
	var e *driver.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", store.ErrLocked, err)
	case sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return fmt.Errorf("%w: %w", store.ErrCorrupt, err)
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
	`ALTER TABLE audit_log ADD COLUMN guild_id TEXT NOT NULL DEFAULT ''`,
}

// migrate applies the missing migrations in order. Each step reads the
// version inside its own write transaction, so two processes opening the
// same new file never apply a migration twice.
func (s *DB) migrate(ctx context.Context) error {
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
func (s *DB) write(ctx context.Context, op string, fn func(*sql.Tx) error) error {
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
func (s *DB) read(ctx context.Context, op string, fn func(*sql.Tx) error) error {
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
func (s *DB) Ping(ctx context.Context) error {
	var v int
	if err := s.r.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("ping store: %w", classify(err))
	}
	return nil
}

// Writable reports whether a write can be committed now: it fails on a
// full or read-only disk. The write changes the schema version and back in
// one transaction, so no data changes but a page is committed to the
// write-ahead log (an UPDATE that sets the version to itself still
// succeeded on a full disk: TestWritableOnFullDisk).
func (s *DB) Writable(ctx context.Context) error {
	err := s.write(ctx, "write probe", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = version + 1`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = version - 1`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store not writable: %w", err)
	}
	return nil
}

// Close closes the database. Writes already returned are on disk.
func (s *DB) Close() error {
	var errs []error
	for _, db := range []*sql.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

func parseDate(s string) (time.Time, error) {
	return time.Parse(time.DateOnly, s)
}
