package store

// Daily counters, feedback and the statistics read from them, in SQLite.

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"
)

// CountQuestion counts one reply of kind, for entryID if it is not "".
func (s *SQLite) CountQuestion(ctx context.Context, kind, entryID string, day time.Time) error {
	return s.CountQuestions(ctx, kind, entryID, day, 1)
}

// CountQuestions counts n replies of kind at once, for entryID if it is not "".
func (s *SQLite) CountQuestions(ctx context.Context, kind, entryID string, day time.Time, n int) error {
	if n < 1 {
		return fmt.Errorf("count question: %w: n must be at least 1", ErrInvalid)
	}
	if !kinds[kind] {
		return fmt.Errorf("count question: %w: unknown kind %q", ErrInvalid, clip(Scrub(kind), 20))
	}
	if entryID != "" {
		if err := checkEntry(entryID); err != nil {
			return fmt.Errorf("count question: %w", err)
		}
	}
	d, err := date(day)
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
func (s *SQLite) CountFeedback(ctx context.Context, entryID string, helpful bool, day time.Time) error {
	if err := checkEntry(entryID); err != nil {
		return fmt.Errorf("count feedback: %w", err)
	}
	d, err := date(day)
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
func (s *SQLite) Stats(ctx context.Context, since time.Time) (Stats, error) {
	from := "0000-01-01"
	if !since.IsZero() {
		from = since.Format(time.DateOnly)
	}
	var st Stats
	err := s.read(ctx, "stats", func(tx *sql.Tx) error {
		err := query(ctx, tx, `SELECT day, sum(count) FROM question_counts WHERE day >= ? GROUP BY day ORDER BY day`,
			[]any{from}, func(rows *sql.Rows) error {
				var d string
				var c DayCount
				if err := rows.Scan(&d, &c.Count); err != nil {
					return err
				}
				var err error
				c.Day, err = parseDate(d)
				st.Days = fillDays(st.Days, c)
				st.Questions += c.Count
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT kind, sum(count) FROM question_counts WHERE day >= ? GROUP BY kind ORDER BY 2 DESC, 1`,
			[]any{from}, func(rows *sql.Rows) error {
				var k KindCount
				err := rows.Scan(&k.Kind, &k.Count)
				if st.Questions > 0 {
					k.Share = float64(k.Count) / float64(st.Questions)
				}
				st.Kinds = append(st.Kinds, k)
				return err
			})
		if err != nil {
			return err
		}
		err = query(ctx, tx, `SELECT entry_id, sum(count) FROM question_counts WHERE day >= ? AND entry_id != ''
			GROUP BY entry_id ORDER BY 2 DESC, 1 LIMIT 10`,
			[]any{from}, func(rows *sql.Rows) error {
				var e EntryCount
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
				var f EntryFeedback
				err := rows.Scan(&f.EntryID, &f.Helpful, &f.NotHelpful)
				st.Feedback = append(st.Feedback, f)
				return err
			})
	})
	if err != nil {
		return Stats{}, err
	}
	for _, f := range st.Feedback {
		if f.Helpful+f.NotHelpful >= MinVotes {
			st.Worst = append(st.Worst, f)
		}
	}
	sort.SliceStable(st.Worst, func(i, j int) bool {
		a, b := st.Worst[i], st.Worst[j]
		if a.Ratio() != b.Ratio() {
			return a.Ratio() < b.Ratio()
		}
		return a.NotHelpful > b.NotHelpful
	})
	if len(st.Worst) > 10 {
		st.Worst = st.Worst[:10]
	}
	return st, nil
}

// fillDays appends c to days, with a zero for each date missing between.
func fillDays(days []DayCount, c DayCount) []DayCount {
	if n := len(days); n > 0 {
		for d := days[n-1].Day.AddDate(0, 0, 1); d.Before(c.Day); d = d.AddDate(0, 0, 1) {
			days = append(days, DayCount{Day: d})
		}
	}
	return append(days, c)
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
