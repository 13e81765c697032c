package discord_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

const reopenLabel = "Reopen the form with my text"

// pelvicValues is a valid add form, as typed.
func pelvicValues() map[string]string {
	return map[string]string{
		"title":     "What does a pelvic floor physical therapist do?",
		"summary":   "A pelvic floor physical therapist helps with muscles that are too tight or too weak. That can help when sex hurts. Ask your doctor for a referral.",
		"questions": "pelvic floor pt for painful sex\nwhat happens at pelvic floor therapy\nshould I see a pelvic physio\nmy gyno said pelvic floor therapy, what is that",
		"answer":    pelvicAnswer,
		"sources":   "who: doctor\nPainful intercourse (dyspareunia) | Mayo Clinic | https://www.mayoclinic.org/diseases-conditions/painful-intercourse/diagnosis-treatment/drc-20375973",
	}
}

// badValues is an add form with something wrong in every field, as typed
// (spaces and blank lines included).
func badValues() map[string]string {
	return map[string]string{
		"title":     "  Is needing lube normal?  ",
		"summary":   strings.Repeat("Too long. ", 23),
		"questions": "one\n\ntwo\n",
		"answer":    "Too short.",
		"sources":   "who: psychic\nLubricants and sex, Planned Parenthood, see their site\n",
	}
}

// reopenButton returns the custom id of the "Reopen the form with my text"
// button of a reply's data, failing if there is none.
func reopenButton(t *testing.T, data map[string]any) string {
	t.Helper()
	rows, _ := data["components"].([]any)
	for _, row := range rows {
		r, _ := row.(map[string]any)
		cs, _ := r["components"].([]any)
		for _, c := range cs {
			b, _ := c.(map[string]any)
			if b["label"] == reopenLabel {
				id, _ := b["custom_id"].(string)
				return id
			}
		}
	}
	t.Fatalf("no %q button in %v", reopenLabel, data)
	return ""
}

func pressReopen(who map[string]any, customID string) map[string]any {
	return map[string]any{"type": 3, "guild_id": "42", "member": who,
		"message": map[string]any{"id": "m-reply", "channel_id": "mod-chan"},
		"data":    map[string]any{"custom_id": customID, "component_type": 2}}
}

