package discord

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/knowledge"
)

// Interactions answers slash commands and component clicks. It turns an
// interaction into the response to send, so the gateway and the HTTP
// endpoint share it; everything a click needs travels in its custom ID.
type Interactions struct {
	Responder *bot.Responder
	// Limits is the per-person question budget (nil: no limit).
	Limits Limiter
	// REST deletes the bot's own messages after a response (nil: no deletes).
	REST *discordgo.Session
	Log  *slog.Logger
	// Moderation handles the /faq commands and their modals, when set.
	Moderation InteractionHandler
	// HelpChannel is the server's own place to talk to a person (a channel
	// mention or link), listed first under "Talk to a person".
	HelpChannel string
	// Tally counts replies for the statistics (nil: not counted).
	Tally *bot.Tally
}

// InteractionHandler answers the interactions it owns; ok is false for the
// others.
type InteractionHandler interface {
	Handle(i *discordgo.Interaction) (resp *discordgo.InteractionResponse, after func(), ok bool)
}

func (h *Interactions) log() *slog.Logger {
	if h.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return h.Log
}

// Handle returns the response to an interaction and, optionally, work to do
// once it has been sent. It never panics: a failure becomes an apology.
func (h *Interactions) Handle(i *discordgo.Interaction) (resp *discordgo.InteractionResponse, after func()) {
	defer func() {
		if v := recover(); v != nil {
			h.log().Error("interaction handler panicked", slog.String(bot.LogEvent, "interaction"), slog.String(bot.LogError, fmt.Sprintf("%T", v)))
			resp, after = message(&discordgo.InteractionResponseData{Content: apologyText}), nil
		}
	}()
	if i.Type == discordgo.InteractionPing {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	}
	if h.Moderation != nil {
		if resp, after, ok := h.Moderation.Handle(i); ok {
			return resp, after
		}
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return h.command(i), nil
	case discordgo.InteractionMessageComponent:
		return h.component(i)
	}
	return message(&discordgo.InteractionResponseData{Content: "I don't know what to do with that."}), nil
}

// UserID is the person behind an interaction, in a server or a DM.
func UserID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

func (h *Interactions) allow(i *discordgo.Interaction) bool {
	return h.Limits == nil || h.Limits.Take(UserID(i)) == Allow
}

func (h *Interactions) command(i *discordgo.Interaction) *discordgo.InteractionResponse {
	data := i.ApplicationCommandData()
	switch data.Name {
	case "ask":
		q := ""
		for _, o := range data.Options {
			if o.Name == "question" {
				q = o.StringValue()
			}
		}
		if !h.allow(i) {
			return message(&discordgo.InteractionResponseData{Content: slowDown})
		}
		rep := h.Responder.Respond(context.Background(), q)
		h.Tally.Add(rep)
		return replyResponse(rep)
	case "topics":
		return message(h.themeMenu())
	case "privacy":
		return h.entry("bot-privacy")
	case "help":
		return h.entry("bot-scope")
	}
	return message(&discordgo.InteractionResponseData{Content: "I don't know that command."})
}

func (h *Interactions) entry(id string) *discordgo.InteractionResponse {
	rep, ok := h.Responder.Show(id)
	if !ok {
		return message(&discordgo.InteractionResponseData{Content: "That answer is not available right now."})
	}
	return replyResponse(rep)
}

func replyResponse(rep knowledge.Reply) *discordgo.InteractionResponse {
	m := RenderMessage(rep)
	return message(&discordgo.InteractionResponseData{Embeds: m.Embeds, Components: m.Components})
}

func (h *Interactions) themeMenu() *discordgo.InteractionResponseData {
	c := h.Responder.Library().Corpus
	var opts []discordgo.SelectMenuOption
	for n, t := range c.Themes {
		opts = append(opts, discordgo.SelectMenuOption{Label: truncate(t.Name, limitOptionLabel), Value: strconv.Itoa(n)})
	}
	return &discordgo.InteractionResponseData{
		Content: "Pick a theme, then a question. Only you can see this.",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: idTheme, Placeholder: "Choose a theme", Options: opts},
		}}},
	}
}

