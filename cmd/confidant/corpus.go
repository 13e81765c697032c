package main

import (
	"context"
	"fmt"

	"github.com/confidant-bot/confidant/knowledge"
)

const corpusUsage = `Usage: confidant corpus COMMAND [arguments]

Work with corpus directories.

Commands:
  export DIR  write the embedded corpus into DIR, a new or empty directory,
              to edit it and serve it with --corpus DIR

`

const corpusExportUsage = `Usage: confidant corpus export DIR

Write the embedded corpus (faq/*.md and the YAML files) into DIR, which must
be new or empty. Edit it, check it with "confidant lint --corpus DIR", and
serve it with --corpus DIR.

`

func runCorpus(ctx context.Context, args []string, s stdio, getenv env) error {
	if len(args) == 0 {
		fmt.Fprint(s.err, corpusUsage)
		return usageError{"corpus needs a command: export"}
	}
	switch args[0] {
	case "export":
		return runCorpusExport(ctx, args[1:], s, getenv)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(s.err, corpusUsage)
		return errFlagHelp
	}
	fmt.Fprint(s.err, corpusUsage)
	return usageError{fmt.Sprintf("unknown corpus command %q", args[0])}
}

func runCorpusExport(_ context.Context, args []string, s stdio, _ env) error {
	fs := newFlagSet("corpus export", corpusExportUsage, s)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"corpus export needs exactly one DIR"}
	}
	dir := fs.Arg(0)
	if err := knowledge.Export(dir); err != nil {
		return err
	}
	fmt.Fprintf(s.out, "exported the embedded corpus to %s\n", dir)
	return nil
}
