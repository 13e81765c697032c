package sqlite

import "context"

// RefuseWrites makes the database refuse writes from now on, as a database
// on a read-only disk does, for tests that cannot remount a disk.
func RefuseWrites(s *DB) error {
	_, err := s.w.ExecContext(context.Background(), `PRAGMA query_only = 1`)
	return err
}
