package discord

// /faq stats: the counters of the last days and their chart.

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/store"
)

func (m *Moderation) stats(i *discordgo.Interaction, days int) (*discordgo.InteractionResponse, func()) {
	if m.Store == nil {
		return text(noStore), nil
	}
	if days < 1 {
		days = 30
	}
	since := m.now().AddDate(0, 0, -days+1)
	st, err := m.Store.Stats(context.Background(), since)
	if err != nil {
		return text("Could not read the statistics: %s", m.problemText("stats", err)), nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "**Last %d days:** %d questions\n", days, st.Questions)
	for _, k := range st.Kinds {
		fmt.Fprintf(&b, "- %s: %d (%.0f%%)\n", k.Kind, k.Count, 100*k.Share)
	}
	if len(st.Top) > 0 {
		b.WriteString("**Most asked:** ")
		for n, e := range st.Top {
			if n > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s` %d", e.EntryID, e.Count)
		}
		b.WriteString("\n")
	}
	if len(st.Feedback) > 0 {
		b.WriteString("**Helpful / not helpful:** ")
		for n, f := range st.Feedback {
			if n > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s` %d/%d", f.EntryID, f.Helpful, f.NotHelpful)
		}
		b.WriteString("\n")
	}
	if len(st.Worst) > 0 {
		b.WriteString("**Worst ratio:** ")
		for n, f := range st.Worst {
			if n > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "`%s` %.0f%%", f.EntryID, 100*f.Ratio())
		}
		b.WriteString("\n")
	}
	resp := text("%s", b.String())
	if m.REST == nil || len(st.Days) == 0 {
		return resp, nil
	}
	var png bytes.Buffer
	if err := store.Chart(st.Days, &png); err != nil {
		return resp, nil
	}
	return resp, func() {
		_, err := m.REST.FollowupMessageCreate(i, true, &discordgo.WebhookParams{
			Content: "Questions per day", Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
			Files: []*discordgo.File{{Name: "questions-per-day.png", ContentType: "image/png", Reader: &png}},
		})
		if err != nil {
			m.log().Error("stats chart", slog.String(bot.LogEvent, "stats-chart"), slog.String(bot.LogError, restErrorKind(err)))
		}
	}
}
