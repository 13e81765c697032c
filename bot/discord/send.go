package discord

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
)

// A reply that meets a Discord server error, or no answer at all, is tried
// again in the background with growing waits (a quarter of a second
// doubling up to retryMaxWait, with jitter) until DefaultRetryFor has passed
// since the first try. At most DefaultMaxRetrying replies wait at once
// (about 10 KB each); a reply past either bound is dropped, logged without
// content and counted in confidant_discord_replies_dropped_total.
const (
	DefaultRetryFor    = time.Minute
	DefaultMaxRetrying = 1000

	retryFirstWait = 250 * time.Millisecond
	retryMaxWait   = 8 * time.Second
)

// Why a reply was dropped, as counted in the metrics.
const (
	dropRefused  = "refused"  // Discord answered 4xx: trying again cannot help
	dropFull     = "full"     // too many replies already waiting
	dropGaveUp   = "gave-up"  // still failing after RetryFor
	dropShutdown = "shutdown" // the process stopped while the reply waited
)

// pendingReply is one message to create and how its delivery went so far.
type pendingReply struct {
	channelID string
	body      messageCreate
	first     time.Time
	tries     int
}

type messageCreate struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// replyNonce is the nonce of the reply to the message messageID: the same
// in every process, so that with enforce_nonce Discord returns the first
// reply instead of creating a second one when two processes answer the same
// message, or when a try that failed did get through. It fits Discord's 25
// characters.
func replyNonce(messageID string) string {
	sum := sha256.Sum256([]byte("confidant reply to " + messageID))
	return hex.EncodeToString(sum[:])[:25]
}

// send creates a message in channelID. The first try happens at once; if it
// meets a server error, the reply waits in the background for the next
// tries, so the caller never blocks for long.
func (d *Discord) send(channelID string, msg *discordgo.MessageSend, nonce string) {
	r := &pendingReply{channelID: channelID, first: time.Now(),
		body: messageCreate{MessageSend: msg, Nonce: nonce, EnforceNonce: true}}
	err := d.post(r)
	switch {
	case err == nil:
		return
	case !retryable(err):
		d.drop(r, dropRefused, err)
		return
	}
	if d.retrying.Add(1) > int64(d.cfg.MaxRetrying) {
		d.retrying.Add(-1)
		d.drop(r, dropFull, err)
		return
	}
	if !d.begin() {
		d.retrying.Add(-1)
		d.drop(r, dropShutdown, err)
		return
	}
	d.log.Warn("send failed, retrying", slog.String(bot.LogEvent, "send-retry"), slog.String(bot.LogError, restErrorKind(err)))
	go d.retry(r, err)
}

// retry tries r again with growing waits until it is sent, refused, out of
// time, or the process stops.
func (d *Discord) retry(r *pendingReply, err error) {
	defer d.wg.Done()
	defer d.retrying.Add(-1)
	defer d.recoverAndLog("send-retry")
	deadline := r.first.Add(d.cfg.RetryFor)
	for wait := retryFirstWait; ; wait = min(2*wait, retryMaxWait) {
		left := time.Until(deadline)
		if left <= 0 {
			d.drop(r, dropGaveUp, err)
			return
		}
		timer := time.NewTimer(min(jitter(wait), left))
		select {
		case <-d.closing:
			timer.Stop()
			d.drop(r, dropShutdown, err)
			return
		case <-timer.C:
		}
		if err = d.post(r); err == nil {
			d.log.Info("reply sent after retries", slog.String(bot.LogEvent, "send-retried"),
				slog.Int("tries", r.tries), slog.Duration(bot.LogDuration, time.Since(r.first)))
			return
		}
		if !retryable(err) {
			d.drop(r, dropRefused, err)
			return
		}
		d.log.Debug("send failed again", slog.String(bot.LogEvent, "send-retry"), slog.String(bot.LogError, restErrorKind(err)))
	}
}

// post makes one try. discordgo itself waits out 429s and retries a 502
// a few times.
func (d *Discord) post(r *pendingReply) error {
	r.tries++
	endpoint := discordgo.EndpointChannelMessages(r.channelID)
	_, err := d.s.RequestWithBucketID(http.MethodPost, endpoint, r.body, endpoint)
	return err
}

// retryable reports whether another try may succeed: after a server error,
// a timeout or a lost connection (the nonce keeps a try that did get
// through from being doubled), but not after a 4xx.
func retryable(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		return rest.Response.StatusCode >= 500
	}
	return true
}

// jitter spreads the retries of many replies over [wait/2, wait], so they do
// not all hit Discord at once when it comes back.
func jitter(wait time.Duration) time.Duration {
	return wait/2 + rand.N(wait/2+1)
}

// drop gives up on r: counted, and logged without content or IDs.
func (d *Discord) drop(r *pendingReply, reason string, err error) {
	d.r.Metrics.DiscordError(restErrorKind(err))
	d.r.Metrics.ReplyDropped(reason)
	d.log.Error("reply dropped", slog.String(bot.LogEvent, "reply-dropped"), slog.String("reason", reason),
		slog.String(bot.LogError, restErrorKind(err)), slog.Int("tries", r.tries), slog.Duration(bot.LogDuration, time.Since(r.first)))
}
