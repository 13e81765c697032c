package postgres

// The corpus files, kept in the database so that every process serves the
// same corpus and a moderator's change is one transaction.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/confidant-bot/confidant/bot/store"
)

// corpusChannel is the channel on which a committed corpus change is
// announced; the payload is the schema whose corpus changed, since
// channels are shared by every schema of a database.
const corpusChannel = "confidant_corpus"

// CorpusFiles returns every file of the corpus kept in the database, by
// slash-separated path, as one snapshot. It is empty until a corpus is
// imported.
func (db *DB) CorpusFiles(ctx context.Context) (map[string]store.CorpusFile, error) {
	files := map[string]store.CorpusFile{}
	err := db.read(ctx, "corpus files", func(tx pgx.Tx) error {
		return readCorpus(ctx, tx, files)
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

func readCorpus(ctx context.Context, tx pgx.Tx, files map[string]store.CorpusFile) error {
	return query(ctx, tx, `SELECT path, content, version FROM corpus_files`, nil, func(rows pgx.Rows) error {
		var path string
		var f store.CorpusFile
		if err := rows.Scan(&path, &f.Content, &f.Version); err != nil {
			return err
		}
		files[path] = f
		return nil
	})
}

// CorpusFileVersion returns the version of the file at path, or
// store.ErrNotFound.
func (db *DB) CorpusFileVersion(ctx context.Context, path string) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT version FROM corpus_files WHERE path = $1`, path).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("corpus file %q: %w", path, store.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("corpus file version: %w", classify(ctx, err))
	}
	return v, nil
}

// changeLockTimeout bounds how long a change waits for another process's
// change to commit before it fails with store.ErrLocked.
const changeLockTimeout = "30s"

// ChangeCorpus changes the corpus in one transaction. change is given the
// current files under a lock that every change of every process takes, so
// changes never interleave and a version it checks cannot change before the
// commit; it returns the content every file must have, and the files it
// leaves out are deleted. A file whose content changes gets the number of
// this change as its version. When change fails, nothing is written and
// its error is returned (wrapped); when it changes nothing, nothing is
// committed and changed is false. Every process watching (WatchCorpus) is
// told once the change is committed.
func (db *DB) ChangeCorpus(ctx context.Context, change func(map[string]store.CorpusFile) (map[string]string, error)) (changed bool, err error) {
	err = db.write(ctx, "change corpus", func(tx pgx.Tx) error {
		// A change waits for the one before it, which loads and checks
		// the corpus, longer than for the store's short writes.
		if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '`+changeLockTimeout+`'`); err != nil {
			return err
		}
		var last int64
		if err := tx.QueryRow(ctx, `SELECT version FROM corpus_version FOR UPDATE`).Scan(&last); err != nil {
			return err
		}
		cur := map[string]store.CorpusFile{}
		if err := readCorpus(ctx, tx, cur); err != nil {
			return err
		}
		next, err := change(cur)
		if err != nil {
			return err
		}
		for path, content := range next {
			if err := store.CheckCorpusFile(path, content); err != nil {
				return err
			}
		}
		version := last + 1
		var b pgx.Batch
		for path, content := range next {
			if f, ok := cur[path]; !ok || f.Content != content {
				b.Queue(`INSERT INTO corpus_files (path, content, version) VALUES ($1, $2, $3)
					ON CONFLICT (path) DO UPDATE SET content = EXCLUDED.content, version = EXCLUDED.version`, path, content, version)
			}
		}
		for path := range cur {
			if _, ok := next[path]; !ok {
				b.Queue(`DELETE FROM corpus_files WHERE path = $1`, path)
			}
		}
		if b.Len() == 0 {
			return nil
		}
		b.Queue(`UPDATE corpus_version SET version = $1`, version)
		b.Queue(`SELECT pg_notify($1, current_schema())`, corpusChannel)
		if err := tx.SendBatch(ctx, &b).Close(); err != nil {
			return err
		}
		changed = true
		return nil
	})
	return changed, err
}

// How WatchCorpus keeps its connection: it checks an idle connection every
// watchIdle, and waits between watchRetryMin and watchRetryMax (doubling)
// before connecting again.
const (
	watchIdle     = 15 * time.Second
	watchRetryMin = 250 * time.Millisecond
	watchRetryMax = 5 * time.Second
)

// WatchCorpus calls changed whenever the corpus may have changed, until ctx
// ends: each time it starts listening (the first time, and after each
// reconnection, for the changes it may have missed meanwhile), and after
// each change that any process commits to this schema's corpus. It listens
// on a connection of its own; when that fails (the database is down) it
// reports the error to failed and connects again, waiting a little longer
// each time, up to watchRetryMax. changed must not block for long.
func (db *DB) WatchCorpus(ctx context.Context, changed func(), failed func(error)) {
	wait := watchRetryMin
	for ctx.Err() == nil {
		listening, err := db.listen(ctx, changed)
		if ctx.Err() != nil {
			return
		}
		if listening {
			wait = watchRetryMin
		}
		failed(fmt.Errorf("watch corpus: %w", err))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, watchRetryMax)
	}
}

// listen takes a connection of its own out of the pool, listens on it, and
// calls changed until the connection fails or ctx ends. listening reports
// whether it got as far as listening.
func (db *DB) listen(ctx context.Context, changed func()) (listening bool, err error) {
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return false, classify(ctx, err)
	}
	conn := pc.Hijack() // a LISTEN belongs to its connection, which the pool must not share
	defer conn.Close(context.WithoutCancel(ctx))
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return false, classify(ctx, err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+corpusChannel); err != nil {
		return false, classify(ctx, err)
	}
	changed()
	for {
		wctx, cancel := context.WithTimeout(ctx, watchIdle)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return true, ctx.Err()
		case err == nil:
			if n.Payload == schema {
				changed()
			}
		case wctx.Err() != nil:
			// Idle: make sure the connection still works, since a
			// silently broken one would wait for ever.
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, classify(ctx, err)
			}
		default:
			return true, classify(ctx, err)
		}
	}
}
