package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

const corpusUsage = `Usage: confidant corpus COMMAND [arguments]

Work with corpus directories.

Commands:
  export DIR  write the corpus into DIR, a new or empty directory, to edit
              it and serve it with --corpus DIR (or import it again)
  import DIR  put the corpus directory DIR into the PostgreSQL database that
              CONFIDANT_DATA names, which every serve process on that
              database then serves and moderators change

`

const corpusExportUsage = `Usage: confidant corpus export DIR

Write a corpus (faq/*.md and the YAML files) into DIR, which must be new or
empty: the embedded corpus, or, when CONFIDANT_DATA is a postgres:// URL,
the corpus kept in that database (retired entries included). Edit it, check
it with "confidant lint --corpus DIR", and serve it with --corpus DIR or
put it back with "confidant corpus import DIR".

`

const corpusImportUsage = `Usage: confidant corpus import DIR

Replace the corpus kept in the PostgreSQL database that CONFIDANT_DATA names
(a postgres:// URL) with the corpus directory DIR: every file of it, the
retired entries included, in one transaction. DIR must pass
"confidant lint" and the crisis canaries, or nothing changes. Every serve
process on the database serves the new corpus within seconds, and
moderators' changes are then saved in the database.

`

func runCorpus(ctx context.Context, args []string, s stdio, getenv env) error {
	if len(args) == 0 {
		fmt.Fprint(s.err, corpusUsage)
		return usageError{"corpus needs a command: export or import"}
	}
	switch args[0] {
	case "export":
		return runCorpusExport(ctx, args[1:], s, getenv)
	case "import":
		return runCorpusImport(ctx, args[1:], s, getenv)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(s.err, corpusUsage)
		return errFlagHelp
	}
	fmt.Fprint(s.err, corpusUsage)
	return usageError{fmt.Sprintf("unknown corpus command %q", args[0])}
}

func runCorpusExport(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("corpus export", corpusExportUsage, s)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"corpus export needs exactly one DIR"}
	}
	dir := fs.Arg(0)
	if data := getenv("CONFIDANT_DATA"); isPostgresURL(data) {
		db, err := openPostgres(data)
		if err != nil {
			return fmt.Errorf("database %s: %w", redactURL(data), err)
		}
		defer db.Close()
		if err := cluster.Export(ctx, db, dir); err != nil {
			if errors.Is(err, cluster.ErrNoCorpus) {
				return fmt.Errorf("%w (or unset CONFIDANT_DATA to export the embedded corpus)", err)
			}
			return err
		}
		fmt.Fprintf(s.out, "exported the corpus of the database to %s\n", dir)
		return nil
	}
	if err := knowledge.Export(dir); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "exported the embedded corpus to %s\n", dir)
	return nil
}

func runCorpusImport(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("corpus import", corpusImportUsage, s)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"corpus import needs exactly one DIR"}
	}
	dir := fs.Arg(0)
	data := getenv("CONFIDANT_DATA")
	if !isPostgresURL(data) {
		return errors.New("corpus import needs CONFIDANT_DATA set to a postgres:// URL: the corpus is kept in a database only when serve processes share one")
	}
	db, err := openPostgres(data)
	if err != nil {
		return fmt.Errorf("database %s: %w", redactURL(data), err)
	}
	defer db.Close()
	added, changed, removed, err := cluster.Import(ctx, db, dir, bot.CheckCorpus)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "imported %s into the database: %d file(s) added, %d changed, %d removed; every serve process on it reloads now\n",
		dir, added, changed, removed)
	return nil
}

// sharedCorpus is the corpus that serve takes from its database, when
// CONFIDANT_DATA is PostgreSQL and a corpus was imported into it.
type sharedCorpus struct {
	*cluster.Corpus
	db          *postgres.DB
	loaded      *knowledge.Corpus
	fingerprint string
	report      knowledge.Report
}

// openSharedCorpus loads the corpus of db, or returns nil when db is not
// PostgreSQL or holds no corpus (the folder or embedded corpus is served,
// as with SQLite). A corpus in the database and a --corpus folder are a
// conflict: one of them would be ignored.
func openSharedCorpus(db store.Store, dir string, log *slog.Logger) (*sharedCorpus, error) {
	pg, ok := db.(*postgres.DB)
	if !ok {
		return nil, nil
	}
	c, err := cluster.NewCorpus(pg, bot.CheckCorpus)
	if err != nil {
		return nil, err
	}
	files, fp, err := c.Snapshot()
	if errors.Is(err, cluster.ErrNoCorpus) {
		c.Close()
		log.Info("the database holds no corpus: this process serves its own; run confidant corpus import DIR to share one between processes")
		return nil, nil
	}
	if err == nil && dir != "" {
		err = errors.New("configuration: the database holds a corpus and --corpus (CONFIDANT_CORPUS) names a folder: unset --corpus to serve the database's, or export it to change it by hand and import it again")
	}
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("corpus in the database: %w", err)
	}
	loaded, report, err := knowledge.Load(files)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("corpus in the database: %w", err)
	}
	log.Info("serving the corpus of the database", slog.Int("entries", len(loaded.Entries)))
	return &sharedCorpus{Corpus: c, db: pg, loaded: loaded, fingerprint: fp, report: report}, nil
}

// moderate lets moderators change the corpus in the database, and reloads
// r whenever any process changes it; run follows the changes until ctx
// ends.
func (c *sharedCorpus) moderate(r *bot.Responder, mod *discord.Moderation, log *slog.Logger, m *metrics.Metrics) (run func(ctx context.Context) error) {
	reloader := &bot.Reloader{Source: c.Corpus, Responder: r, Options: index.DefaultOptions(), Log: log, Metrics: m}
	reloader.Serving(c.fingerprint, c.report)
	mod.Dir, mod.Reload = c.Corpus, reloader.Reload
	return func(ctx context.Context) error {
		c.Follow(ctx, c.db, reloader, log)
		return nil
	}
}
