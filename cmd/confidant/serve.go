package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/confidant-bot/confidant/bot"
)

const serveUsage = `Usage: confidant serve [--corpus DIR] [--log-level LEVEL] [--log-format text|json]

Run the Discord bot until interrupted. Configuration comes from the
environment: DISCORD_TOKEN (required), CONFIDANT_GUILD_ID (register the
commands in one server only), CONFIDANT_CORPUS, CONFIDANT_DISCORD_API (base
URL of Discord's REST API, for a proxy or a test server).

`

func runServe(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("serve", serveUsage, s)
	dir := corpusFlag(fs, getenv)
	level := fs.String("log-level", envOr(getenv, "CONFIDANT_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env CONFIDANT_LOG_LEVEL)")
	format := fs.String("log-format", envOr(getenv, "CONFIDANT_LOG_FORMAT", "text"), "log format: text or json (env CONFIDANT_LOG_FORMAT)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"serve takes no arguments"}
	}
	log, err := newLogger(s, *level, *format)
	if err != nil {
		return usageError{err.Error()}
	}
	cfg := bot.DiscordConfig{
		Token:   getenv("DISCORD_TOKEN"),
		GuildID: getenv("CONFIDANT_GUILD_ID"),
		API:     getenv("CONFIDANT_DISCORD_API"),
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	r, err := newResponder(*dir, log)
	if err != nil {
		return err
	}
	d, err := bot.NewDiscord(cfg, r, log)
	if err != nil {
		return err
	}
	return d.Run(ctx)
}

func envOr(getenv env, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

// newLogger builds the one logger of the process. Log records never carry
// message content or IDs of people or channels (see bot/log.go).
func newLogger(s stdio, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	w := s.err
	if w == nil {
		w = os.Stderr
	}
	switch strings.ToLower(format) {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("log format %q: use text or json", format)
}
