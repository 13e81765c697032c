package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// flagT is a parsed flag, for Visit.
type flagT = flag.Flag

// env is the environment as a lookup function, so tests can pass their own.
type env func(string) string

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errFlagHelp reports that -h was given and usage was printed: exit 0.
var errFlagHelp = flag.ErrHelp

func exitCode(err error) int {
	var u usageError
	switch {
	case err == nil, errors.Is(err, errFlagHelp):
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

const mainUsage = `Usage: confidant [command] [flags]

Confidant answers private questions about sex, intimacy and sexual health
from a curated, sourced FAQ corpus.

With no command it runs the Discord bot when DISCORD_TOKEN is set, and a
console chat otherwise.

Commands:
  chat     talk to Confidant on the console
  ask      answer questions given as arguments or one per line on stdin
  list     list the entries of the corpus
  lint     validate a corpus
  corpus   export the embedded corpus to a directory to edit
  eval     measure answer quality on a labelled question file
  serve    run the Discord bot (gateway and/or HTTP interactions)
  healthcheck  check a running HTTP listener (for container images)
  version  print the version

Run "confidant COMMAND -h" for a command's flags.
`

// command is one subcommand.
type command func(ctx context.Context, args []string, io stdio, getenv env) error

// stdio are the streams a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

func commands() map[string]command {
	return map[string]command{
		"chat":        runChat,
		"ask":         runAsk,
		"list":        runList,
		"lint":        runLint,
		"corpus":      runCorpus,
		"eval":        runEval,
		"serve":       runServe,
		"version":     runVersion,
		"healthcheck": runHealthcheck,
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) error {
	s := stdio{in: stdin, out: stdout, err: stderr}
	if len(args) == 0 {
		if getenv("DISCORD_TOKEN") != "" {
			return runServe(ctx, nil, s, getenv)
		}
		return runChat(ctx, nil, s, getenv)
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return nil
	}
	cmd, ok := commands()[name]
	if !ok {
		fmt.Fprint(stderr, mainUsage)
		return usageError{fmt.Sprintf("unknown command %q", name)}
	}
	err := cmd(ctx, args[1:], s, getenv)
	if errors.Is(err, errFlagHelp) {
		return nil // the usage asked for is printed: that is success, not an error to report
	}
	return err
}

const versionUsage = `Usage: confidant version

Print the version of this program.

`

func runVersion(_ context.Context, args []string, s stdio, _ env) error {
	fs := newFlagSet("version", versionUsage, s)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"version takes no arguments"}
	}
	fmt.Fprintln(s.out, "confidant", version)
	return nil
}

// newFlagSet makes a flag set that reports errors as usage errors.
func newFlagSet(name, usage string, s stdio) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.err)
	fs.Usage = func() {
		fmt.Fprint(s.err, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, mapping errors to usageError and -h to errFlagHelp.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errFlagHelp
		}
		return usageError{} // flag already printed the problem and usage
	}
	return nil
}

// corpusFlag adds --corpus with its CONFIDANT_CORPUS default.
func corpusFlag(fs *flag.FlagSet, getenv env) *string {
	return fs.String("corpus", getenv("CONFIDANT_CORPUS"), "corpus `directory` to load instead of the embedded one (env CONFIDANT_CORPUS)")
}

// loadCorpus loads the corpus directory dir, or the embedded corpus when dir
// is empty. A corpus with errors is never served: the error lists them.
func loadCorpus(dir string) (*knowledge.Corpus, knowledge.Report, error) {
	if dir == "" {
		return knowledge.Default()
	}
	return knowledge.LoadDir(dir)
}

// newResponder loads and indexes a corpus.
func newResponder(dir string, log *slog.Logger) (*bot.Responder, error) {
	c, _, err := loadCorpus(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	return responderFor(c, log)
}

// responderFor indexes a loaded corpus.
func responderFor(c *knowledge.Corpus, log *slog.Logger) (*bot.Responder, error) {
	lib, err := bot.NewLibrary(c, index.DefaultOptions())
	if err != nil {
		return nil, err
	}
	return bot.NewResponder(lib, log), nil
}

func joinArgs(args []string) string { return strings.TrimSpace(strings.Join(args, " ")) }
