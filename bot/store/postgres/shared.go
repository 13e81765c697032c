package postgres

// What processes share about people: question budgets, and what was
// already counted or handled. Rows hold an HMAC key made by the caller,
// numbers and times, never an ID or content, and each expires.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
)

// available is how many questions the budget of a row holds now, refilled
// one per $3 seconds since its last question, at most $2: on the
// database's clock, which every process shares.
const available = `least($2::double precision, b.tokens + extract(epoch FROM now() - b.at) / $3::double precision)`

// takeToken spends one question of the budget keyed $1, of $2 questions
// refilled one every $3 seconds, as RateLimiter.Take does in one process,
// and returns the decision: 0 answer, 1 say once that the budget is spent,
// 2 stay silent. The decision is written in the row, since only the update
// sees the row as it was; one statement, so that two processes never spend
// the same question. A row expires when its budget would be full again
// ($2 × $3 seconds after its last question): from then on it decides as a
// new row would.
const takeToken = `INSERT INTO person_budgets AS b (key, tokens, at, notified, decision, expires)
	VALUES ($1, $2::double precision - 1, now(), false, 0, now() + $2::double precision * $3::double precision * interval '1 second')
	ON CONFLICT (key) DO UPDATE SET
		tokens   = CASE WHEN ` + available + ` >= 1 THEN ` + available + ` - 1 ELSE ` + available + ` END,
		notified = ` + available + ` < 1,
		decision = CASE WHEN ` + available + ` >= 1 THEN 0 WHEN b.notified THEN 2 ELSE 1 END,
		at       = now(),
		expires  = EXCLUDED.expires
	RETURNING decision`

// TakeToken spends one question of the budget of key: burst questions at
// once, one more every refill. allowed says to answer; otherwise notify
// says that this is the first question over the budget since the last one
// answered (say so once); neither means stay silent.
func (db *DB) TakeToken(ctx context.Context, key []byte, burst int, refill time.Duration) (allowed, notify bool, err error) {
	if len(key) == 0 || burst < 1 || refill <= 0 {
		return false, false, fmt.Errorf("take token: %w", store.ErrInvalid)
	}
	var decision int
	if err := db.pool.QueryRow(ctx, takeToken, key, burst, refill.Seconds()).Scan(&decision); err != nil {
		return false, false, fmt.Errorf("take token: %w", classify(ctx, err))
	}
	return decision == 0, decision == 1, nil
}

// FirstTime records key for ttl and reports whether it is new: false when
// it was recorded less than ttl ago, by any process.
func (db *DB) FirstTime(ctx context.Context, key []byte, ttl time.Duration) (bool, error) {
	if len(key) == 0 || ttl <= 0 {
		return false, fmt.Errorf("first time: %w", store.ErrInvalid)
	}
	var ok bool
	err := db.pool.QueryRow(ctx, `INSERT INTO seen_keys AS s (key, expires)
		VALUES ($1, now() + $2::double precision * interval '1 second')
		ON CONFLICT (key) DO UPDATE SET expires = EXCLUDED.expires WHERE s.expires <= now()
		RETURNING true`, key, ttl.Seconds()).Scan(&ok)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("first time: %w", classify(ctx, err))
	}
	return true, nil
}

// Forget removes key, so that what it recorded may happen again.
func (db *DB) Forget(ctx context.Context, key []byte) error {
	_, err := db.exec(ctx, "forget", `DELETE FROM seen_keys WHERE key = $1`, key)
	return err
}

// SweepShared deletes the expired rows of what processes share about
// people, and returns how many. The rows behave as absent once expired
// anyway; this only keeps the tables small.
func (db *DB) SweepShared(ctx context.Context) (int64, error) {
	var n int64
	for _, table := range []string{"person_budgets", "seen_keys"} {
		tag, err := db.exec(ctx, "sweep", `DELETE FROM `+table+` WHERE expires < now()`)
		if err != nil {
			return n, err
		}
		n += tag.RowsAffected()
	}
	return n, nil
}
