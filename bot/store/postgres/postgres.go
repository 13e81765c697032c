package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/confidant-bot/confidant/bot/store"
)

// DB is the store.Store in a PostgreSQL database, through a pool of
// connections.
type DB struct {
	pool *pgxpool.Pool
}

var _ store.Store = (*DB)(nil)

// defaultLockTimeout is how long a statement waits for a lock that another
// connection holds before it fails with store.ErrLocked, unless the URL sets
// lock_timeout. It matches the SQLite store's busy timeout.
const defaultLockTimeout = "5s"

// Open connects to the database at connURL (postgres://…, or anything that
// pgx accepts), and brings its schema up to date, each migration in its own
// transaction under an advisory lock. It fails with store.ErrInvalid when
// connURL cannot be parsed, and with store.ErrLocked when another
// connection keeps the schema locked past the lock timeout. Its errors never
// quote the password.
func Open(ctx context.Context, connURL string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(connURL)
	if err != nil {
		return nil, fmt.Errorf("open store: %w: %w", store.ErrInvalid, withoutPassword(err, connURL))
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["lock_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = defaultLockTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", withoutPassword(err, connURL))
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store: %w", withoutPassword(err, connURL))
	}
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store: %w", withoutPassword(err, connURL))
	}
	return db, nil
}

// withoutPassword keeps err unless its text holds the password of
// connURL: pgx's errors redact the password only as far as they can
// recognize it.
func withoutPassword(err error, connURL string) error {
	u, perr := url.Parse(connURL)
	if perr != nil {
		// Whatever the password is, it cannot be told apart.
		return errors.New("not a valid URL (the detail is left out, as it may quote the password)")
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New("the error quoted the password and is left out")
	}
	return err
}

// migrations[i] brings the schema from version i to i+1. Append only.
// Identifiers are compared byte by byte (COLLATE "C"), as in SQLite, so
// that ties in Stats are broken in the same order.
var migrations = []string{
	`CREATE TABLE gaps (
		id        bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		group_key text    NOT NULL UNIQUE,
		text      text    NOT NULL,
		count     bigint  NOT NULL,
		first_day date    NOT NULL,
		last_day  date    NOT NULL,
		dismissed boolean NOT NULL DEFAULT false
	);
	CREATE INDEX gaps_by_recency ON gaps (dismissed, last_day DESC, count DESC);
	CREATE TABLE question_counts (
		day      date   NOT NULL,
		kind     text   COLLATE "C" NOT NULL,
		entry_id text   COLLATE "C" NOT NULL,
		count    bigint NOT NULL,
		PRIMARY KEY (day, kind, entry_id)
	);
	CREATE TABLE feedback_counts (
		day         date   NOT NULL,
		entry_id    text   COLLATE "C" NOT NULL,
		helpful     bigint NOT NULL,
		not_helpful bigint NOT NULL,
		PRIMARY KEY (day, entry_id)
	);
	CREATE TABLE audit_log (
		id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		at           timestamptz NOT NULL,
		guild_id     text        NOT NULL DEFAULT '',
		moderator_id text        NOT NULL,
		entry_id     text        NOT NULL,
		action       text        NOT NULL
	);
	CREATE INDEX audit_log_by_time ON audit_log (at DESC, id DESC);`,
	// The corpus, when processes share it (corpus.go): every file by path,
	// and the number of the last change, whose row every change locks.
	`CREATE TABLE corpus_files (
		path    text   COLLATE "C" PRIMARY KEY,
		content text   NOT NULL,
		version bigint NOT NULL
	);
	CREATE TABLE corpus_version (version bigint NOT NULL);
	INSERT INTO corpus_version (version) VALUES (0);`,
	// What processes share about people (shared.go): budgets and what was
	// already counted or handled, under HMAC keys only, each row until it
	// expires. Unlogged: a crash of the server forgets them, as a restart
	// of one process did when each kept its own.
	`CREATE UNLOGGED TABLE person_budgets (
		key      bytea            PRIMARY KEY,
		tokens   double precision NOT NULL,
		at       timestamptz      NOT NULL,
		notified boolean          NOT NULL,
		decision smallint         NOT NULL,
		expires  timestamptz      NOT NULL
	);
	CREATE INDEX person_budgets_expiry ON person_budgets (expires);
	CREATE UNLOGGED TABLE seen_keys (
		key     bytea       PRIMARY KEY,
		expires timestamptz NOT NULL
	);
	CREATE INDEX seen_keys_expiry ON seen_keys (expires);`,
}

// migrate applies the missing migrations in order. Each step takes an
// advisory lock for the schema it works in before it reads the version, so
// two processes opening the same new database never apply a migration
// twice, nor race to create schema_version.
func (db *DB) migrate(ctx context.Context) error {
	for {
		done := false
		err := db.write(ctx, "migrate", func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('confidant schema ' || current_schema()))`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)`); err != nil {
				return err
			}
			var v int
			err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
			if errors.Is(err, pgx.ErrNoRows) {
				_, err = tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES (0)`)
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
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("to version %d: %w", v+1, err)
			}
			_, err = tx.Exec(ctx, `UPDATE schema_version SET version = $1`, v+1)
			return err
		})
		if err != nil || done {
			return err
		}
	}
}

// classify marks a lock timeout with store.ErrLocked, and makes sure that
// an error caused by the end of ctx is the context's error, keeping the
// detail.
func classify(ctx context.Context, err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "55P03" { // lock_not_available
		err = fmt.Errorf("%w: %w", store.ErrLocked, err)
	}
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		err = fmt.Errorf("%w: %w", cerr, err)
	}
	return err
}

// exec runs one statement, which PostgreSQL applies whole or not at all.
func (db *DB) exec(ctx context.Context, op, sql string, args ...any) (pgconn.CommandTag, error) {
	tag, err := db.pool.Exec(ctx, sql, args...)
	if err != nil {
		return tag, fmt.Errorf("%s: %w", op, classify(ctx, err))
	}
	return tag, nil
}

// write runs fn in a read-write transaction.
func (db *DB) write(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	return db.tx(ctx, op, pgx.TxOptions{}, fn)
}

// read runs fn in a read-only transaction that sees one snapshot.
func (db *DB) read(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	return db.tx(ctx, op, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

func (db *DB) tx(ctx context.Context, op string, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	tx, err := db.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", op, classify(ctx, err))
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return fmt.Errorf("%s: %w", op, classify(ctx, err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("%s: %w", op, classify(ctx, err))
	}
	return nil
}

// Ping reports whether the database can be read.
func (db *DB) Ping(ctx context.Context) error {
	var v int
	if err := db.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("ping store: %w", classify(ctx, err))
	}
	return nil
}

// Writable reports whether a write can be committed now: it fails when the
// server cannot write (a full disk), is a read-only replica, or refuses
// writes. The write changes no data.
func (db *DB) Writable(ctx context.Context) error {
	err := db.write(ctx, "write probe", func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE schema_version SET version = version`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store not writable: %w", err)
	}
	return nil
}

// Close closes every connection, waiting for those in use. Writes already
// returned are committed.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// query runs q and calls scan for each row.
func query(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, sql string, args []any, scan func(pgx.Rows) error) error {
	rows, err := q.Query(ctx, sql, args...)
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
