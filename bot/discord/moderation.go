package discord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
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
	Dir *knowledge.Dir
	// Reload serves the directory again after a change.
	Reload func() (knowledge.Report, error)
	Store  store.Store
	// ModeratorRole is a role ID that counts as moderator besides Manage Server.
	ModeratorRole string
	// REST sends the stats chart as a follow-up (nil: no chart).
	REST *discordgo.Session
	Log  *slog.Logger
	Now  func() time.Time
}

var _ InteractionHandler = (*Moderation)(nil)

// Custom IDs of moderation modals and buttons.
const (
	idModalAdd   = "faq-add:"     // + entry id
	idModalEdit  = "faq-edit:"    // + entry id + ":" + version
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
	if i.Member == nil {
		return false
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
		return m.save(i), nil, true
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		switch {
		case id == idShareGap:
			return m.shareGap(i), nil, true
		case strings.HasPrefix(id, "fb:"):
			return m.feedback(i, id), nil, true
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
		ver, err := m.Dir.Version(id)
		if err != nil {
			return text("Could not read %q: %v", id, err), nil
		}
		return editModal(e, ver), nil
	case "retire", "restore":
		if m.Dir == nil {
			return text(readOnly), nil
		}
		return m.retireRestore(i, path, optString(opts, "id")), nil
	case "gaps list":
		return m.gaps(optInt(opts, "page", 1)), nil
	case "gaps dismiss":
		return m.dismiss(i, int64(optInt(opts, "id", 0))), nil
	case "stats":
		return m.stats(i, optInt(opts, "days", 30))
	case "reload":
		return m.reload(), nil
	}
	return text("Unknown /faq command."), nil
}

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

var slugClean = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an entry id from a title.
func slug(s string) string {
	s = strings.Trim(slugClean.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

func textInput(id, label string, style discordgo.TextInputStyle, value string, required bool, max int) discordgo.MessageComponent {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
		CustomID: id, Label: label, Style: style, Value: truncate(value, max), Required: required, MaxLength: max,
	}}}
}

func draftModal(customID, title string, d knowledge.Draft) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: truncate(customID, limitCustomID),
		Title:    truncate(title, 45),
		Components: []discordgo.MessageComponent{
			textInput("title", "Question (title)", discordgo.TextInputShort, d.Title, true, 200),
			textInput("questions", "Other ways people ask it (one per line)", discordgo.TextInputParagraph, strings.Join(d.Questions, "\n"), true, 4000),
			textInput("answer", "Answer (60 to 300 words, plain language)", discordgo.TextInputParagraph, d.Answer, true, 4000),
			textInput("sources", "Sources: title | publisher | url per line", discordgo.TextInputParagraph, knowledge.FormatSources(d.Sources), true, 4000),
			textInput("referral", "Who to see: therapist, doctor, ...", discordgo.TextInputShort, d.Referral, true, 40),
		},
	}}
}

func addModal(id string, d knowledge.Draft) *discordgo.InteractionResponse {
	return draftModal(idModalAdd+id, "Add an answer", d)
}

func editModal(e *knowledge.Entry, version string) *discordgo.InteractionResponse {
	return draftModal(idModalEdit+e.ID+":"+version, "Edit "+e.ID, knowledge.NewDraft(e))
}

func modalValues(i *discordgo.Interaction) map[string]string {
	out := map[string]string{}
	for _, row := range i.ModalSubmitData().Components {
		r, ok := row.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if ti, ok := c.(*discordgo.TextInput); ok {
				out[ti.CustomID] = ti.Value
			}
		}
	}
	return out
}

// save validates a submitted form exactly as lint does and writes it
// atomically; every problem comes back in one message and nothing is
// written when there is any.
func (m *Moderation) save(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if m.Dir == nil {
		return text(readOnly)
	}
	v := modalValues(i)
	custom := i.ModalSubmitData().CustomID
	sources, problems := knowledge.ParseSources(v["sources"])
	d := knowledge.Draft{
		Title:     strings.TrimSpace(v["title"]),
		Questions: knowledge.ParseQuestions(v["questions"]),
		Answer:    strings.TrimSpace(v["answer"]),
		Sources:   sources,
		Referral:  strings.TrimSpace(v["referral"]),
	}
	var report knowledge.Report
	var err error
	action := "add"
	if rest, ok := strings.CutPrefix(custom, idModalEdit); ok {
		action = "edit"
		id, version, _ := strings.Cut(rest, ":")
		d.ID = id
		if e, ok := m.Responder.Library().Corpus.Entry(id); ok {
			d.Tags = e.Tags
		}
		if len(problems) == 0 {
			report, err = m.Dir.Edit(d, version, m.now())
		}
	} else {
		d.ID = strings.TrimPrefix(custom, idModalAdd)
		if d.ID == "" {
			d.ID = slug(d.Title)
		}
		d.Tags = strings.Split(strings.ReplaceAll(d.ID, "-", " "), " ")
		if len(problems) == 0 {
			report, err = m.Dir.Add(d, m.now())
		}
	}
	if len(problems) > 0 {
		return text("Nothing was saved. Sources:\n- %s", strings.Join(problems, "\n- "))
	}
	switch {
	case errors.Is(err, knowledge.ErrChanged):
		return text("Nothing was saved: %q was changed since you opened it. Open it again with /faq edit to see the current version.", d.ID)
	case err != nil:
		var b strings.Builder
		for _, p := range report.Problems {
			if p.Severity == knowledge.Error {
				b.WriteString("- " + p.Message + "\n")
			}
		}
		if b.Len() == 0 {
			b.WriteString("- " + err.Error() + "\n")
		}
		return text("Nothing was saved. Please fix:\n%s", b.String())
	}
	m.audit(i, d.ID, action)
	if _, err := m.reloadNow(); err != nil {
		return text("Saved `%s`, but the reload failed; the previous corpus is still served: %v", d.ID, err)
	}
	return text("Saved `%s` (reviewed %s). It is answerable now.", d.ID, m.now().Format(time.DateOnly))
}

