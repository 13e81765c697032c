package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/knowledge"
)

// DiscordConfig configures the Discord adapter.
type DiscordConfig struct {
	Token string // never logged
	// GuildID, when set, registers the commands in that one server (quick
	// to update while testing); otherwise they are global.
	GuildID string
	// API, when set, is the base URL of Discord's REST API to use instead of
	// https://discord.com (a rate-limit proxy, or a test server). The gateway
	// address is then asked from it as usual.
	API string
	// Budget per person: Burst questions at once, one more every Refill.
	Burst  int
	Refill time.Duration
	// ShutdownWait bounds how long replies in flight may take at shutdown.
	ShutdownWait time.Duration
	// A reply that meets a Discord server error is tried again for RetryFor
	// (default DefaultRetryFor), with at most MaxRetrying replies waiting at
	// once (default DefaultMaxRetrying); beyond that it is dropped and counted.
	RetryFor    time.Duration
	MaxRetrying int
	// Limits, when set, is shared with an HTTP endpoint in the same process
	// or with other processes.
	Limits Limiter
	// Handled, when set, remembers the messages and interactions handled,
	// shared with other processes; by default this process remembers them.
	Handled Seen
	// Moderation registers the /faq commands too, in ModerationGuilds only.
	Moderation       bool
	ModerationGuilds []string
	// ShardID is the shard this connection carries, of ShardCount (0 or 1:
	// one connection for every server; AutoShards: as many as Discord
	// recommends). DMs arrive on shard 0, which alone registers the commands.
	ShardID    int
	ShardCount int
}

// DefaultRefill is how long a person waits for one more question once
// their burst is spent.
const DefaultRefill = 12 * time.Second

// Validate reports every problem of the configuration at once.
func (c DiscordConfig) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Token) == "" {
		errs = append(errs, errors.New("DISCORD_TOKEN is required: the bot token from the Discord developer portal"))
	}
	if c.GuildID != "" {
		if _, err := strconv.ParseUint(c.GuildID, 10, 64); err != nil {
			errs = append(errs, fmt.Errorf("CONFIDANT_GUILD_ID %q must be a server id (digits)", c.GuildID))
		}
	}
	if c.API != "" {
		u, err := url.Parse(c.API)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("CONFIDANT_DISCORD_API %q must be an http(s) URL", c.API))
		}
	}
	errs = append(errs, c.shardProblems()...)
	return errors.Join(errs...)
}

// Discord carries replies to people on Discord: DMs over the gateway, and
// the slash commands and components. It is a thin adapter over a bot.Responder.
type Discord struct {
	cfg     DiscordConfig
	s       *discordgo.Session
	r       *bot.Responder
	log     *slog.Logger
	limits  Limiter
	wg      sync.WaitGroup
	closing chan struct{}
	// workMu orders begin's wg.Add before Close's wg.Wait: an Add from
	// zero racing a Wait is a misuse of WaitGroup.
	workMu sync.Mutex
	once   sync.Once
	ix     *Interactions
	// memory holds each DM conversation (entry ids under an HMAC of the
	// user ID, ten idle minutes) so follow-ups and numbers are understood.
	memory *bot.Memory
	// handled are the messages and interactions already taken on, so that a
	// redelivered event is not answered twice.
	handled Seen
	// retrying counts the replies waiting to be tried again.
	retrying atomic.Int64
}

// Redelivered events are recognised for HandledFor after the first, within
// MaxHandled ids (a hash of each id, about 40 bytes).
const (
	HandledFor = 10 * time.Minute
	MaxHandled = 200_000
)

// Interactions is the handler of slash commands and components that this
// gateway connection uses; moderation is added to it by the caller.
func (d *Discord) Interactions() *Interactions { return d.ix }

