package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

const serveUsage = `Usage: confidant serve [--http ADDR] [--gateway=true|false] [--corpus DIR] [--log-level LEVEL] [--log-format text|json]

Run the Discord bot until interrupted.

  gateway  (default when DISCORD_TOKEN is set and --http is not): connects to
           Discord's gateway; answers DMs, slash commands and clicks. With
           SQLite run exactly one gateway process per shard, or people get
           double replies; with a PostgreSQL CONFIDANT_DATA run several: the
           one holding a lock connects, another takes over if it stops.
  --http   serves Discord's HTTP interactions at ADDR/interactions (slash
           commands and clicks only; DMs need the gateway), plus /healthz and
           /readyz. Needs DISCORD_PUBLIC_KEY. Stateless: run as many replicas
           as you like behind a load balancer.

Environment: DISCORD_TOKEN (gateway; also lets HTTP replicas delete replies),
DISCORD_PUBLIC_KEY (HTTP), CONFIDANT_DATA (the database of shared questions,
counters and the moderators' audit log; default confidant.db in the working
directory; a postgres:// URL to share it, and the corpus imported into it,
between processes), CONFIDANT_SHARED_KEY (with PostgreSQL: the secret, the
same on every process, under which rate limits and replay protection are
shared), CONFIDANT_MODERATOR_ROLE (a role ID allowed to use /faq besides
Manage Server), CONFIDANT_GUILD_ID (register the commands in one
server only), CONFIDANT_CORPUS, CONFIDANT_DISCORD_API (base URL of Discord's
REST API, for a proxy or a test server), CONFIDANT_HTTP (default for --http),
CONFIDANT_SHARD_ID and CONFIDANT_SHARD_COUNT (the gateway's shard, from 0,
of how many, or auto for the count Discord recommends; default 0 of 1; DMs
arrive on shard 0; on PostgreSQL one process per shard connects).

`

// serveConfig is everything serve needs, gathered and validated at once.
type serveConfig struct {
	discord   discord.DiscordConfig
	httpAddr  string
	publicKey string
	gateway   bool
}