func (m *Moderation) reloadNow() (knowledge.Report, error) {
	if m.Reload == nil {
		return knowledge.Report{}, nil
	}
	return m.Reload()
}

func (m *Moderation) reload() *discordgo.InteractionResponse {
	if m.Reload == nil {
		return text(readOnly)
	}
	report, err := m.Reload()
	if err != nil {
		var b strings.Builder
		for _, p := range report.Problems {
			if p.Severity == knowledge.Error {
				b.WriteString("- " + p.String() + "\n")
			}
		}
		return text("The corpus was not reloaded; the previous one is still served.\n%s", b.String())
	}
	return text("Reloaded: %d entries, %d warning(s).", m.Responder.Library().Index.Len(), report.Warnings())
}

func (m *Moderation) retireRestore(i *discordgo.Interaction, action, id string) *discordgo.InteractionResponse {
	var err error
	if action == "retire" {
		err = m.Dir.Retire(id)
	} else {
		err = m.Dir.Restore(id)
	}
	if err != nil {
		return text("Nothing changed: %v", err)
	}
	m.audit(i, id, action)
	if _, err := m.reloadNow(); err != nil {
		return text("Done, but the reload failed; the previous corpus is still served: %v", err)
	}
	if action == "retire" {
		return text("Retired `%s`: moved to retired/ (nothing deleted). /faq restore brings it back.", id)
	}
	return text("Restored `%s`.", id)
}

func (m *Moderation) audit(i *discordgo.Interaction, entry, action string) {
	if m.Store == nil {
		return
	}
	if err := m.Store.Audit(context.Background(), store.AuditRecord{ModeratorID: UserID(i), EntryID: entry, Action: action, At: m.now()}); err != nil {
		m.log().Error("audit", slog.String(bot.LogEvent, "audit"), slog.String(bot.LogError, err.Error()))
	}
}

const noStore = "Shared questions and statistics need the database (CONFIDANT_DATA)."

func (m *Moderation) gaps(page int) *discordgo.InteractionResponse {
	if m.Store == nil {
		return text(noStore)
	}
	if page < 1 {
		page = 1
	}
	gaps, total, err := m.Store.Gaps(context.Background(), page, gapsPerPage)
	if err != nil {
		return text("Could not read the shared questions: %v", err)
	}
	if len(gaps) == 0 {
		return text("No shared questions on page %d (%d in all).", page, total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Shared questions, page %d of %d:\n", page, (total+gapsPerPage-1)/gapsPerPage)
	var rows []discordgo.MessageComponent
	for _, g := range gaps {
		fmt.Fprintf(&b, "**#%d** ×%d (last %s): %s\n", g.ID, g.Count, g.LastDay.Format(time.DateOnly), EscapeMarkdown(truncate(g.Text, 150)))
	}
	for n, g := range gaps {
		if n >= 4 {
			break // a message holds five rows of buttons
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: truncate(fmt.Sprintf("Answer #%d", g.ID), 80), Style: discordgo.PrimaryButton, CustomID: idGapAdd + strconv.FormatInt(g.ID, 10)},
			discordgo.Button{Label: truncate(fmt.Sprintf("Dismiss #%d", g.ID), 80), Style: discordgo.SecondaryButton, CustomID: idGapDismiss + strconv.FormatInt(g.ID, 10)},
		}})
	}
	return message(&discordgo.InteractionResponseData{Content: truncate(b.String(), limitContent), Components: rows})
}

func (m *Moderation) dismiss(i *discordgo.Interaction, id int64) *discordgo.InteractionResponse {
	if m.Store == nil {
		return text(noStore)
	}
	if err := m.Store.DismissGap(context.Background(), id); err != nil {
		return text("Could not dismiss #%d: %v", id, err)
	}
	m.audit(i, "", "dismiss gap "+strconv.FormatInt(id, 10))
	return text("Dismissed #%d.", id)
}

func (m *Moderation) gapAction(i *discordgo.Interaction, custom string) *discordgo.InteractionResponse {
	if rest, ok := strings.CutPrefix(custom, idGapDismiss); ok {
		id, _ := strconv.ParseInt(rest, 10, 64)
		return m.dismiss(i, id)
	}
	if m.Dir == nil {
		return text(readOnly)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(custom, idGapAdd), 10, 64)
	gaps, _, err := m.Store.Gaps(context.Background(), 1, store.MaxPerPage)
	if err != nil {
		return text("Could not read the shared questions: %v", err)
	}
	for _, g := range gaps {
		if g.ID == id {
			return addModal("", knowledge.Draft{Title: g.Text, Questions: []string{g.Text}, Referral: knowledge.ReferralTherapist})
		}
	}
	return text("Shared question #%d is not on the first page any more; use /faq add.", id)
}

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
		return text("Could not read the statistics: %v", err), nil
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

// shareGap stores the scrubbed question shown in the reply the button
// belongs to: the bot holds nothing between the reply and the click.
func (m *Moderation) shareGap(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if m.Store == nil {
		return text("Sharing is not switched on for this bot, so nothing was stored.")
	}
	q := sharedText(i.Message)
	if q == "" {
		return text("There was no question to share.")
	}
	if err := m.Store.ShareGap(context.Background(), q, m.now()); err != nil {
		m.log().Error("share gap", slog.String(bot.LogEvent, "share-gap"), slog.String(bot.LogError, "store"))
		return text("Sorry, that could not be shared right now.")
	}
	return text("Thank you. Only the question as shown, and today's date, were shared with the moderators: nothing about you.")
}

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