// NewDiscord prepares a session; Run connects it.
func NewDiscord(cfg DiscordConfig, r *bot.Responder, log *slog.Logger) (*Discord, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 5
	}
	if cfg.Refill <= 0 {
		cfg.Refill = DefaultRefill
	}
	if cfg.ShutdownWait <= 0 {
		cfg.ShutdownWait = 10 * time.Second
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = DefaultRetryFor
	}
	if cfg.MaxRetrying <= 0 {
		cfg.MaxRetrying = DefaultMaxRetrying
	}
	s, err := NewREST(cfg)
	if err != nil {
		return nil, err
	}
	limits := cfg.Limits
	if limits == nil {
		limits = NewRateLimiter(cfg.Burst, cfg.Refill)
	}
	handled := cfg.Handled
	if handled == nil {
		handled = newSeenIDs(HandledFor, MaxHandled)
	}
	d := &Discord{cfg: cfg, s: s, r: r, log: log, limits: limits, closing: make(chan struct{}),
		ix:      &Interactions{Responder: r, Limits: limits, REST: s, Log: log},
		handled: handled, memory: bot.NewMemory()}
	s.AddHandler(d.onReady)
	s.AddHandler(d.onMessage)
	s.AddHandler(d.onInteraction)
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) {
		d.log.Warn("gateway disconnected", slog.String(bot.LogEvent, "disconnect"))
	})
	return d, nil
}

// NewREST makes a discordgo session for REST calls (and, in Discord, the
// gateway), aimed at cfg.API when set.
func NewREST(cfg DiscordConfig) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + strings.TrimSpace(cfg.Token))
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	s.Identify.Intents = discordgo.IntentsDirectMessages
	s.ShouldReconnectOnError = true
	s.ShouldRetryOnRateLimit = true
	s.MaxRestRetries = 3
	s.LogLevel = -1 // discordgo's own logger may print payloads; we log ourselves
	if cfg.API != "" {
		base, _ := url.Parse(cfg.API)
		s.Client = &http.Client{Timeout: 20 * time.Second, Transport: rewriteHost{base: base, next: http.DefaultTransport}}
	}
	return s, nil
}

// Session exposes the underlying session (tests set SyncEvents on it).
func (d *Discord) Session() *discordgo.Session { return d.s }

// rewriteHost sends every REST request to another base URL.
type rewriteHost struct {
	base *url.URL
	next http.RoundTripper
}

func (t rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	return t.next.RoundTrip(r)
}

// Run connects, registers the commands and serves until ctx is cancelled,
// then lets replies in flight finish (bounded by ShutdownWait) and closes.
func (d *Discord) Run(ctx context.Context) error {
	if err := d.shards(); err != nil {
		return err
	}
	if err := d.s.Open(); err != nil {
		if refused := tokenRefused(err); refused != err {
			return refused
		}
		return fmt.Errorf("connect to Discord: %w", err)
	}
	d.log.Info("connected", slog.String(bot.LogEvent, "connected"), slog.Int(LogShard, d.s.ShardID), slog.Int("shards", d.s.ShardCount))
	// One set of commands for the whole bot: shard 0 registers it.
	if d.s.ShardID == 0 {
		if err := d.registerCommands(); err != nil {
			d.s.Close()
			return err
		}
	}
	<-ctx.Done()
	return d.Close()
}

// Close stops taking new work, waits for replies in flight, and disconnects.
func (d *Discord) Close() error {
	var err error
	d.once.Do(func() {
		d.workMu.Lock()
		close(d.closing)
		d.workMu.Unlock()
		done := make(chan struct{})
		go func() { d.wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(d.cfg.ShutdownWait):
			d.log.Warn("shutdown: replies still in flight were abandoned", slog.String(bot.LogEvent, "shutdown"))
		}
		err = d.s.Close()
		d.log.Info("disconnected", slog.String(bot.LogEvent, "closed"))
	})
	return err
}

// begin registers one unit of work unless shutting down.
func (d *Discord) begin() bool {
	d.workMu.Lock()
	defer d.workMu.Unlock()
	select {
	case <-d.closing:
		return false
	default:
		d.wg.Add(1)
		return true
	}
}

func (d *Discord) onReady(_ *discordgo.Session, _ *discordgo.Ready) {
	d.log.Info("gateway ready", slog.String(bot.LogEvent, "ready"))
}

// Commands are the slash commands, usable in servers, in the bot's DMs and,
// installed as a user app, in any DM or group DM.
func Commands() []*discordgo.ApplicationCommand {
	contexts := &[]discordgo.InteractionContextType{
		discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM, discordgo.InteractionContextPrivateChannel,
	}
	installs := &[]discordgo.ApplicationIntegrationType{
		discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall,
	}
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a private question: only you see the answer", Contexts: contexts, IntegrationTypes: installs,
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "Your question, in your own words", Required: true, MaxLength: knowledge.MaxQuestionRunes}}},
		{Name: "topics", Description: "Browse the answers by theme, without typing anything", Contexts: contexts, IntegrationTypes: installs},
		{Name: "privacy", Description: "What this bot stores about you (nothing) and how private it is", Contexts: contexts, IntegrationTypes: installs},
		{Name: "help", Description: "What this bot can and cannot do", Contexts: contexts, IntegrationTypes: installs},
	}
}

