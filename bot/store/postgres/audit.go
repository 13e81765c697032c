package postgres

// The moderators' audit log.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
)

// Audit records what a moderator did.
func (db *DB) Audit(ctx context.Context, r store.AuditRecord) error {
	r, err := store.AuditRow(r, time.Now())
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	_, err = db.exec(ctx, "audit", `INSERT INTO audit_log (at, guild_id, moderator_id, entry_id, action) VALUES ($1, $2, $3, $4, $5)`,
		r.At, r.GuildID, r.ModeratorID, r.EntryID, r.Action)
	return err
}

// AuditLog returns up to limit records, newest first.
func (db *DB) AuditLog(ctx context.Context, limit int) ([]store.AuditRecord, error) {
	if err := store.CheckAuditLimit(limit); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	var log []store.AuditRecord
	err := query(ctx, db.pool, `SELECT guild_id, moderator_id, entry_id, action, at FROM audit_log ORDER BY at DESC, id DESC LIMIT $1`,
		[]any{limit}, func(rows pgx.Rows) error {
			var r store.AuditRecord
			if err := rows.Scan(&r.GuildID, &r.ModeratorID, &r.EntryID, &r.Action, &r.At); err != nil {
				return err
			}
			r.At = r.At.UTC()
			log = append(log, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", classify(ctx, err))
	}
	return log, nil
}
