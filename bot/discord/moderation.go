package discord

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
)

// Moderation handles the /faq commands of moderators, their modals, and the
// clicks that write to the store (shared questions, feedback). Moderators
// are not anonymous (every change is audited); askers are.
type Moderation struct {
	Responder *bot.Responder
	// Dir is the writable corpus; nil when the embedded corpus is served
	// (read-only: edits are refused with an explanation).
	Dir CorpusEditor
	// Reload serves the directory again after a change.
	Reload func() (knowledge.Report, error)
	Store  store.Store
	// Guilds are the servers whose moderators may change the corpus
	// (CONFIDANT_MODERATION_GUILDS). Empty: every moderator action is refused.
	Guilds []string
	// ModeratorRole is a role ID that counts as moderator besides Manage Server.
	ModeratorRole string
	// REST sends the stats chart as a follow-up (nil: no chart).
	REST *discordgo.Session
	Log  *slog.Logger
	Now  func() time.Time

	// Counted remembers the votes and shares already counted, shared with
	// other processes; nil: this process remembers them (counted).
	Counted Counter
	counted counted // votes and shares already counted (feedback.go)
	drafts  drafts  // forms whose save failed, by moderator (moderation_edit.go)

	limitsOnce  sync.Once
	reloadLimit *RateLimiter // per moderator (moderation_limit.go)
}

var _ InteractionHandler = (*Moderation)(nil)

// Custom IDs of moderation modals and buttons.
const (
	idModalAdd   = "faq-add:"     // + entry id
	idModalEdit  = "faq-edit:"    // + entry id + ":" + version
	idReopen     = "faq-reopen:"  // + the form (draftForm); the moderator is who clicks
	idGapDismiss = "gap-dismiss:" // + gap id
	idGapAdd     = "gap-add:"     // + gap id
	gapsPerPage  = 10
)

// ModerationCommands is the /faq command group: servers only, hidden from
// members without Manage Server by default (checked again on every use).
func ModerationCommands() []*discordgo.ApplicationCommand {
	manage := int64(discordgo.PermissionManageServer)
	str := func(name, desc string, req bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc, Required: req}
	}
	num := func(name, desc string, req bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger, Name: name, Description: desc, Required: req}
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: name, Description: desc, Options: opts}
	}
	return []*discordgo.ApplicationCommand{{
		Name: "faq", Description: "Keep Confidant's answers (moderators)",
		DefaultMemberPermissions: &manage,
		Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		IntegrationTypes:         &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
		Options: []*discordgo.ApplicationCommandOption{
			sub("show", "Show an entry as stored", str("id", "entry id", true)),
			sub("preview", "What a person would get for a question", str("question", "the question", true)),
			sub("add", "Add an entry (opens a form)", str("id", "entry id, lowercase-with-hyphens (default: from the title)", false)),
			sub("edit", "Edit an entry (opens a form)", str("id", "entry id", true)),
			sub("retire", "Retire an entry (moved aside, not deleted)", str("id", "entry id", true)),
			sub("restore", "Bring a retired entry back", str("id", "entry id", true)),
			{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "gaps", Description: "Questions people shared because no answer fitted",
				Options: []*discordgo.ApplicationCommandOption{
					sub("list", "List shared questions, newest and most asked first", num("page", "page number", false)),
					sub("dismiss", "Dismiss a shared question", num("id", "the number shown in the list", true)),
				}},
			sub("stats", "Questions, answers and feedback", num("days", "how many days back (default 30)", false)),
			sub("reload", "Reload the corpus directory now"),
		},
	}}
}

func (m *Moderation) log() *slog.Logger {
	if m.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.Log
}

func (m *Moderation) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// isModerator checks the member's actual permissions or role: the default
// command permission can be changed by server admins.
func (m *Moderation) isModerator(i *discordgo.Interaction) bool {
	if i.Member == nil || i.GuildID == "" || !slices.Contains(m.Guilds, i.GuildID) {
		return false // only the configured servers' moderators, never another server's
	}
	if i.Member.Permissions < 0 {
		return false // a negative permission string sets every bit
	}
	if i.Member.Permissions&discordgo.PermissionManageServer != 0 || i.Member.Permissions&discordgo.PermissionAdministrator != 0 {
		return true
	}
	if m.ModeratorRole != "" {
		for _, r := range i.Member.Roles {
			if r == m.ModeratorRole {
				return true
			}
		}
	}
	return false
}

