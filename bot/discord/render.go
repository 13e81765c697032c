package discord

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/knowledge"
)

// Discord's documented limits.
const (
	limitContent     = 2000
	limitTitle       = 256
	limitDescription = 4096
	limitFieldValue  = 1024
	limitFooter      = 2048
	limitEmbedTotal  = 6000
	limitOptionLabel = 100
	limitCustomID    = 100
)

// Component custom IDs. They carry everything a click needs (an entry id),
// so any process can handle any click.
const (
	idOtherAnswers = "alt"       // select menu; value: entry id
	idHelpful      = "fb:1:"     // + entry id
	idNotHelpful   = "fb:0:"     // + entry id
	idDelete       = "del"       // delete this reply
	idTheme        = "theme"     // select menu; value: theme index
	idTopicEntry   = "topic"     // select menu; value: entry id
	idShareGap     = "gap-share" // share the question shown in the reply
	idFull         = "full:"     // + entry id: read the full answer
	idPeople       = "people"    // talk to a person: the human services
	therapistLabel = "Find a sex therapist"
)

// Colours per kind.
var kindColour = map[knowledge.Kind]int{
	knowledge.KindAnswer:   0x2E86AB,
	knowledge.KindFallback: 0xF4A261,
	knowledge.KindDecline:  0x8D99AE,
	knowledge.KindCrisis:   0xD62828,
}

// noMentions stops every kind of ping, whatever the text contains.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// RenderMessage turns a reply into a Discord message: one embed within
// Discord's limits, and the buttons and menus that go with its kind.
func RenderMessage(r knowledge.Reply) *discordgo.MessageSend {
	return &discordgo.MessageSend{
		Embeds:          []*discordgo.MessageEmbed{renderEmbed(r)},
		Components:      renderComponents(r),
		AllowedMentions: noMentions(),
	}
}

func renderEmbed(r knowledge.Reply) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Title: truncate(r.Title(), limitTitle),
		Color: kindColour[r.Kind],
	}
	var desc []string
	if r.Help != "" {
		desc = append(desc, r.Help)
	}
	if r.Message != "" {
		desc = append(desc, r.Message)
	}
	fullSource := ""
	if src := r.Sources(); len(src) > 0 {
		fullSource = src[0].URL
	}
	switch {
	case r.ShowsSummary():
		desc = append(desc, r.Entry.Summary)
	case r.Entry != nil:
		desc = append(desc, r.Entry.Body)
	}
	if r.Notice != "" {
		desc = append(desc, r.Notice)
	}
	if r.ListsChoices() {
		var b strings.Builder
		if h := r.ChoicesHeading(); h != "" {
			b.WriteString(h + "\n")
		}
		for i, a := range r.Alternatives {
			fmt.Fprintf(&b, "%d. %s\n", i+1, a.Title)
		}
		desc = append(desc, strings.TrimSpace(b.String()))
	}
	e.Description = trimAtSentence(strings.Join(desc, "\n\n"), limitDescription-300, fullSource)

	if src := r.Sources(); len(src) > 0 {
		var lines []string
		for _, s := range src {
			lines = append(lines, fmt.Sprintf("[%s](%s) — %s", escapeLinkText(s.Title), s.URL, s.Publisher))
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Sources", Value: joinWithin(lines, limitFieldValue)})
	}
	if r.Referral.Text != "" {
		v := r.Referral.Text
		if r.ShowsSummary() {
			v = r.ShortReferral()
		}
		if r.Referral.LinkURL != "" {
			v += fmt.Sprintf("\n[%s](%s)", r.Referral.LinkTitle, r.Referral.LinkURL)
		}
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Who can help", Value: trimAtSentence(v, limitFieldValue, "")})
	}
	if r.Shared != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: sharedFieldName, Value: codeBlock(truncate(r.Shared, limitFieldValue-20))})
	}
	footer := knowledge.Disclaimer
	if r.Entry != nil && r.Entry.ReviewedDate() != "" {
		footer += " Reviewed " + r.Entry.ReviewedDate() + "."
	}
	footer += " /privacy says what is stored."
	e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(footer, limitFooter)}
	// Keep the whole embed within Discord's total.
	for embedSize(e) > limitEmbedTotal && len(e.Description) > 200 {
		e.Description = trimAtSentence(e.Description, utf8.RuneCountInString(e.Description)-500, fullSource)
	}
	return e
}