func (d *Discord) registerCommands() error {
	appID := ""
	if d.s.State != nil && d.s.State.User != nil {
		appID = d.s.State.User.ID
	}
	if appID == "" {
		return errors.New("register commands: the gateway did not say who the bot is")
	}
	// The public commands go where GuildID says (everywhere when empty);
	// overwriting them also deletes a global /faq left by an older version.
	// /faq goes only to the moderation servers.
	cmds := Commands()
	if d.cfg.Moderation && slices.Contains(d.cfg.ModerationGuilds, d.cfg.GuildID) {
		cmds = append(cmds, ModerationCommands()...)
	}
	if _, err := d.s.ApplicationCommandBulkOverwrite(appID, d.cfg.GuildID, cmds); err != nil {
		return fmt.Errorf("register commands: %w", err)
	}
	if !d.cfg.Moderation {
		return nil
	}
	for _, g := range d.cfg.ModerationGuilds {
		if g == d.cfg.GuildID {
			continue
		}
		if _, err := d.s.ApplicationCommandBulkOverwrite(appID, g, ModerationCommands()); err != nil {
			return fmt.Errorf("register /faq in server %s: %w", g, err)
		}
	}
	return nil
}

// onMessage answers direct messages from people. Messages in servers are
// never read or answered.
func (d *Discord) onMessage(s *discordgo.Session, m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	if s.State != nil && s.State.User != nil && m.Author.ID == s.State.User.ID {
		return
	}
	if !d.handled.First(m.ID, time.Now()) {
		d.log.Debug("message redelivered, already answered", slog.String(bot.LogEvent, "dm-redelivered"))
		return
	}
	if !d.begin() {
		return
	}
	defer d.wg.Done()
	defer d.recoverAndLog("dm")

	var msg *discordgo.MessageSend
	switch d.limits.Take(m.Author.ID) {
	case Drop:
		return
	case Notify:
		msg = &discordgo.MessageSend{Content: slowDown, AllowedMentions: noMentions()}
	default:
		rep := d.memory.Converse(context.Background(), d.r, m.Author.ID, m.Content)
		d.ix.Tally.Add(rep)
		msg = RenderMessage(rep)
	}
	d.send(m.ChannelID, msg, replyNonce(m.ID))
}

// slowDown answers the first question over a person's budget. In DMs the
// ones after it get no reply at all until the budget refills (one question
// every Refill), and none is kept to be answered later; over /ask each gets
// this notice again.
const slowDown = "You're sending questions faster than I can answer well, so I haven't answered this one, and I don't keep it to answer later. Questions you send in the next minute may get no reply either. Please wait a minute, then ask again."

const apologyText = "Sorry, something went wrong on my side. Please try again in a moment."

// restErrorKind describes an error without anything a person wrote.
func restErrorKind(err error) string {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return "http " + strconv.Itoa(rest.Response.StatusCode)
	}
	if err == nil {
		return ""
	}
	return "transport"
}

// recoverAndLog turns a panic in a handler into a log line without content.
func (d *Discord) recoverAndLog(where string) {
	if v := recover(); v != nil {
		d.log.Error("handler panicked", slog.String(bot.LogEvent, where), slog.String(bot.LogError, fmt.Sprintf("%T", v)))
	}
}

func (d *Discord) onInteraction(s *discordgo.Session, i *discordgo.InteractionCreate) {
	if !d.handled.First(i.ID, time.Now()) {
		d.log.Debug("interaction redelivered, already answered", slog.String(bot.LogEvent, "interaction-redelivered"))
		return
	}
	if !d.begin() {
		return
	}
	defer d.wg.Done()
	resp, after := d.ix.Handle(i.Interaction)
	if resp != nil {
		if err := s.InteractionRespond(i.Interaction, resp); err != nil {
			d.r.Metrics.DiscordError(restErrorKind(err))
			d.log.Error("interaction response failed", slog.String(bot.LogEvent, "respond"), slog.String(bot.LogError, restErrorKind(err)))
			return
		}
	}
	if after != nil {
		after()
	}
}
