package postgres

// Shared questions ("gaps").

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
)

// ShareGap stores the scrubbed text and the date of a shared question.
func (db *DB) ShareGap(ctx context.Context, text string, day time.Time) error {
	d, err := store.Date(day)
	if err != nil {
		return fmt.Errorf("share gap: %w", err)
	}
	text, key, err := store.GapText(text)
	if err != nil {
		return fmt.Errorf("share gap: %w", err)
	}
	_, err = db.exec(ctx, "share gap", `
		INSERT INTO gaps (group_key, text, count, first_day, last_day) VALUES ($1, $2, 1, $3, $3)
		ON CONFLICT (group_key) DO UPDATE SET
			count = gaps.count + 1,
			first_day = least(gaps.first_day, excluded.first_day),
			last_day = greatest(gaps.last_day, excluded.last_day)`,
		key, text, d)
	return err
}

// Gaps lists the groups not dismissed, most recently and most asked first.
func (db *DB) Gaps(ctx context.Context, page, perPage int) ([]store.Gap, int, error) {
	if err := store.CheckPage(page, perPage); err != nil {
		return nil, 0, fmt.Errorf("list gaps: %w", err)
	}
	var gaps []store.Gap
	var total int
	err := db.read(ctx, "list gaps", func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM gaps WHERE NOT dismissed`).Scan(&total); err != nil {
			return err
		}
		return query(ctx, tx, `
			SELECT id, text, count, first_day, last_day FROM gaps WHERE NOT dismissed
			ORDER BY last_day DESC, count DESC, id DESC LIMIT $1 OFFSET $2`,
			[]any{perPage, int64(page-1) * int64(perPage)}, func(rows pgx.Rows) error {
				var g store.Gap
				if err := rows.Scan(&g.ID, &g.Text, &g.Count, &g.FirstDay, &g.LastDay); err != nil {
					return err
				}
				gaps = append(gaps, g)
				return nil
			})
	})
	if err != nil {
		return nil, 0, err
	}
	return gaps, total, nil
}

// DismissGap hides a group from Gaps.
func (db *DB) DismissGap(ctx context.Context, id int64) error {
	tag, err := db.exec(ctx, "dismiss gap", `UPDATE gaps SET dismissed = true WHERE id = $1`, id)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("dismiss gap: gap %d: %w", id, store.ErrNotFound)
	}
	return nil
}
