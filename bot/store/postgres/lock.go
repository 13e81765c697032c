package postgres

// A lock that one process at a time holds, such as the right to connect to
// Discord's gateway.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Lock is a session-level advisory lock of this schema, taken on a
// connection of its own: it is held as long as that connection's session
// lives, and PostgreSQL releases it as soon as the session ends (the
// process dies, or the server finds the connection dead). Its methods are
// safe for concurrent use.
type Lock struct {
	db   *DB
	name string

	mu   sync.Mutex
	conn *pgx.Conn // nil until connected, and after a failure
	held bool
}

// NewLock is the lock called name (one per schema).
func (db *DB) NewLock(name string) *Lock { return &Lock{db: db, name: name} }

// sessionSettings make the server notice a dead connection within seconds
// (its TCP keepalives and unacknowledged data), so that the lock of a
// machine that vanished is released soon.
const sessionSettings = `SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3; SET tcp_user_timeout = 5000`

// Try takes the lock if no other session holds it, connecting first if
// needed, and reports whether this process holds it. false with a nil
// error means that another process holds it; an error, that the database
// could not be asked.
func (l *Lock) Try(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		pc, err := l.db.pool.Acquire(ctx)
		if err != nil {
			return false, fmt.Errorf("lock %s: %w", l.name, classify(ctx, err))
		}
		l.conn = pc.Hijack() // the lock belongs to this session, which the pool must not share
		if _, err := l.conn.Exec(ctx, sessionSettings); err != nil {
			l.closeLocked(ctx)
			return false, fmt.Errorf("lock %s: %w", l.name, classify(ctx, err))
		}
	}
	if l.held {
		return true, nil
	}
	err := l.conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(`+lockKey+`)`, l.name).Scan(&l.held)
	if err != nil {
		l.closeLocked(ctx)
		return false, fmt.Errorf("lock %s: %w", l.name, classify(ctx, err))
	}
	return l.held, nil
}

// lockKey is the advisory lock's key for the name $1 in this schema.
const lockKey = `hashtext('confidant lock ' || $1 || ' ' || current_schema())`

// ErrNotHeld reports a Check of a lock that this process does not hold.
var ErrNotHeld = errors.New("lock not held")

// Check reports whether the lock is still held: its session answers. On
// failure the connection is closed and the lock counts as lost, though
// the server may take a few seconds more to release it.
func (l *Lock) Check(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil || !l.held {
		return fmt.Errorf("lock %s: %w", l.name, ErrNotHeld)
	}
	if err := l.conn.Ping(ctx); err != nil {
		l.closeLocked(ctx)
		return fmt.Errorf("lock %s: %w", l.name, classify(ctx, err))
	}
	return nil
}

// Release gives the lock up and closes its connection. The lock is free
// when it returns, unless the connection had failed (the server then frees
// it when it notices).
func (l *Lock) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil && l.held {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		l.conn.Exec(ctx, `SELECT pg_advisory_unlock(`+lockKey+`)`, l.name)
		cancel()
	}
	l.closeLocked(context.Background())
}

// closeLocked ends the session, which releases the lock.
func (l *Lock) closeLocked(ctx context.Context) {
	if l.conn != nil {
		// Bounded: on a dead connection the goodbye may never leave.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		l.conn.Close(cctx)
		cancel()
	}
	l.conn, l.held = nil, false
}
