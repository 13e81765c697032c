package discord

// The "helpful / not helpful" buttons under an answer.

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
)

// Replies to a vote. Each says what happened to it: a vote that was not
// stored is never thanked as if it had been.
const (
	voteCounted      = "Thank you, that helps us improve the answers. Nothing about you was stored."
	voteAlready      = "Thank you! Your vote on this answer is already counted for today, so this one was not added again."
	voteNotRecorded  = "Sorry, your vote could not be recorded right now (a problem on our side). Nothing about you was stored."
	voteNotKept      = "Thank you. This bot does not keep votes, so nothing was recorded."
	voteEntryRetired = "That answer is no longer offered, so the vote was not counted. Thank you all the same."
)

// feedback counts one vote: one per person, entry and day (m.counted).
func (m *Moderation) feedback(i *discordgo.Interaction, custom string) *discordgo.InteractionResponse {
	helpful := strings.HasPrefix(custom, idHelpful)
	entry := strings.TrimPrefix(strings.TrimPrefix(custom, idHelpful), idNotHelpful)
	if m.Store == nil {
		return text(voteNotKept)
	}
	if _, ok := m.Responder.Library().Corpus.Entry(entry); !ok {
		return text(voteEntryRetired)
	}
	now := m.now()
	user, what := UserID(i), "vote\x00"+entry+"\x00"+now.UTC().Format(time.DateOnly)
	if !m.counter().First(user, what, now) {
		return text(voteAlready)
	}
	if err := m.Store.CountFeedback(context.Background(), entry, helpful, now); err != nil {
		m.counter().Forget(user, what) // not counted: the person may try again
		m.log().Error("feedback", slog.String(bot.LogEvent, "feedback"), slog.String(bot.LogError, err.Error()))
		return text(voteNotRecorded)
	}
	return text(voteCounted)
}