func renderComponents(r knowledge.Reply) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	if len(r.Alternatives) > 0 {
		placeholder := "Other answers"
		if r.Kind == knowledge.KindFallback {
			placeholder = "Did you mean…"
		}
		var opts []discordgo.SelectMenuOption
		for _, a := range r.Alternatives {
			opts = append(opts, discordgo.SelectMenuOption{Label: truncate(a.Title, limitOptionLabel), Value: a.ID})
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: idOtherAnswers, Placeholder: placeholder, Options: opts},
		}})
	}
	var buttons []discordgo.MessageComponent
	if r.ShowsSummary() {
		buttons = append(buttons, discordgo.Button{Label: "Read the full answer", Style: discordgo.PrimaryButton, CustomID: truncate(idFull+r.Entry.ID, limitCustomID)})
	}
	if r.Kind == knowledge.KindAnswer && r.Entry != nil {
		buttons = append(buttons,
			discordgo.Button{Label: "Helpful", Style: discordgo.SuccessButton, CustomID: truncate(idHelpful+r.Entry.ID, limitCustomID)},
			discordgo.Button{Label: "Not helpful", Style: discordgo.SecondaryButton, CustomID: truncate(idNotHelpful+r.Entry.ID, limitCustomID)},
		)
	}
	if r.Shared != "" {
		buttons = append(buttons, discordgo.Button{Label: "Share this question anonymously with the moderators", Style: discordgo.PrimaryButton, CustomID: idShareGap})
	}
	if r.Kind == knowledge.KindFallback && r.Category != "too-long" && r.Category != "empty" && r.Category != "no-words" {
		buttons = append(buttons, discordgo.Button{Label: "Talk to a person", Style: discordgo.SecondaryButton, CustomID: idPeople})
	}
	buttons = append(buttons, discordgo.Button{Label: "Delete this reply", Style: discordgo.DangerButton, CustomID: idDelete})
	if len(buttons) < 5 && r.Referral.LinkURL != "" && r.Entry != nil && (r.Entry.Referral == knowledge.ReferralTherapist || r.Entry.Referral == knowledge.ReferralDoctorThenTherapist || r.Entry.Referral == knowledge.ReferralClinic) {
		buttons = append(buttons, discordgo.Button{Label: therapistLabel, Style: discordgo.LinkButton, URL: r.Referral.LinkURL})
	}
	rows = append(rows, discordgo.ActionsRow{Components: buttons})
	return rows
}

// trimAtSentence shortens s to at most max runes, cutting after the last
// full sentence that fits, and points to the full source when it cuts.
func trimAtSentence(s string, max int, fullSource string) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	more := "…"
	if fullSource != "" {
		more = "… Read more: " + fullSource
	}
	budget := max - utf8.RuneCountInString(more) - 1
	if budget < 1 {
		return truncate(s, max)
	}
	cut := string([]rune(s)[:budget])
	if i := strings.LastIndexAny(cut, ".!?"); i > len(cut)/2 {
		cut = cut[:i+1]
	}
	return cut + " " + more
}

// truncate cuts s to at most max runes.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

func joinWithin(lines []string, max int) string {
	var out []string
	n := 0
	for _, l := range lines {
		if n+len([]rune(l))+1 > max {
			break
		}
		out = append(out, l)
		n += len([]rune(l)) + 1
	}
	if len(out) == 0 && len(lines) > 0 {
		return truncate(lines[0], max)
	}
	return strings.Join(out, "\n")
}

func embedSize(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	return n
}

// escapeLinkText keeps a title from breaking Markdown link syntax.
func escapeLinkText(s string) string {
	return strings.NewReplacer("[", "(", "]", ")").Replace(s)
}

// EscapeMarkdown makes user text inert: no formatting, no mentions, no links.
func EscapeMarkdown(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '>', '#', '[', ']', '(', ')', '-', ':':
			b.WriteRune('\\')
		case '@':
			b.WriteString("@\u200b")
			continue
		case '<':
			b.WriteString("\\<")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sharedFieldName heads the field that shows a question as it would be
// shared; the share button reads the text back from it, so nothing is held
// in memory between the reply and the click.
const sharedFieldName = "Your question, as it would be shared"

// codeBlock shows text literally: no formatting, links or mentions.
func codeBlock(s string) string {
	return "```\n" + strings.ReplaceAll(s, "`", "'") + "\n```"
}

// sharedText reads back the question shown in a reply's shared field.
func sharedText(m *discordgo.Message) string {
	if m == nil {
		return ""
	}
	for _, e := range m.Embeds {
		for _, f := range e.Fields {
			if f.Name == sharedFieldName {
				v := strings.TrimPrefix(f.Value, "```\n")
				return strings.TrimSuffix(v, "\n```")
			}
		}
	}
	return ""
}