func (c serveConfig) validate() error {
	var errs []error
	if c.gateway {
		if err := c.discord.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.httpAddr != "" {
		if _, err := discord.ParsePublicKey(c.publicKey); err != nil {
			errs = append(errs, err)
		}
	}
	if !c.gateway && c.httpAddr == "" {
		errs = append(errs, errors.New("nothing to serve: set DISCORD_TOKEN for the gateway, or --http ADDR with DISCORD_PUBLIC_KEY"))
	}
	return errors.Join(errs...)
}

// runServe wires the bot: a flat list of construction steps in start-up
// order, each failing with a named problem.
func runServe(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("serve", serveUsage, s)
	dir := corpusFlag(fs, getenv)
	httpAddr := fs.String("http", getenv("CONFIDANT_HTTP"), "serve HTTP interactions, /healthz and /readyz at `ADDR` such as :8080 (env CONFIDANT_HTTP)")
	gateway := fs.Bool("gateway", true, "connect to the gateway (DMs); default true, false when --http is given unless set")
	level := fs.String("log-level", envOr(getenv, "CONFIDANT_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env CONFIDANT_LOG_LEVEL)")
	format := fs.String("log-format", envOr(getenv, "CONFIDANT_LOG_FORMAT", "text"), "log format: text or json (env CONFIDANT_LOG_FORMAT)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"serve takes no arguments"}
	}
	gatewaySet := false
	fs.Visit(func(f *flagT) {
		if f.Name == "gateway" {
			gatewaySet = true
		}
	})
	log, logErr := newLogger(s, *level, *format)
	cfg := serveConfig{
		discord: discord.DiscordConfig{
			Token:   getenv("DISCORD_TOKEN"),
			GuildID: getenv("CONFIDANT_GUILD_ID"),
			API:     getenv("CONFIDANT_DISCORD_API"),
		},
		httpAddr:  *httpAddr,
		publicKey: getenv("DISCORD_PUBLIC_KEY"),
		gateway:   *gateway,
	}
	if *httpAddr != "" && !gatewaySet {
		cfg.gateway = false
	}
	var shardErr error
	cfg.discord.ShardID, cfg.discord.ShardCount, shardErr = discord.ParseShards(getenv("CONFIDANT_SHARD_ID"), getenv("CONFIDANT_SHARD_COUNT"))
	if !cfg.gateway {
		shardErr = nil // only the gateway is sharded
	}
	// Every problem at once: the settings, the log options and the corpus.
	corpus, _, corpusErr := loadCorpus(*dir)
	if corpusErr != nil {
		corpusErr = fmt.Errorf("corpus: %w", corpusErr)
	}
	if err := errors.Join(logErr, shardErr, cfg.validate(), corpusErr, sharedKeyProblem(getenv("CONFIDANT_SHARED_KEY"))); err != nil {
		if logErr != nil {
			return usageError{"configuration:\n" + err.Error()} // a bad flag value: exit 2
		}
		return fmt.Errorf("configuration:\n%w", err)
	}
	dataPath := envOr(getenv, "CONFIDANT_DATA", "confidant.db")
	db, err := openStore(dataPath)
	if err != nil {
		return fmt.Errorf("database %s: %w", redactURL(dataPath), err)
	}
	defer db.Close()
	// On PostgreSQL, the corpus imported into the database, if any, is
	// served instead, and moderators change it there.
	shared, err := openSharedCorpus(db, *dir, log)
	if err != nil {
		return err
	}
	if shared != nil {
		defer shared.Close()
		corpus = shared.loaded
	}
	r, err := responderFor(corpus, log)
	if err != nil {
		return err
	}
	metrics := metrics.New()
	// Metrics are served on their own address (loopback by default), never
	// on the public interactions listener; bound now, so a busy address
	// stops the start before anything else runs.
	var metricsLn net.Listener
	if addr := envOr(getenv, "CONFIDANT_METRICS_ADDR", discord.DefaultMetricsAddr); addr != "off" {
		if metricsLn, err = discord.ListenMetrics(addr); err != nil {
			return err
		}
		defer metricsLn.Close()
	}
	r.Metrics = metrics
	metrics.CorpusLoaded(r.Library().Index.Len(), "ok")

	r.ShareGaps = true
	tally := &bot.Tally{Recorder: db, Log: log}
	guilds := moderationGuilds(getenv("CONFIDANT_MODERATION_GUILDS"))
	if len(guilds) == 0 {
		log.Warn("moderation is off: CONFIDANT_MODERATION_GUILDS is not set, so /faq is not registered and every moderator action is refused")
	}
	mod := &discord.Moderation{Responder: r, Store: db, Guilds: guilds, ModeratorRole: getenv("CONFIDANT_MODERATOR_ROLE"), Log: log}

	var limits discord.Limiter = discord.NewRateLimiter(5, discord.DefaultRefill)
	// On PostgreSQL with CONFIDANT_SHARED_KEY, every process shares them.
	people := sharedPeople(db, getenv("CONFIDANT_SHARED_KEY"), log)
	if people != nil {
		limits = people.Limiter(5, discord.DefaultRefill)
		mod.Counted = people.Counter()
		cfg.discord.Handled = people.Seen("gateway", discord.HandledFor, discord.NewSeen(discord.HandledFor, discord.MaxHandled))
	}
	help := getenv("CONFIDANT_HELP_CHANNEL")
	ix := &discord.Interactions{Responder: r, Limits: limits, Log: log, Moderation: mod, Tally: tally, HelpChannel: help}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return tally.Run(gctx, bot.TallyFlushEvery) })
	if people != nil {
		g.Go(func() error { return people.Sweep(gctx, time.Minute) })
	}
	if shared != nil {
		follow := shared.moderate(r, mod, log, metrics)
		g.Go(func() error { return follow(gctx) })
	} else if *dir != "" {
		reloader := &bot.Reloader{Dir: *dir, Responder: r, Options: index.DefaultOptions(), Log: log, Metrics: metrics}
		corpusDir, err := knowledge.OpenDir(*dir)
		if err != nil {
			return err
		}
		mod.Dir, mod.Reload = corpusDir, reloader.Reload
		g.Go(func() error { return reloader.Watch(gctx, 500*time.Millisecond) })
	}
	cfg.discord.Limits = limits
	cfg.discord.Moderation = len(guilds) > 0
	cfg.discord.ModerationGuilds = guilds
	if lock := shardLock(db, cfg.discord.ShardID); cfg.gateway && lock != nil {
		// On PostgreSQL any number of processes may run the gateway: the
		// one holding its shard's lock connects, the others wait to take over.
		rest, err := discord.NewREST(cfg.discord)
		if err != nil {
			return err
		}
		ix.REST, mod.REST = rest, rest
		glog := log.With(discord.LogShard, cfg.discord.ShardID) // the lock's messages
		g.Go(func() error {
			return cluster.RunExclusive(gctx, lock, connectGateway(cfg.discord, r, log, mod, tally, help), glog)
		})
	} else if cfg.gateway {
		d, err := discord.NewDiscord(cfg.discord, r, log)
		if err != nil {
			return err
		}
		dix := d.Interactions()
		dix.Moderation, dix.Tally, dix.HelpChannel = mod, tally, help
		mod.REST = d.Session()
		ix = dix
		g.Go(func() error { return d.Run(gctx) })
	} else if cfg.discord.Token != "" {
		rest, err := discord.NewREST(cfg.discord)
		if err != nil {
			return err
		}
		ix.REST = rest
		mod.REST = rest
	}
	if cfg.httpAddr != "" {
		pub, _ := discord.ParsePublicKey(cfg.publicKey)
		srv := &discord.HTTPServer{Interactions: ix, PublicKey: pub, Log: log, Handled: httpHandled(people),
			Ready:   func(ctx context.Context) error { return readiness(ctx, r, db) },
			Metrics: metrics,
		}
		g.Go(func() error { return srv.Serve(gctx, cfg.httpAddr) })
	}
	if metricsLn != nil {
		g.Go(func() error { return discord.ServeMetrics(gctx, metricsLn, metrics.Handler(), log) })
	}
	return g.Wait()
}

// shardLock is the gateway lock of one shard, whatever the shard count:
// two processes may hold shards 0 and 1, never two the same shard. Shard
// 0's is the lock of an unsharded gateway, so a process started without
// the settings never connects beside the holder of shard 0 (both would
// get the DMs).
func shardLock(db store.Store, shard int) cluster.Lock {
	pg, ok := db.(*postgres.DB)
	switch {
	case !ok:
		return nil
	case shard == 0:
		return gatewayLock(db)
	}
	return pg.NewLock(fmt.Sprintf("gateway shard %d", shard))
}

// readiness is nil once a corpus and its index are being served and the
// database can be read and written (not on a full or read-only disk).
func readiness(ctx context.Context, r *bot.Responder, db store.Store) error {
	lib := r.Library()
	if lib == nil || lib.Index == nil || lib.Index.Len() == 0 {
		return errors.New("corpus not loaded")
	}
	if err := db.Ping(ctx); err != nil {
		return err
	}
	return db.Writable(ctx)
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

// moderationGuilds reads a comma-separated list of server IDs.
func moderationGuilds(s string) []string {
	var out []string
	for _, g := range strings.Split(s, ",") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// redactURL hides the password of a database URL in messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}
