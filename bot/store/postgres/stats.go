package postgres

// Daily counters, feedback and the statistics read from them.

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
)

// CountQuestion counts one reply of kind, for entryID if it is not "".
func (db *DB) CountQuestion(ctx context.Context, kind, entryID string, day time.Time) error {
	return db.CountQuestions(ctx, kind, entryID, day, 1)
}

// CountQuestions counts n replies of kind at once, for entryID if it is not "".
func (db *DB) CountQuestions(ctx context.Context, kind, entryID string, day time.Time, n int) error {
	if err := store.CheckCount(kind, entryID, n); err != nil {
		return fmt.Errorf("count question: %w", err)
	}
	d, err := store.Date(day)
	if err != nil {
		return fmt.Errorf("count question: %w", err)
	}
	_, err = db.exec(ctx, "count question", `
		INSERT INTO question_counts (day, kind, entry_id, count) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day, kind, entry_id) DO UPDATE SET count = question_counts.count + excluded.count`,
		d, kind, entryID, n)
	return err
}

// CountFeedback counts one vote for entryID.
func (db *DB) CountFeedback(ctx context.Context, entryID string, helpful bool, day time.Time) error {
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
	_, err = db.exec(ctx, "count feedback", `
		INSERT INTO feedback_counts (day, entry_id, helpful, not_helpful) VALUES ($1, $2, $3, $4)
		ON CONFLICT (day, entry_id) DO UPDATE SET
			helpful = feedback_counts.helpful + excluded.helpful,
			not_helpful = feedback_counts.not_helpful + excluded.not_helpful`,
		d, entryID, yes, no)
	return err
}

// Stats sums the counters from the date of since onwards, in one snapshot.
func (db *DB) Stats(ctx context.Context, since time.Time) (store.Stats, error) {
	from := []any{store.SinceDate(since)}
	var st store.Stats
	err := db.read(ctx, "stats", func(tx pgx.Tx) error {
		err := query(ctx, tx, `SELECT day, sum(count)::bigint FROM question_counts WHERE day >= $1::date GROUP BY day ORDER BY day`,
			from, func(rows pgx.Rows) error {
				var c store.DayCount
				err := rows.Scan(&c.Day, &c.Count)
				st.AddDay(c)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT kind, sum(count)::bigint FROM question_counts WHERE day >= $1::date GROUP BY kind ORDER BY 2 DESC, 1`,
			from, func(rows pgx.Rows) error {
				var k store.KindCount
				err := rows.Scan(&k.Kind, &k.Count)
				st.Kinds = append(st.Kinds, k)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT entry_id, sum(count)::bigint FROM question_counts WHERE day >= $1::date AND entry_id <> ''
			GROUP BY entry_id ORDER BY 2 DESC, 1 LIMIT 10`,
			from, func(rows pgx.Rows) error {
				var e store.EntryCount
				err := rows.Scan(&e.EntryID, &e.Count)
				st.Top = append(st.Top, e)
				return err
			})
		if err != nil {
			return err
		}
		return query(ctx, tx, `SELECT entry_id, sum(helpful)::bigint, sum(not_helpful)::bigint FROM feedback_counts WHERE day >= $1::date
			GROUP BY entry_id ORDER BY sum(helpful) + sum(not_helpful) DESC, 1`,
			from, func(rows pgx.Rows) error {
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