var refusal = &discordgo.InteractionResponseData{Content: "Only moderators can use /faq. Nothing was changed."}

// Handle answers the interactions moderation owns.
func (m *Moderation) Handle(i *discordgo.Interaction) (*discordgo.InteractionResponse, func(), bool) {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if i.ApplicationCommandData().Name != "faq" {
			return nil, nil, false
		}
		if !m.isModerator(i) {
			return message(refusal), nil, true
		}
		resp, after := m.command(i)
		return resp, after, true
	case discordgo.InteractionModalSubmit:
		id := i.ModalSubmitData().CustomID
		if !strings.HasPrefix(id, idModalAdd) && !strings.HasPrefix(id, idModalEdit) {
			return nil, nil, false
		}
		if !m.isModerator(i) {
			return message(refusal), nil, true
		}
		resp, after := m.later(i, func() *discordgo.InteractionResponse { return m.save(i) })
		return resp, after, true
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		switch {
		case id == idShareGap:
			return m.shareGap(i), nil, true
		case strings.HasPrefix(id, "fb:"):
			// The vote is counted here; "Not helpful" is then answered by
			// Interactions (other answers, people to talk to).
			resp := m.feedback(i, id)
			return resp, nil, !strings.HasPrefix(id, idNotHelpful)
		case strings.HasPrefix(id, idReopen):
			if !m.isModerator(i) {
				return message(refusal), nil, true
			}
			return m.reopen(i, id), nil, true
		case strings.HasPrefix(id, idGapDismiss), strings.HasPrefix(id, idGapAdd):
			if !m.isModerator(i) {
				return message(refusal), nil, true
			}
			return m.gapAction(i, id), nil, true
		}
	}
	return nil, nil, false
}

// options flattens the subcommand (and group) path and its options.
func options(data discordgo.ApplicationCommandInteractionData) (path string, opts map[string]*discordgo.ApplicationCommandInteractionDataOption) {
	opts = map[string]*discordgo.ApplicationCommandInteractionDataOption{}
	list := data.Options
	var names []string
	for len(list) == 1 && (list[0].Type == discordgo.ApplicationCommandOptionSubCommand || list[0].Type == discordgo.ApplicationCommandOptionSubCommandGroup) {
		names = append(names, list[0].Name)
		list = list[0].Options
	}
	for _, o := range list {
		opts[o.Name] = o
	}
	return strings.Join(names, " "), opts
}

func optString(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o, ok := opts[name]; ok {
		return strings.TrimSpace(o.StringValue())
	}
	return ""
}

func optInt(opts map[string]*discordgo.ApplicationCommandInteractionDataOption, name string, def int) int {
	if o, ok := opts[name]; ok {
		return int(o.IntValue())
	}
	return def
}

func text(format string, args ...any) *discordgo.InteractionResponse {
	return message(&discordgo.InteractionResponseData{Content: truncate(fmt.Sprintf(format, args...), limitContent)})
}

// later answers at once with a deferred response (type 5: Discord shows
// the moderator alone that the bot is thinking) and does work once that is
// sent, delivering its result as a follow-up: a save or a reload of a large
// corpus takes longer than the 3 seconds Discord waits for an answer.
// Without a REST session to send follow-ups with, work is done first and
// its result is the answer.
func (m *Moderation) later(i *discordgo.Interaction, work func() *discordgo.InteractionResponse) (*discordgo.InteractionResponse, func()) {
	if m.REST == nil {
		return work(), nil
	}
	deferred := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
	return deferred, func() {
		data := m.safely(work).Data
		_, err := m.REST.FollowupMessageCreate(i, false, &discordgo.WebhookParams{
			Content: data.Content, Components: data.Components, Embeds: data.Embeds,
			Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions(),
		})
		if err != nil {
			m.log().Error("moderation follow-up failed", slog.String(bot.LogEvent, "moderation-followup"), slog.String(bot.LogError, restErrorKind(err)))
		}
	}
}

