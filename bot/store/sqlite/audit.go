package sqlite

// The moderators' audit log.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

// auditTime is how At is stored: UTC to the second, so that text order is
// time order.
const auditTime = "2006-01-02T15:04:05Z"

// Audit records what a moderator did.
func (s *DB) Audit(ctx context.Context, r store.AuditRecord) error {
	r, err := store.AuditRow(r, time.Now())
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return s.write(ctx, "audit", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, guild_id, moderator_id, entry_id, action) VALUES (?, ?, ?, ?, ?)`,
			r.At.Format(auditTime), r.GuildID, r.ModeratorID, r.EntryID, r.Action)
		return err
	})
}

// AuditLog returns up to limit records, newest first.
func (s *DB) AuditLog(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	if err := store.CheckAuditLimit(limit); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	var log []store.AuditRecord
	err := s.read(ctx, "audit log", func(tx *sql.Tx) error {
		return query(ctx, tx, `SELECT guild_id, moderator_id, entry_id, action, at FROM audit_log ORDER BY at DESC, id DESC LIMIT ?`,
			[]any{limit}, func(rows *sql.Rows) error {
				var r store.AuditRecord
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