func (h *Interactions) component(i *discordgo.Interaction) (*discordgo.InteractionResponse, func()) {
	data := i.MessageComponentData()
	id := data.CustomID
	switch {
	case id == idOtherAnswers || id == idTopicEntry:
		if len(data.Values) == 0 {
			return message(&discordgo.InteractionResponseData{Content: "Nothing was chosen."}), nil
		}
		return h.entry(data.Values[0]), nil
	case id == idTheme:
		return message(h.entryMenu(data.Values)), nil
	case strings.HasPrefix(id, idNotHelpful):
		return message(h.notHelpful(i)), nil
	case strings.HasPrefix(id, "fb:"):
		return message(&discordgo.InteractionResponseData{Content: "Thank you, that helps us improve the answers. Nothing about you was stored."}), nil
	case strings.HasPrefix(id, idFull):
		rep, ok := h.Responder.Show(strings.TrimPrefix(id, idFull))
		if !ok {
			return message(&discordgo.InteractionResponseData{Content: "That answer is not available right now."}), nil
		}
		rep.Full = true
		return replyResponse(rep), nil
	case id == idPeople:
		return message(h.people()), nil
	case id == idDelete:
		return h.deleteReply(i)
	}
	return message(&discordgo.InteractionResponseData{Content: "That button no longer works; ask again."}), nil
}

func (h *Interactions) entryMenu(values []string) *discordgo.InteractionResponseData {
	c := h.Responder.Library().Corpus
	n := -1
	if len(values) > 0 {
		n, _ = strconv.Atoi(values[0])
	}
	if n < 0 || n >= len(c.Themes) {
		return &discordgo.InteractionResponseData{Content: "That theme is no longer available; try /topics again."}
	}
	var opts []discordgo.SelectMenuOption
	for _, eid := range c.Themes[n].Entries {
		if e, ok := c.Entry(eid); ok {
			opts = append(opts, discordgo.SelectMenuOption{Label: truncate(e.Title, limitOptionLabel), Value: e.ID})
		}
	}
	return &discordgo.InteractionResponseData{
		Content: "Pick a question:",
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: idTopicEntry, Placeholder: truncate(c.Themes[n].Name, limitOptionLabel), Options: opts},
		}}},
	}
}

// deleteReply removes the bot's own message the button sits on, after
// acknowledging the click. An ephemeral reply is replaced instead (only
// Discord can remove those).
func (h *Interactions) deleteReply(i *discordgo.Interaction) (*discordgo.InteractionResponse, func()) {
	if i.Message == nil {
		return message(&discordgo.InteractionResponseData{Content: "There is nothing to delete."}), nil
	}
	if i.Message.Flags&discordgo.MessageFlagsEphemeral != 0 || h.REST == nil {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: &discordgo.InteractionResponseData{
			Content: "Reply removed.", Embeds: []*discordgo.MessageEmbed{}, Components: []discordgo.MessageComponent{}, AllowedMentions: noMentions()}}, nil
	}
	channel, msg := i.ChannelID, i.Message.ID
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}, func() {
		if err := h.REST.ChannelMessageDelete(channel, msg); err != nil {
			h.log().Error("delete failed", slog.String(bot.LogEvent, "delete"), slog.String(bot.LogError, restErrorKind(err)))
		}
	}
}

// message is an ephemeral reply that cannot mention anyone.
func message(data *discordgo.InteractionResponseData) *discordgo.InteractionResponse {
	data.Flags |= discordgo.MessageFlagsEphemeral
	data.AllowedMentions = noMentions()
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// notHelpful answers the "Not helpful" button: the other answers that were
// offered, asking another way, and people to talk to. The vote itself is
// counted by the moderation handler when a store is set.
func (h *Interactions) notHelpful(i *discordgo.Interaction) *discordgo.InteractionResponseData {
	data := &discordgo.InteractionResponseData{Content: "Sorry that didn't help. You can pick one of the other answers below, " +
		"or ask again in other words (what happened, what you're worried about): a different wording often finds a better answer. " +
		"If I still can't answer, I'll offer to share your question anonymously with the moderators, so they can add an answer."}
	if i.Message != nil {
		for _, row := range i.Message.Components {
			if r, ok := row.(*discordgo.ActionsRow); ok {
				for _, c := range r.Components {
					if m, ok := c.(*discordgo.SelectMenu); ok && m.CustomID == idOtherAnswers {
						data.Components = append(data.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{*m}})
					}
				}
			}
		}
	}
	data.Components = append(data.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Talk to a person", Style: discordgo.SecondaryButton, CustomID: idPeople},
	}})
	return data
}

// people lists human services: the server's own help channel first, when
// the operator named one, then the corpus's people.yaml.
func (h *Interactions) people() *discordgo.InteractionResponseData {
	var b strings.Builder
	b.WriteString("I'm a bot and can't put you through to anyone, but these people can help:\n")
	if h.HelpChannel != "" {
		fmt.Fprintf(&b, "- **This server's moderators**: %s\n", h.HelpChannel)
	}
	for _, p := range h.Responder.Library().Corpus.People {
		fmt.Fprintf(&b, "- **%s**: %s %s\n", EscapeMarkdown(p.Name), p.How, p.URL)
	}
	b.WriteString("If you are in danger or thinking of harming yourself, contact your local emergency number or a crisis line now.")
	return &discordgo.InteractionResponseData{Content: truncate(b.String(), limitContent)}
}
