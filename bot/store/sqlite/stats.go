package sqlite

// Daily counters, feedback and the statistics read from them.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

// CountQuestion counts one reply of kind, for entryID if it is not "".
func (s *DB) CountQuestion(ctx context.Context, kind, entryID string, day time.Time) error {
	return s.CountQuestions(ctx, kind, entryID, day, 1)
}

// CountQuestions counts n replies of kind at once, for entryID if it is not "".
func (s *DB) CountQuestions(ctx context.Context, kind, entryID string, day time.Time, n int) error {
	if err := store.CheckCount(kind, entryID, n); err != nil {
		return fmt.Errorf("count question: %w", err)
	}
	d, err := store.Date(day)
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
func (s *DB) CountFeedback(ctx context.Context, entryID string, helpful bool, day time.Time) error {
	if err := store.CheckEntry(entryID); err != nil {
		return fmt.Errorf("count feedback: %w", err)
	}
	d, err := store.Date(day)
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
func (s *DB) Stats(ctx context.Context, since time.Time) (store.Stats, error) {
	from := store.SinceDate(since)
	var st store.Stats
	err := s.read(ctx, "stats", func(tx *sql.Tx) error {
		err := query(ctx, tx, `SELECT day, sum(count) FROM question_counts WHERE day >= ? GROUP BY day ORDER BY day`,
			[]any{from}, func(rows *sql.Rows) error {
				var d string
				var c store.DayCount
				if err := rows.Scan(&d, &c.Count); err != nil {
					return err
				}
				var err error
				c.Day, err = parseDate(d)
				st.AddDay(c)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT kind, sum(count) FROM question_counts WHERE day >= ? GROUP BY kind ORDER BY 2 DESC, 1`,
			[]any{from}, func(rows *sql.Rows) error {
				var k store.KindCount
				err := rows.Scan(&k.Kind, &k.Count)
				st.Kinds = append(st.Kinds, k)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT entry_id, sum(count) FROM question_counts WHERE day >= ? AND entry_id != ''
			GROUP BY entry_id ORDER BY 2 DESC, 1 LIMIT 10`,
			[]any{from}, func(rows *sql.Rows) error {
				var e store.EntryCount
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
				var f store.EntryFeedback
				err := rows.Scan(&f.EntryID, &f.Helpful, &f.NotHelpful)
				st.Feedback = append(st.Feedback, f)
				return err
			})
	})
	if err != nil {
		return store.Stats{}, err
	}
	st.Rank()
	return st, nil
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
