package discord

// /faq add and /faq edit: the entry form, its validation and saving; /faq reload.

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/knowledge"
)

var slugClean = regexp.MustCompile(`[^a-z0-9]+`)

// slug makes an entry id from a title.
func slug(s string) string {
	s = strings.Trim(slugClean.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}

// tagStopWords say nothing of an entry's topic: the words of questions
// ("what", "is", "it") and the words people use around any topic
// ("normal", "need", "use"). A new entry tagged with them drew questions
// such as "is it normal" that have nothing to do with it.
var tagStopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about after all also am an and any are as at be because been
		before being but by can could did do does doing done for from get gets getting got had has
		have having he her here him his how i if im in into is it its just me my no not of on or
		our out over so some than that the their them then there these they this those to too up
		us very was we were what when where which while who why will with would you your
		bad common feel fine good help however kind know like lot lots many much need needed
		needing needs normal ok okay really right should something thing things use used using
		want wants way ways weird wrong`) {
		tagStopWords[w] = true
	}
}

// titleTags are the tags of a new entry: the words of its id (made from
// the title unless the moderator gave one) without stop words, or all of
// them when every word is one, since an entry needs a tag.
func titleTags(id string) []string {
	words := strings.FieldsFunc(id, func(r rune) bool { return r == '-' })
	var tags []string
	for _, w := range words {
		if !tagStopWords[w] && !slices.Contains(tags, w) {
			tags = append(tags, w)
		}
	}
	if len(tags) == 0 {
		return words
	}
	return tags
}

// formReferrals are the values "who:" takes in the form: every entry
// referral but crisis, which only a reviewed change of the corpus folder
// may set.
var formReferrals = slices.DeleteFunc(slices.Clone(knowledge.EntryReferrals), func(r string) bool { return r == knowledge.ReferralCrisis })

// formReferral reads "who:" as a moderator may type it on a phone: any
// case, words apart by spaces or hyphens ("Doctor then therapist").
func formReferral(typed string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(typed), func(r rune) bool { return !unicode.IsLetter(r) }), "-")
}

func textInput(id, label string, style discordgo.TextInputStyle, value string, required bool, max int) discordgo.MessageComponent {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
		CustomID: id, Label: label, Style: style, Value: truncate(value, max), Required: required, MaxLength: max,
	}}}
}

// sourcesPlaceholder shows who to see and a source; Discord allows 100
// characters. It lists every value "who:" takes: the form holds text
// inputs only, since discordgo v0.29.0 has no Label component, which a
// select in a modal needs (and a modal submit holding one would not
// parse).
var sourcesPlaceholder = "who: " + strings.Join(formReferrals, ", ") + "\nthen: title - publisher - https://…"

// draftModal is the entry form, its inputs holding text (by input id).
// Discord allows five inputs in a form, so who to see shares the sources
// input as its first line, "who: therapist" (knowledge.ParseWhoAndSources).
func draftModal(customID, title string, text map[string]string) *discordgo.InteractionResponse {
	sources := discordgo.TextInput{
		CustomID: "sources", Label: "who: therapist, then title - publisher - link", Style: discordgo.TextInputParagraph,
		Value: truncate(text["sources"], 4000), Required: true, MaxLength: 4000, Placeholder: sourcesPlaceholder,
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: truncate(customID, limitCustomID),
		Title:    truncate(title, 45),
		Components: []discordgo.MessageComponent{
			textInput("title", "Question (title)", discordgo.TextInputShort, text["title"], true, 200),
			textInput("summary", fmt.Sprintf("Summary (at most %d words)", knowledge.MaxSummaryWords), discordgo.TextInputParagraph, text["summary"], true, 600),
			textInput("questions", "Other ways people ask it (one per line)", discordgo.TextInputParagraph, text["questions"], true, 4000),
			textInput("answer", "Answer (60 to 300 words, plain language)", discordgo.TextInputParagraph, text["answer"], true, 4000),
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{sources}},
		},
	}}
}

// draftText is what the form's inputs hold for d.
func draftText(d knowledge.Draft) map[string]string {
	return map[string]string{"title": d.Title, "summary": d.Summary, "questions": strings.Join(d.Questions, "\n"),
		"answer": d.Answer, "sources": knowledge.FormatWhoAndSources(d.Referral, d.Sources)}
}

func addModal(id string, d knowledge.Draft) *discordgo.InteractionResponse {
	f := formOf(idModalAdd + id)
	return draftModal(f.customID, f.title(), draftText(d))
}

func editModal(e *knowledge.Entry, version string) *discordgo.InteractionResponse {
	f := formOf(idModalEdit + e.ID + ":" + version)
	return draftModal(f.customID, f.title(), draftText(knowledge.NewDraft(e)))
}

// form is one entry form: adding an entry (its id given or, if empty,
// made from the title) or editing one from the version it was opened on.
type form struct {
	customID string // the modal's
	edit     bool
	id       string
	version  string
}

func formOf(customID string) form {
	if rest, ok := strings.CutPrefix(customID, idModalEdit); ok {
		id, version, _ := strings.Cut(rest, ":")
		return form{customID: customID, edit: true, id: id, version: version}
	}
	return form{customID: customID, id: strings.TrimPrefix(customID, idModalAdd)}
}

func (f form) title() string {
	if f.edit {
		return "Edit " + f.id
	}
	return "Add an answer"
}

// key names the form among a moderator's drafts: an entry's edit form is
// one form whatever version it was opened on.
func (f form) key() string {
	if f.edit {
		return "edit:" + f.id
	}
	return "add:" + f.id
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
// atomically. Nothing is written when anything is wrong; then every
// problem comes back in one message, and the text as typed is kept for the
// moderator to reopen the form with (drafts).
func (m *Moderation) save(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if m.Dir == nil {
		return text(readOnly)
	}
	typed := modalValues(i)
	f := formOf(i.ModalSubmitData().CustomID)
	typedReferral, sources, problems := knowledge.ParseWhoAndSources(typed["sources"])
	for n, p := range problems {
		problems[n] = "who to see and sources, " + p
	}
	d := knowledge.Draft{
		ID:        f.id,
		Title:     strings.TrimSpace(typed["title"]),
		Summary:   strings.TrimSpace(typed["summary"]),
		Questions: knowledge.ParseQuestions(typed["questions"]),
		Answer:    strings.TrimSpace(typed["answer"]),
		Sources:   sources,
		Referral:  formReferral(typedReferral),
	}
	if f.edit {
		if e, ok := m.Responder.Library().Corpus.Entry(f.id); ok {
			d.Tags = e.Tags
			if protected(m.Responder.Library().Corpus, e) {
				return text(protectedText, d.ID) // never saved from Discord: no text to keep
			}
		}
	} else {
		if d.ID == "" {
			d.ID = slug(d.Title)
		}
		d.Tags = titleTags(d.ID)
	}
	if d.Referral == knowledge.ReferralCrisis {
		return m.failed(i, f, typed, fmt.Sprintf(protectedText, d.ID))
	}
	if typedReferral != "" && !slices.Contains(formReferrals, d.Referral) {
		problems = append(problems, fmt.Sprintf("who to see: %q is not one of: %s", typedReferral, strings.Join(formReferrals, ", ")))
	}
	if len(problems) > 0 {
		return m.failed(i, f, typed, "Nothing was saved. Please fix:", m.otherProblems(f, d, problems)...)
	}

	var report knowledge.Report
	var err error
	action := "add"
	if f.edit {
		action = "edit"
		report, err = m.Dir.Edit(d, f.version, m.now())
	} else {
		report, err = m.Dir.Add(d, m.now())
	}
	switch {
	case errors.Is(err, knowledge.ErrChanged):
		// Reopened, the form saves over the version now stored: the
		// moderator was told to look at it first.
		if cur, verr := m.Dir.Version(d.ID); verr == nil {
			f.customID = idModalEdit + d.ID + ":" + cur
		}
		return m.failed(i, f, typed, fmt.Sprintf("Nothing was saved: %q was changed since you opened it. "+
			"Look at the current version with /faq show; if you reopen the form and save, your text replaces it.", d.ID))
	case err != nil:
		var lines []string
		for _, p := range report.Problems {
			if p.Severity == knowledge.Error {
				lines = append(lines, p.Message)
			}
		}
		if len(lines) == 0 {
			return m.failed(i, f, typed, "Nothing was saved: "+m.problemText(action, err))
		}
		return m.failed(i, f, typed, "Nothing was saved. Please fix:", lines...)
	}
	m.drafts.forget(UserID(i), f)
	m.audit(i, d.ID, action)
	if _, err := m.reloadNow(); err != nil {
		return text("Saved `%s`, but the reload failed; the previous corpus is still served: %s", d.ID, m.problemText("reload", err))
	}
	return text("Saved `%s` (reviewed %s). It is answerable now.", d.ID, m.now().Format(time.DateOnly))
}

// otherProblems adds to the problems of the who-to-see-and-sources input
// those a save would find in the rest of the form, so that one message
// holds them all. A problem already reported for the input is not
// repeated, nor is a missing or unknown referral (d is checked with a
// stand-in).
func (m *Moderation) otherProblems(f form, d knowledge.Draft, problems []string) []string {
	if !slices.Contains(formReferrals, d.Referral) {
		d.Referral = knowledge.ReferralTherapist
	}
	validate := knowledge.ValidateDraft
	if f.edit {
		validate = knowledge.ValidateEdit
	}
	var out []string
	for _, p := range validate(m.Responder.Library().Corpus, d, m.now()).Problems {
		if p.Severity == knowledge.Error && !slices.ContainsFunc(problems, func(q string) bool { return strings.Contains(q, p.Message) }) {
			out = append(out, p.Message)
		}
	}
	return append(out, problems...)
}

// failed keeps what the moderator typed in form f and answers with head,
// the problems, and a button that reopens the form with the text.
func (m *Moderation) failed(i *discordgo.Interaction, f form, typed map[string]string, head string, problems ...string) *discordgo.InteractionResponse {
	button := m.drafts.keep(UserID(i), f, typed, m.now())
	return message(&discordgo.InteractionResponseData{
		Content: listWithin(head, problems, keptNote, limitContent),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: reopenLabel, Style: discordgo.PrimaryButton, CustomID: button},
		}}},
	})
}

const (
	reopenLabel  = "Reopen the form with my text"
	keptNote     = "Your text is kept for 15 minutes: press the button to reopen the form with it."
	draftExpired = "This draft has expired: the text of a form that could not be saved is kept for 15 minutes, " +
		"and not across a restart of the bot. Open the form again with /faq add or /faq edit."
)

// listWithin is head, lines as a list and foot in at most max characters:
// the lines that do not fit are counted ("and 12 more"), each line cut
// to a few hundred characters.
func listWithin(head string, lines []string, foot string, max int) string {
	var b strings.Builder
	b.WriteString(head)
	used := utf8Len(head) + utf8Len("\n\n"+foot)
	for n, line := range lines {
		item := "\n- " + truncate(line, 300)
		reserve := 0
		if n < len(lines)-1 {
			reserve = utf8Len(fmt.Sprintf("\n- and %d more", len(lines)))
		}
		if used+utf8Len(item)+reserve > max {
			fmt.Fprintf(&b, "\n- and %d more", len(lines)-n)
			break
		}
		b.WriteString(item)
		used += utf8Len(item)
	}
	b.WriteString("\n\n" + foot)
	return b.String()
}

func utf8Len(s string) int { return len([]rune(s)) }

// reopen answers the "Reopen the form with my text" button: the form as
// the moderator typed it, or that the draft expired.
func (m *Moderation) reopen(i *discordgo.Interaction, button string) *discordgo.InteractionResponse {
	d, ok := m.drafts.get(UserID(i), strings.TrimPrefix(button, idReopen), m.now())
	if !ok {
		return text(draftExpired)
	}
	return draftModal(d.customID, d.title, d.text)
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

// Bounds of the drafts kept (drafts).
const (
	draftTTL      = 15 * time.Minute
	maxDrafts     = 100
	maxDraftBytes = 1 << 20
)

// drafts keeps, in memory, the text of forms whose save failed, so that a
// moderator reopens the form with it instead of typing 300 words again on
// a phone. A draft is keyed by the moderator's Discord user ID and the
// form: moderators are not anonymous (each change they make is logged
// with their ID), unlike the people who ask, whose IDs are never kept. A
// draft lasts draftTTL from the failed save and is dropped by a successful
// one; at most maxDrafts drafts and maxDraftBytes bytes of text are kept,
// the oldest dropped first. A restart forgets them all.
type drafts struct {
	mu    sync.Mutex
	kept  map[draftKey]*draft
	order []draftKey // oldest first
	bytes int
}

type draftKey struct{ user, form string }

type draft struct {
	customID, title string // of the form to reopen
	text            map[string]string
	at              time.Time
	size            int
}

// draftForm names form f in a button's custom id, in a few characters
// whatever the entry's id.
func draftForm(f form) string {
	h := sha256.Sum256([]byte(f.key()))
	return hex.EncodeToString(h[:8])
}

// keep stores text as user's draft of form f, replacing an earlier one,
// and returns the custom id of the button that reopens it.
func (ds *drafts) keep(user string, f form, text map[string]string, now time.Time) string {
	k := draftKey{user, draftForm(f)}
	d := &draft{customID: f.customID, title: f.title(), text: maps.Clone(text), at: now}
	d.size = len(k.user) + len(k.form) + len(d.customID) + len(d.title)
	for name, v := range d.text {
		d.size += len(name) + len(v)
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if ds.kept == nil {
		ds.kept = map[draftKey]*draft{}
	}
	ds.drop(k)
	for _, old := range slices.Clone(ds.order) {
		if ds.kept[old].expired(now) {
			ds.drop(old)
		}
	}
	ds.kept[k] = d
	ds.order = append(ds.order, k)
	ds.bytes += d.size
	for len(ds.order) > maxDrafts || ds.bytes > maxDraftBytes {
		ds.drop(ds.order[0])
	}
	return idReopen + k.form
}

// get returns user's draft of the form a button names, if it is still kept.
func (ds *drafts) get(user, form string, now time.Time) (*draft, bool) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	k := draftKey{user, form}
	d, ok := ds.kept[k]
	if ok && d.expired(now) {
		ds.drop(k)
		return nil, false
	}
	return d, ok
}

// forget drops user's draft of form f, once it is saved.
func (ds *drafts) forget(user string, f form) {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	ds.drop(draftKey{user, draftForm(f)})
}

func (ds *drafts) drop(k draftKey) {
	d, ok := ds.kept[k]
	if !ok {
		return
	}
	delete(ds.kept, k)
	ds.order = slices.DeleteFunc(ds.order, func(o draftKey) bool { return o == k })
	ds.bytes -= d.size
}

func (d *draft) expired(now time.Time) bool { return !now.Before(d.at.Add(draftTTL)) }
