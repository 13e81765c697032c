package sqlite

// Shared questions ("gaps").

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

// ShareGap stores the scrubbed text and the date of a shared question.
func (s *DB) ShareGap(ctx context.Context, text string, day time.Time) error {
	d, err := store.Date(day)
	if err != nil {
		return fmt.Errorf("share gap: %w", err)
	}
	text, key, err := store.GapText(text)
	if err != nil {
		return fmt.Errorf("share gap: %w", err)
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
func (s *DB) Gaps(ctx context.Context, page, perPage int) ([]store.Gap, int, error) {
	if err := store.CheckPage(page, perPage); err != nil {
		return nil, 0, fmt.Errorf("list gaps: %w", err)
	}
	var gaps []store.Gap
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
			var g store.Gap
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
func (s *DB) DismissGap(ctx context.Context, id int64) error {
	return s.write(ctx, "dismiss gap", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE gaps SET dismissed = 1 WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("gap %d: %w", id, store.ErrNotFound)
		}
		return nil
	})
}