// TestFailedSaveKeepsTheText: against the fake Discord, a save that fails
// (validation, a version conflict, a folder that cannot be written) answers
// with a button that reopens the form with exactly what was typed; another
// moderator gets nothing of it; a successful save drops it.
func TestFailedSaveKeepsTheText(t *testing.T) {
	m := startModeratedBot(t)

	t.Run("validation", func(t *testing.T) {
		typed := badValues()
		body := m.interact(t, modal(moderator, "faq-add:lube-basics", typed))
		data := body["data"].(map[string]any)
		if c, _ := data["content"].(string); !strings.Contains(c, "Nothing was saved") || !strings.Contains(c, "15 minutes") {
			t.Errorf("failed save says %q, want nothing saved and the text kept 15 minutes", c)
		}
		if am, _ := data["allowed_mentions"].(map[string]any); am == nil || fmt.Sprint(am["parse"]) != "[]" {
			t.Errorf("allowed_mentions = %v, want parse: []", data["allowed_mentions"])
		}
		if data["flags"] != 64.0 {
			t.Errorf("flags = %v, want 64 (only the moderator sees it)", data["flags"])
		}
		button := reopenButton(t, data)

		reopened := m.interact(t, pressReopen(moderator, button))
		if typ, _ := reopened["type"].(float64); typ != 9 {
			t.Fatalf("reopen: response %v, want a modal (type 9)", reopened)
		}
		if got, want := reopened["data"].(map[string]any)["custom_id"], "faq-add:lube-basics"; got != want {
			t.Errorf("reopened form custom id %v, want %q", got, want)
		}
		if got := modalInputs(t, reopened); fmt.Sprint(got) != fmt.Sprint(typed) {
			t.Errorf("reopened form = %q, want exactly what was typed %q", got, typed)
		}

		other := m.interact(t, pressReopen(roleModerator, button))
		if typ, _ := other["type"].(float64); typ == 9 || strings.Contains(fmt.Sprint(other), "Is needing lube normal") {
			t.Errorf("another moderator's click: %v, want no form and none of the text", other)
		}

		good := pelvicValues()
		good["sources"] = "who: doctor\n[Painful intercourse](https://www.mayoclinic.org/painful-intercourse) - Mayo Clinic\nhttps://www.nhs.uk/conditions/vaginismus/"
		if c := content(m.interact(t, modal(moderator, "faq-add:lube-basics", good))); !strings.Contains(c, "Saved") {
			t.Fatalf("corrected save: %q", c)
		}
		want := []knowledge.Source{{Title: "Painful intercourse", Publisher: "Mayo Clinic", URL: "https://www.mayoclinic.org/painful-intercourse"},
			{Title: "nhs.uk", Publisher: "nhs.uk", URL: "https://www.nhs.uk/conditions/vaginismus/"}}
		if e, _ := m.r.Library().Corpus.Entry("lube-basics"); e == nil || fmt.Sprint(e.Sources) != fmt.Sprint(want) {
			t.Errorf("saved entry %+v, want sources %+v (a Markdown link and a link alone)", e, want)
		}
		after := m.interact(t, pressReopen(moderator, button))
		if typ, _ := after["type"].(float64); typ == 9 || !strings.Contains(content(after), "expired") {
			t.Errorf("button after a successful save: %v, want a message that the draft expired", after)
		}
	})

	t.Run("version conflict", func(t *testing.T) {
		opened := m.interact(t, faq(moderator, []string{"edit"}, map[string]any{"id": "kink"}))
		custom := opened["data"].(map[string]any)["custom_id"].(string)
		first := modalInputs(t, opened)
		first["title"] = "Kink, first edit"
		if c := content(m.interact(t, modal(roleModerator, custom, first))); !strings.Contains(c, "Saved") {
			t.Fatalf("first save: %q", c)
		}
		mine := modalInputs(t, opened)
		mine["title"] = "Kink, my edit"
		body := m.interact(t, modal(moderator, custom, mine))
		data := body["data"].(map[string]any)
		c, _ := data["content"].(string)
		t.Logf("conflict: %q", c)
		if !strings.Contains(c, "changed since you opened it") {
			t.Fatalf("second save: %q, want a conflict", c)
		}
		reopened := m.interact(t, pressReopen(moderator, reopenButton(t, data)))
		reCustom, _ := reopened["data"].(map[string]any)["custom_id"].(string)
		if !strings.HasPrefix(reCustom, "faq-edit:kink:") || reCustom == custom {
			t.Errorf("reopened form custom id %q, want the edit form on the current version (not %q)", reCustom, custom)
		}
		if got := modalInputs(t, reopened); fmt.Sprint(got) != fmt.Sprint(mine) {
			t.Errorf("reopened form = %q, want %q", got, mine)
		}
		if c := content(m.interact(t, modal(moderator, reCustom, mine))); !strings.Contains(c, "Saved") {
			t.Fatalf("save of the reopened form: %q", c)
		}
		if e, _ := m.r.Library().Corpus.Entry("kink"); e.Title != "Kink, my edit" {
			t.Errorf("served title %q, want %q", e.Title, "Kink, my edit")
		}
	})

	t.Run("a folder that cannot be written", func(t *testing.T) {
		// The change journal cannot be written where a folder has its name.
		journal := filepath.Join(m.dir, ".confidant-journal.json")
		if err := os.Mkdir(journal, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(journal)
		typed := pelvicValues()
		typed["title"] = "What does a pelvic physio do?"
		body := m.interact(t, modal(moderator, "faq-add:pelvic-physio", typed))
		data := body["data"].(map[string]any)
		c, _ := data["content"].(string)
		t.Logf("save into an unwritable folder: %q", c)
		if !strings.Contains(c, "Nothing was saved") || strings.Contains(c, m.dir) {
			t.Fatalf("save into an unwritable folder: %q, want nothing saved, without the folder's path", c)
		}
		if got := modalInputs(t, m.interact(t, pressReopen(moderator, reopenButton(t, data)))); fmt.Sprint(got) != fmt.Sprint(typed) {
			t.Errorf("reopened form = %q, want %q", got, typed)
		}
	})
}

// submit is the add form sent with values by moderator user.
func submit(user, customID string, values map[string]string) *discordgo.Interaction {
	var rows []discordgo.MessageComponent
	for k, v := range values {
		rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, GuildID: "42",
		Member: &discordgo.Member{User: &discordgo.User{ID: user}, Permissions: discordgo.PermissionManageServer},
		Data:   discordgo.ModalSubmitInteractionData{CustomID: customID, Components: rows}}
}

func press(user, customID string) *discordgo.Interaction {
	return &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, GuildID: "42",
		Member: &discordgo.Member{User: &discordgo.User{ID: user}, Permissions: discordgo.PermissionManageServer},
		Data:   discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent}}
}

// handle answers i, failing if moderation does not.
func handle(t *testing.T, m *discord.Moderation, i *discordgo.Interaction) *discordgo.InteractionResponse {
	t.Helper()
	resp, _, ok := m.Handle(i)
	if !ok || resp == nil || resp.Data == nil {
		t.Fatal("not answered")
	}
	return resp
}

