package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

const lintUsage = `Usage: confidant lint [--corpus DIR]

Validate a corpus: every entry, the referral wording and the vocabulary.
Prints every problem with its file and line; exits 1 if there is any error.
Warnings (old reviews, repeated questions, unusable synonyms) do not fail.

`

func runLint(_ context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("lint", lintUsage, s)
	dir := corpusFlag(fs, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"lint takes no arguments; use --corpus DIR"}
	}
	c, report, err := loadCorpus(*dir)
	var verr *knowledge.ValidationError
	if err != nil && !errors.As(err, &verr) {
		return err
	}
	if c != nil {
		for _, p := range index.CheckVocabulary(c.Vocabulary) {
			report.Add(p)
		}
	}
	report.Sort()
	for _, p := range report.Problems {
		fmt.Fprintln(s.out, p)
	}
	entries := 0
	if c != nil {
		entries = len(c.Entries)
	}
	if report.Errors() > 0 {
		fmt.Fprintf(s.out, "%d error(s), %d warning(s)\n", report.Errors(), report.Warnings())
		return fmt.Errorf("corpus is not valid: %d error(s)", report.Errors())
	}
	if err := safety.CheckCanaries(safety.New(c.Triage)); err != nil {
		fmt.Fprintln(s.out, err)
		return fmt.Errorf("corpus is not valid: %w", err)
	}
	fmt.Fprintf(s.out, "ok: %d entries, %d warning(s)\n", entries, report.Warnings())
	return nil
}
