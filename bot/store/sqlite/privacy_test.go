package sqlite_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/store/storetest"
)

// TestPrivacy reads every row of every table after the bot recorded
// text full of IDs, and looks for them.
func TestPrivacy(t *testing.T) {
	var f files
	storetest.Privacy(t, f.open, func(t *testing.T) storetest.Rows {
		return dumpAll(t, rawDB(t, f.path(t)))
	})
}

// dumpAll reads every row of every table as text, keyed by table and column.
func dumpAll(t *testing.T, db *sql.DB) storetest.Rows {
	t.Helper()
	var names []string
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	all := storetest.Rows{}
	for _, name := range names {
		rows, err := db.Query(`SELECT * FROM "` + name + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			rec := map[string]string{}
			for i, col := range cols {
				switch v := vals[i].(type) {
				case []byte:
					rec[col] = string(v)
				case time.Time:
					rec[col] = v.Format(time.RFC3339) // a driver-parsed time is a time, and fails below
				default:
					rec[col] = fmt.Sprint(v)
				}
			}
			all[name] = append(all[name], rec)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return all
}
