package discord

// The "helpful / not helpful" buttons under an answer.

import (
	"context"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
)

func (m *Moderation) feedback(i *discordgo.Interaction, custom string) *discordgo.InteractionResponse {
	helpful := strings.HasPrefix(custom, idHelpful)
	entry := strings.TrimPrefix(strings.TrimPrefix(custom, idHelpful), idNotHelpful)
	if m.Store != nil {
		if _, ok := m.Responder.Library().Corpus.Entry(entry); ok {
			if err := m.Store.CountFeedback(context.Background(), entry, helpful, m.now()); err != nil {
				m.log().Error("feedback", slog.String(bot.LogEvent, "feedback"), slog.String(bot.LogError, "store"))
			}
		}
	}
	return text("Thank you, that helps us improve the answers. Nothing about you was stored.")
}