func buttonOf(t *testing.T, resp *discordgo.InteractionResponse) string {
	t.Helper()
	for _, row := range resp.Data.Components {
		r, ok := row.(discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, c := range r.Components {
			if b, ok := c.(discordgo.Button); ok && b.Label == reopenLabel {
				return b.CustomID
			}
		}
	}
	t.Fatalf("no %q button in %q", reopenLabel, resp.Data.Content)
	return ""
}

// reopenedValues is what the reopened form holds, or nil when the answer
// is not a form.
func reopenedValues(resp *discordgo.InteractionResponse) map[string]string {
	if resp.Type != discordgo.InteractionResponseModal {
		return nil
	}
	out := map[string]string{}
	for _, row := range resp.Data.Components {
		for _, c := range row.(discordgo.ActionsRow).Components {
			in := c.(discordgo.TextInput)
			out[in.CustomID] = in.Value
		}
	}
	return out
}

// TestDraftExpires: the text is kept 15 minutes after the failed save,
// then the button says the draft expired.
func TestDraftExpires(t *testing.T) {
	m := moderating(t, knowledgetest.CopyDefault(t))
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	m.Now = func() time.Time { return now }
	typed := badValues()
	button := buttonOf(t, handle(t, m, submit("mod1", "faq-add:", typed)))

	now = now.Add(15*time.Minute - time.Second)
	if got := reopenedValues(handle(t, m, press("mod1", button))); fmt.Sprint(got) != fmt.Sprint(typed) {
		t.Errorf("after 14:59 the button gives %q, want the typed text %q", got, typed)
	}
	now = now.Add(2 * time.Second)
	resp := handle(t, m, press("mod1", button))
	if resp.Type == discordgo.InteractionResponseModal || !strings.Contains(resp.Data.Content, "expired") {
		t.Errorf("after 15:01 the button answers %v %q, want a message that the draft expired", resp.Type, resp.Data.Content)
	}
	if resp.Data.AllowedMentions == nil || resp.Data.AllowedMentions.Parse == nil || len(resp.Data.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed mentions = %+v, want Parse: []", resp.Data.AllowedMentions)
	}
}

// TestDraftsBounded: drafts are bounded in number and bytes, the oldest
// dropped first.
func TestDraftsBounded(t *testing.T) {
	t.Run("number", func(t *testing.T) {
		m := moderating(t, knowledgetest.CopyDefault(t))
		var buttons []string
		for n := range 101 {
			buttons = append(buttons, buttonOf(t, handle(t, m, submit(fmt.Sprintf("mod%d", n), "faq-add:", badValues()))))
		}
		if got := reopenedValues(handle(t, m, press("mod0", buttons[0]))); got != nil {
			t.Errorf("the oldest of 101 drafts is still kept: %q", got)
		}
		for _, n := range []int{1, 100} {
			if got := reopenedValues(handle(t, m, press(fmt.Sprintf("mod%d", n), buttons[n]))); got == nil {
				t.Errorf("draft %d of 101 is gone, want the newest 100 kept", n)
			}
		}
	})
	t.Run("bytes", func(t *testing.T) {
		m := moderating(t, knowledgetest.CopyDefault(t))
		// Three inputs of 4,000 four-byte characters: 48 kB a draft, so
		// 30 of them are over a megabyte though far fewer than 100.
		big := badValues()
		for _, k := range []string{"questions", "answer", "sources"} {
			big[k] = strings.Repeat("𝄞", 4000)
		}
		var buttons []string
		for n := range 30 {
			buttons = append(buttons, buttonOf(t, handle(t, m, submit(fmt.Sprintf("mod%d", n), "faq-add:", big))))
		}
		if got := reopenedValues(handle(t, m, press("mod0", buttons[0]))); got != nil {
			t.Error("the oldest of 30 drafts of 48 kB is still kept, want at most about a megabyte of drafts")
		}
		if got := reopenedValues(handle(t, m, press("mod29", buttons[29]))); fmt.Sprint(got) != fmt.Sprint(big) {
			t.Error("the newest draft is not kept as typed")
		}
	})
}

// TestEveryProblemAtOnce: a source that cannot be read does not hide the
// other problems, and the list fits Discord's 2,000 characters.
func TestEveryProblemAtOnce(t *testing.T) {
	m := moderating(t, knowledgetest.CopyDefault(t))
	c := handle(t, m, submit("mod1", "faq-add:lube-basics", badValues())).Data.Content
	for _, want := range []string{
		"Nothing was saved",
		`line 2: "Lubricants and sex, Planned Parenthood, see their site" is not a source`,
		"has 2 question(s)",
		"the answer has 2 words",
		"summary has 46 words",
		`"psychic"`,
		"therapist, doctor, doctor-then-therapist, clinic, none",
	} {
		if !strings.Contains(c, want) {
			t.Errorf("reply lacks %q:\n%s", want, c)
		}
	}

	many := badValues()
	many["sources"] = "who: therapist\n" + strings.Repeat("not a source at all, just words\n", 300)
	resp := handle(t, m, submit("mod1", "faq-add:lube-basics", many))
	c = resp.Data.Content
	if n := utf8.RuneCountInString(c); n > 2000 {
		t.Errorf("reply has %d characters, want at most Discord's 2000", n)
	}
	more := regexp.MustCompile(`and (\d+) more`).FindStringSubmatch(c)
	listed := strings.Count(c, "\n- ") - 1 // the last says how many more
	if more == nil {
		t.Fatalf("reply does not say how many problems are left out:\n%s", c)
	}
	var left int
	fmt.Sscan(more[1], &left)
	if got, want := listed+left, 300+4; got != want { // 300 lines, then no source, questions, answer, summary
		t.Errorf("%d listed + %d more = %d problems, want %d:\n%s", listed, left, got, want, c)
	}
	buttonOf(t, resp)
}

// TestWhoToSee: "who:" takes the form's values whatever their case and
// spacing, and an unknown one is refused with the values listed (the form
// has text inputs only: discordgo v0.29.0 has no Label component, so a
// modal cannot hold a select).
func TestWhoToSee(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	m := moderating(t, dir)
	typed := pelvicValues()
	typed["sources"] = strings.Replace(typed["sources"], "who: doctor", "who: Doctor then Therapist", 1)
	if c := handle(t, m, submit("mod1", "faq-add:pelvic-floor-therapy", typed)).Data.Content; !strings.Contains(c, "Saved") {
		t.Fatalf("save with %q: %q", "who: Doctor then Therapist", c)
	}
	if e, _ := m.Responder.Library().Corpus.Entry("pelvic-floor-therapy"); e == nil || e.Referral != knowledge.ReferralDoctorThenTherapist {
		t.Errorf("saved entry %+v, want referral doctor-then-therapist", e)
	}

	typed["sources"] = strings.Replace(typed["sources"], "who: Doctor then Therapist", "who: sex therapist", 1)
	c := handle(t, m, submit("mod1", "faq-add:pelvic-floor-2", typed)).Data.Content
	if !strings.Contains(c, `"sex therapist"`) || !strings.Contains(c, "therapist, doctor, doctor-then-therapist, clinic, none") || strings.Contains(c, "crisis") {
		t.Errorf("unknown who to see: %q, want it named and the form's values listed (not crisis)", c)
	}

	form := handle(t, m, faqCommand("add", ""))
	var placeholder string
	for _, row := range form.Data.Components {
		for _, in := range row.(discordgo.ActionsRow).Components {
			if ti := in.(discordgo.TextInput); ti.CustomID == "sources" {
				placeholder = ti.Placeholder
			}
		}
	}
	for _, v := range []string{"therapist", "doctor", "doctor-then-therapist", "clinic", "none"} {
		if !strings.Contains(placeholder, v) {
			t.Errorf("sources placeholder %q lacks %q", placeholder, v)
		}
	}
	if n := utf8.RuneCountInString(placeholder); n > 100 {
		t.Errorf("placeholder has %d characters, Discord allows 100", n)
	}
}

// TestNewEntryTagsHaveNoStopWords: the tags made from a new entry's title
// carry its topic, not "is", "it" or "normal", which would pull questions
// such as "is it normal" to it.
func TestNewEntryTagsHaveNoStopWords(t *testing.T) {
	m := moderating(t, knowledgetest.CopyDefault(t))
	typed := pelvicValues()
	typed["title"] = "What lube should I use and is needing it normal?"
	if c := handle(t, m, submit("mod1", "faq-add:", typed)).Data.Content; !strings.Contains(c, "Saved") {
		t.Fatalf("save: %q", c)
	}
	e, ok := m.Responder.Library().Corpus.Entry("what-lube-should-i-use-and-is-needing-it-normal")
	if !ok {
		t.Fatal("the new entry is not served")
	}
	for _, stop := range []string{"what", "should", "i", "use", "and", "is", "needing", "it", "normal"} {
		if slices.Contains(e.Tags, stop) {
			t.Errorf("tags %q hold %q", e.Tags, stop)
		}
	}
	if !slices.Contains(e.Tags, "lube") {
		t.Errorf("tags %q lack the topic, lube", e.Tags)
	}
}
