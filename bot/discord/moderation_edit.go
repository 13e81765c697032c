package discord

// /faq add and /faq edit: the entry form, its validation and saving; /faq reload.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/knowledge"
)

var slugClean = regexp.MustCompile(`[^a-z0-9]+`)

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

// draftModal is the entry form. Discord allows five inputs in a form, so
// who to see shares the sources input as its first line, "who: therapist"
// (knowledge.ParseWhoAndSources).
func draftModal(customID, title string, d knowledge.Draft) *discordgo.InteractionResponse {
	sources := discordgo.TextInput{
		CustomID: "sources", Label: "who: therapist, then title | publisher | url", Style: discordgo.TextInputParagraph,
		Value: truncate(knowledge.FormatWhoAndSources(d.Referral, d.Sources), 4000), Required: true, MaxLength: 4000,
		Placeholder: "who: therapist, doctor, doctor-then-therapist, clinic or none\nthen title | publisher | url per line",
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: &discordgo.InteractionResponseData{
		CustomID: truncate(customID, limitCustomID),
		Title:    truncate(title, 45),
		Components: []discordgo.MessageComponent{
			textInput("title", "Question (title)", discordgo.TextInputShort, d.Title, true, 200),
			textInput("summary", fmt.Sprintf("Summary (at most %d words)", knowledge.MaxSummaryWords), discordgo.TextInputParagraph, d.Summary, true, 600),
			textInput("questions", "Other ways people ask it (one per line)", discordgo.TextInputParagraph, strings.Join(d.Questions, "\n"), true, 4000),
			textInput("answer", "Answer (60 to 300 words, plain language)", discordgo.TextInputParagraph, d.Answer, true, 4000),
			discordgo.ActionsRow{Components: []discordgo.MessageComponent{sources}},
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

var errProtected = errors.New("crisis content is changed through the corpus folder")

func (m *Moderation) save(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if m.Dir == nil {
		return text(readOnly)
	}
	v := modalValues(i)
	custom := i.ModalSubmitData().CustomID
	referral, sources, problems := knowledge.ParseWhoAndSources(v["sources"])
	d := knowledge.Draft{
		Title:     strings.TrimSpace(v["title"]),
		Summary:   strings.TrimSpace(v["summary"]),
		Questions: knowledge.ParseQuestions(v["questions"]),
		Answer:    strings.TrimSpace(v["answer"]),
		Sources:   sources,
		Referral:  referral,
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
			if protected(m.Responder.Library().Corpus, e) {
				err = errProtected
			}
		}
		if d.Referral == knowledge.ReferralCrisis {
			err = errProtected
		}
		if len(problems) == 0 && err == nil {
			report, err = m.Dir.Edit(d, version, m.now())
		}
	} else {
		d.ID = strings.TrimPrefix(custom, idModalAdd)
		if d.ID == "" {
			d.ID = slug(d.Title)
		}
		d.Tags = strings.Split(strings.ReplaceAll(d.ID, "-", " "), " ")
		if d.Referral == knowledge.ReferralCrisis {
			err = errProtected
		}
		if len(problems) == 0 && err == nil {
			report, err = m.Dir.Add(d, m.now())
		}
	}
	if len(problems) > 0 {
		return text("Nothing was saved. Who to see and sources:\n- %s", strings.Join(problems, "\n- "))
	}
	if errors.Is(err, errProtected) {
		return text(protectedText, d.ID)
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
			b.WriteString("- " + m.problemText(action, err) + "\n")
		}
		return text("Nothing was saved. Please fix:\n%s", b.String())
	}
	m.audit(i, d.ID, action)
	if _, err := m.reloadNow(); err != nil {
		return text("Saved `%s`, but the reload failed; the previous corpus is still served: %s", d.ID, m.problemText("reload", err))
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
