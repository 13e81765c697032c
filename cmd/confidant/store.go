package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
)

// connectTimeout bounds how long openStore waits for PostgreSQL to answer
// and migrate, so that a wrong address fails the start instead of hanging.
const connectTimeout = 30 * time.Second

// openStore opens the store that setting (CONFIDANT_DATA) names: a
// postgres:// or postgresql:// URL is a PostgreSQL database that many
// processes may share, anything else the path of an SQLite file.
func openStore(setting string) (store.Store, error) {
	if !isPostgresURL(setting) {
		return sqlite.Open(setting)
	}
	db, err := openPostgres(setting)
	if err != nil {
		return nil, err // not a nil *postgres.DB in a non-nil Store
	}
	return db, nil
}

// openPostgres opens the PostgreSQL database of the URL setting.
func openPostgres(setting string) (*postgres.DB, error) {
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	return postgres.Open(ctx, setting)
}

func isPostgresURL(setting string) bool {
	s := strings.ToLower(setting)
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// sharedKeyProblem checks CONFIDANT_SHARED_KEY, the secret under which the
// processes on one PostgreSQL database key what they share about people.
func sharedKeyProblem(key string) error {
	if key != "" && len(key) < cluster.MinSecretLen {
		return fmt.Errorf("CONFIDANT_SHARED_KEY must be at least %d characters (the same random secret on every process), such as the output of: openssl rand -hex 32", cluster.MinSecretLen)
	}
	return nil
}

// sharedPeople is what the processes on db share about people: question
// budgets, votes and shares counted, and ids handled (replays). It is nil,
// and each process keeps its own, unless db is PostgreSQL and key is set.
func sharedPeople(db store.Store, key string, log *slog.Logger) *cluster.People {
	pg, ok := db.(*postgres.DB)
	switch {
	case ok && key == "":
		log.Warn("CONFIDANT_SHARED_KEY is not set: rate limits, vote and share counts and replay protection are kept per process; set the same secret on every process to share them")
		return nil
	case !ok && key != "":
		log.Warn("CONFIDANT_SHARED_KEY is ignored: it is used with a PostgreSQL CONFIDANT_DATA only")
		return nil
	case !ok:
		return nil
	}
	people, err := cluster.NewPeople(pg, key, log)
	if err != nil { // checked with the configuration already
		log.Error(err.Error())
		return nil
	}
	return people
}

// httpHandled is the replay protection of HTTP interactions: shared by
// the processes when people is, else nil (each process its own).
func httpHandled(people *cluster.People) discord.Seen {
	if people == nil {
		return nil
	}
	window := discord.MaxSignatureAge + discord.MaxClockSkew
	return people.Seen("http", window, discord.NewSeen(window, discord.MaxReplayIDs))
}

// gatewayLock lets one process at a time connect to the gateway, when the
// processes share a PostgreSQL database; nil with SQLite, where one process
// runs the gateway.
func gatewayLock(db store.Store) cluster.Lock {
	if pg, ok := db.(*postgres.DB); ok {
		return pg.NewLock("gateway")
	}
	return nil
}

// connectGateway is one connection to Discord's gateway, made anew each time this
// process takes the gateway lock.
func connectGateway(cfg discord.DiscordConfig, r *bot.Responder, log *slog.Logger, mod *discord.Moderation, tally *bot.Tally, help string) func(context.Context) error {
	return func(ctx context.Context) error {
		d, err := discord.NewDiscord(cfg, r, log)
		if err != nil {
			return err
		}
		dix := d.Interactions()
		dix.Moderation, dix.Tally, dix.HelpChannel = mod, tally, help
		return d.Run(ctx)
	}
}
