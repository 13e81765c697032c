package main

import (
	"context"
	"errors"
)

const serveUsage = `Usage: confidant serve [--corpus DIR]

Run the Discord bot. Needs DISCORD_TOKEN in the environment.

`

func runServe(_ context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("serve", serveUsage, s)
	_ = corpusFlag(fs, getenv)
	if err := parse(fs, args); err != nil {
		return err
	}
	return errors.New("the Discord bot is not built yet; use \"confidant chat\" or \"confidant ask\"")
}
