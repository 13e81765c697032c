package store

// The moderators' audit log in SQLite.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

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
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, guild_id, moderator_id, entry_id, action) VALUES (?, ?, ?, ?, ?)`,
			r.At.UTC().Format(auditTime), clip(r.GuildID, 100), clip(r.ModeratorID, 100), clip(r.EntryID, 100), clip(r.Action, maxText))
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
		return query(ctx, tx, `SELECT guild_id, moderator_id, entry_id, action, at FROM audit_log ORDER BY at DESC, id DESC LIMIT ?`,
			[]any{limit}, func(rows *sql.Rows) error {
				var r AuditRecord
				var at string
				if err := rows.Scan(&r.GuildID, &r.ModeratorID, &r.EntryID, &r.Action, &at); err != nil {
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
