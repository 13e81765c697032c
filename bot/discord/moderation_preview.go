package discord

// /faq preview: what triage, search and the confidence rule make of a question.

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

func (m *Moderation) preview(q string) *discordgo.InteractionResponse {
	p := m.Responder.Preview(context.Background(), q)
	var b strings.Builder
	verdict := "none (goes to search)"
	if p.Triage.Kind != "" {
		verdict = p.Triage.Kind + "/" + p.Triage.Category + " (pattern: " + p.Triage.Pattern + ")"
	} else if p.Triage.Past {
		verdict = "past experience: " + p.Triage.Category
	}
	fmt.Fprintf(&b, "**Triage:** %s\n**Top entries:**\n", verdict)
	for n, h := range p.Hits {
		fmt.Fprintf(&b, "%d. `%s` %.2f — %s\n", n+1, h.ID, h.Score, h.Title)
	}
	fmt.Fprintf(&b, "**Decision:** %s `%s`\n**Why:** %s", p.Reply.Kind, p.Reply.ID(), p.Reply.Reason)
	return text("%s", b.String())
}