// safely runs work after the response was sent, where no handler recovers:
// a panic becomes a log line and an apology.
func (m *Moderation) safely(work func() *discordgo.InteractionResponse) (resp *discordgo.InteractionResponse) {
	defer func() {
		if v := recover(); v != nil {
			m.log().Error("moderation handler panicked", slog.String(bot.LogEvent, "moderation"), slog.String(bot.LogError, fmt.Sprintf("%T", v)))
			resp = text("Something went wrong on the bot's side. Check with /faq show whether your change was made.")
		}
	}()
	return work()
}

const readOnly = "This bot serves its built-in corpus, which is read-only. Start it with `--corpus DIR` (see `confidant corpus export`) to edit answers."

func (m *Moderation) command(i *discordgo.Interaction) (*discordgo.InteractionResponse, func()) {
	path, opts := options(i.ApplicationCommandData())
	switch path {
	case "show":
		rep, ok := m.Responder.Show(optString(opts, "id"))
		if !ok {
			return text("There is no entry %q.", optString(opts, "id")), nil
		}
		return replyResponse(rep), nil
	case "preview":
		return m.preview(optString(opts, "question")), nil
	case "add":
		if m.Dir == nil {
			return text(readOnly), nil
		}
		return addModal(optString(opts, "id"), knowledge.Draft{Referral: knowledge.ReferralTherapist}), nil
	case "edit":
		if m.Dir == nil {
			return text(readOnly), nil
		}
		id := optString(opts, "id")
		e, ok := m.Responder.Library().Corpus.Entry(id)
		if !ok {
			return text("There is no entry %q.", id), nil
		}
		if protected(m.Responder.Library().Corpus, e) {
			return text(protectedText, id), nil
		}
		ver, err := m.Dir.Version(id)
		if err != nil {
			return text("Could not read %q: %v", id, err), nil
		}
		return editModal(e, ver), nil
	case "retire", "restore":
		if m.Dir == nil {
			return text(readOnly), nil
		}
		id := optString(opts, "id")
		return m.later(i, func() *discordgo.InteractionResponse { return m.retireRestore(i, path, id) })
	case "gaps list":
		return m.gaps(optInt(opts, "page", 1)), nil
	case "gaps dismiss":
		return m.dismiss(i, int64(optInt(opts, "id", 0))), nil
	case "stats":
		return m.stats(i, optInt(opts, "days", 30))
	case "reload":
		if !m.allowReload(UserID(i)) {
			return text(reloadLimited), nil
		}
		return m.later(i, m.reload)
	}
	return text("Unknown /faq command."), nil
}

func (m *Moderation) audit(i *discordgo.Interaction, entry, action string) {
	if m.Store == nil {
		return
	}
	if err := m.Store.Audit(context.Background(), store.AuditRecord{GuildID: i.GuildID, ModeratorID: UserID(i), EntryID: entry, Action: action, At: m.now()}); err != nil {
		m.log().Error("audit", slog.String(bot.LogEvent, "audit"), slog.String(bot.LogError, err.Error()))
	}
}

// shareGap stores the scrubbed question shown in the reply the button
// belongs to: the bot holds nothing between the reply and the click.

// protectedText answers an attempt to change crisis content from Discord.
const protectedText = "`%s` is a crisis answer. Crisis answers and triage.yaml cannot be changed from Discord: " +
	"change the file in the corpus folder (reviewed, for example in git), run `confidant lint`, and the bot reloads it " +
	"only if every crisis check and canary still passes."

// protected reports an entry that only a reviewed change of the corpus
// folder may alter: a crisis entry or one the triage names.
func protected(c *knowledge.Corpus, e *knowledge.Entry) bool {
	return e.Referral == knowledge.ReferralCrisis || c.CrisisCategoryOf(e.ID) != ""
}
