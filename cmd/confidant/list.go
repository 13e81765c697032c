package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/confidant-bot/confidant/knowledge"
)

const listUsage = `Usage: confidant list [--json] [--corpus DIR]

List every entry of the corpus: id, referral, review date and title.

`

type listJSON struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Referral string             `json:"referral"`
	Reviewed string             `json:"reviewed"`
	Sources  []knowledge.Source `json:"sources"`
}

func runList(_ context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("list", listUsage, s)
	asJSON := fs.Bool("json", false, "print one JSON object per line")
	dir := corpusFlag(fs, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"list takes no arguments"}
	}
	c, _, err := loadCorpus(*dir)
	if err != nil {
		return fmt.Errorf("load corpus: %w", err)
	}
	enc := json.NewEncoder(s.out)
	enc.SetEscapeHTML(false)
	for _, e := range c.Entries {
		if *asJSON {
			if err := enc.Encode(listJSON{e.ID, e.Title, e.Referral, e.ReviewedDate(), e.Sources}); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(s.out, "%-32s %-22s %s  %s\n", e.ID, e.Referral, e.ReviewedDate(), e.Title)
	}
	return nil
}
