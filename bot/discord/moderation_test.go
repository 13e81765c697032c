package discord_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

type modFixture struct {
	f     *fakeDiscord
	dir   string
	db    *sqlite.DB
	dbDir string
	tally *bot.Tally
	r     *bot.Responder
	seq   int
	// slow delays every reload, to stand for a large corpus.
	slow atomic.Int64
}

func startModeratedBot(t *testing.T) *modFixture {
	t.Helper()
	m := &modFixture{dir: knowledgetest.CopyDefault(t), dbDir: t.TempDir()}
	db, err := sqlite.Open(filepath.Join(m.dbDir, "confidant.db"))
	if err != nil {
		t.Fatal(err)
	}
	m.db = db
	t.Cleanup(func() { m.db.Close() })
	rl := bottest.NewReloader(t, m.dir)
	corpusDir, err := knowledge.OpenDir(m.dir)
	if err != nil {
		t.Fatal(err)
	}
	m.f, _ = startBotWith(t, rl.Responder.Library(), func(d *discord.Discord, r *bot.Responder) {
		rl.Responder = r
		r.ShareGaps = true
		m.r = r
		m.tally = &bot.Tally{Recorder: db}
		ix := d.Interactions()
		ix.Tally = m.tally
		reload := func() (knowledge.Report, error) {
			time.Sleep(time.Duration(m.slow.Load()))
			return rl.Reload()
		}
		ix.Moderation = &discord.Moderation{Responder: r, Dir: corpusDir, Reload: reload, Store: db, Guilds: []string{"42"}, ModeratorRole: "role-mod", REST: d.Session()}
	})
	return m
}

// interact dispatches one interaction and returns the callback body, or
// for a deferred response (type 5) the follow-up that brings the result,
// as {"type": 5, "deferred": callback, "data": follow-up}.
func (m *modFixture) interact(t *testing.T, d map[string]any) map[string]any {
	t.Helper()
	id := m.dispatch(d)
	body := m.callback(t, id)
	if typ, _ := body["type"].(float64); typ == 5 {
		return map[string]any{"type": 5.0, "deferred": body, "data": m.followUp(t, id)}
	}
	return body
}

// dispatch sends one interaction and returns its id.
func (m *modFixture) dispatch(d map[string]any) string {
	m.seq++
	id := fmt.Sprintf("mi-%d", m.seq)
	d["id"], d["application_id"], d["token"], d["version"] = id, "900", "tok-"+id, 1
	if _, ok := d["channel_id"]; !ok {
		d["channel_id"] = "mod-chan"
	}
	m.f.dispatch("INTERACTION_CREATE", d)
	return id
}

// callback waits for the response to interaction id.
func (m *modFixture) callback(t *testing.T, id string) map[string]any {
	t.Helper()
	bottest.WaitFor(t, "callback "+id, func() bool { return len(m.f.sent(http.MethodPost, "/interactions/"+id+"/")) == 1 })
	return m.f.sent(http.MethodPost, "/interactions/"+id+"/")[0].Body
}

// followUp waits for the first follow-up message of interaction id.
func (m *modFixture) followUp(t *testing.T, id string) map[string]any {
	t.Helper()
	path := "/webhooks/900/tok-" + id
	bottest.WaitFor(t, "follow-up "+id, func() bool { return len(m.f.sent(http.MethodPost, path)) >= 1 })
	return m.f.sent(http.MethodPost, path)[0].Body
}

func member(userID, permissions string, roles ...string) map[string]any {
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{"user": map[string]any{"id": userID}, "permissions": permissions, "roles": roles}
}

var moderator = member("mod1", "32") // Manage Server
var roleModerator = member("mod2", "0", "role-mod")
var nobody = member("user1", "0")

func faq(who map[string]any, path []string, opts map[string]any) map[string]any {
	var options []any
	for k, v := range opts {
		typ := 3
		if _, ok := v.(int); ok {
			typ = 4
		}
		options = append(options, map[string]any{"name": k, "type": typ, "value": v})
	}
	leaf := map[string]any{"name": path[len(path)-1], "type": 1, "options": options}
	if len(path) == 2 {
		leaf = map[string]any{"name": path[0], "type": 2, "options": []any{leaf}}
	}
	return map[string]any{"type": 2, "guild_id": "42", "member": who,
		"data": map[string]any{"id": "cmd-faq", "name": "faq", "type": 1, "options": []any{leaf}}}
}

func modal(who map[string]any, customID string, values map[string]string) map[string]any {
	var rows []any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": v}}})
	}
	return map[string]any{"type": 5, "guild_id": "42", "member": who, "data": map[string]any{"custom_id": customID, "components": rows}}
}

// modalInputs returns the values of a modal's text inputs by custom id.
func modalInputs(t *testing.T, body map[string]any) map[string]string {
	t.Helper()
	data, _ := body["data"].(map[string]any)
	rows, _ := data["components"].([]any)
	out := map[string]string{}
	for _, row := range rows {
		r, _ := row.(map[string]any)
		cs, _ := r["components"].([]any)
		for _, c := range cs {
			in, _ := c.(map[string]any)
			id, _ := in["custom_id"].(string)
			v, _ := in["value"].(string)
			out[id] = v
		}
	}
	if len(out) == 0 {
		t.Fatalf("no text inputs in %v", body)
	}
	return out
}

func content(body map[string]any) string {
	d, _ := body["data"].(map[string]any)
	s, _ := d["content"].(string)
	return s
}

// dirHash fingerprints every file of the corpus directory.
func dirHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			fmt.Fprintf(h, "%s %x\n", p, sha256.Sum256(b))
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))
}

const pelvicAnswer = "A pelvic floor physical therapist is a licensed physical therapist with extra training in the muscles that support the bladder, bowel and genitals. They can help when those muscles are too tight or too weak, which can make sex painful, make penetration hard, or affect bladder control. A first visit is usually a conversation about your symptoms and history, then an examination that you can always pause or decline. Treatment may include relaxation and breathing exercises, stretches, gentle manual therapy and exercises to do at home. Ask your doctor or gynecologist for a referral, and tell them what you have noticed."

func TestModeration(t *testing.T) {
	m := startModeratedBot(t)

	t.Run("non-moderators are refused every subcommand", func(t *testing.T) {
		before := dirHash(t, m.dir)
		for _, path := range [][]string{{"show"}, {"preview"}, {"add"}, {"edit"}, {"retire"}, {"restore"}, {"gaps", "list"}, {"gaps", "dismiss"}, {"stats"}, {"reload"}} {
			opts := map[string]any{"id": "vaginismus"}
			if path[0] == "gaps" {
				opts = map[string]any{"id": 1}
			}
			body := m.interact(t, faq(nobody, path, opts))
			if !strings.Contains(content(body), "Only moderators") {
				t.Errorf("/faq %v by a member: %v, want a refusal", path, body)
			}
		}
		body := m.interact(t, modal(nobody, "faq-add:sneaky", map[string]string{"title": "x"}))
		if !strings.Contains(content(body), "Only moderators") {
			t.Errorf("modal by a member: %v, want a refusal", body)
		}
		if dirHash(t, m.dir) != before {
			t.Error("a refused command changed the corpus")
		}
	})

	t.Run("a Manage Server member of another server is refused everything", func(t *testing.T) {
		before := dirHash(t, m.dir)
		other := func(d map[string]any) map[string]any { d["guild_id"] = "666"; return d }
		negative := member("mod9", "-1") // every permission bit, if it were trusted
		for _, who := range []map[string]any{moderator, negative} {
			for _, path := range [][]string{{"show"}, {"preview"}, {"add"}, {"edit"}, {"retire"}, {"restore"}, {"gaps", "list"}, {"gaps", "dismiss"}, {"stats"}, {"reload"}} {
				opts := map[string]any{"id": "crisis-self-harm"}
				if path[0] == "gaps" {
					opts = map[string]any{"id": 1}
				}
				d := faq(who, path, opts)
				if who["permissions"] == "32" {
					d = other(d)
				}
				if body := m.interact(t, d); !strings.Contains(content(body), "Only moderators") {
					t.Errorf("/faq %v from another server (or negative permissions): %v, want a refusal", path, body)
				}
			}
			for _, id := range []string{"faq-add:sneaky", "faq-edit:crisis-self-harm:v1"} {
				d := modal(who, id, map[string]string{"title": "x", "answer": "call 555 instead"})
				if who["permissions"] == "32" {
					d = other(d)
				}
				if body := m.interact(t, d); !strings.Contains(content(body), "Only moderators") {
					t.Errorf("modal %s from another server: %v, want a refusal", id, body)
				}
			}
			for _, id := range []string{"gap-dismiss:1", "gap-add:1"} {
				d := map[string]any{"type": 3, "guild_id": "42", "member": who, "message": map[string]any{"id": "m1", "channel_id": "c"}, "data": map[string]any{"custom_id": id, "component_type": 2}}
				if who["permissions"] == "32" {
					d = other(d)
				}
				if body := m.interact(t, d); !strings.Contains(content(body), "Only moderators") {
					t.Errorf("button %s from another server: %v, want a refusal", id, body)
				}
			}
		}
		if dirHash(t, m.dir) != before {
			t.Error("a refused action changed the corpus")
		}
	})

	t.Run("crisis answers cannot be changed from Discord", func(t *testing.T) {
		before := dirHash(t, m.dir)
		if body := m.interact(t, faq(moderator, []string{"edit"}, map[string]any{"id": "crisis-self-harm"})); !strings.Contains(content(body), "cannot be changed from Discord") {
			t.Errorf("/faq edit crisis-self-harm: %v, want the protected answer", body)
		}
		body := m.interact(t, modal(moderator, "faq-edit:crisis-self-harm:v1", map[string]string{"title": "Crisis", "summary": "Call 555.", "questions": "a\nb\nc\nd", "answer": "call 555", "sources": "who: crisis\nx | y | https://example.org"}))
		if !strings.Contains(content(body), "cannot be changed from Discord") {
			t.Errorf("edit modal on a crisis entry: %v, want the protected answer", body)
		}
		if dirHash(t, m.dir) != before {
			t.Error("a refused crisis edit changed the corpus")
		}
	})

	t.Run("a moderator adds an entry and the next DM finds it", func(t *testing.T) {
		body := m.interact(t, faq(moderator, []string{"add"}, map[string]any{"id": "pelvic-floor-therapy"}))
		if typ, _ := body["type"].(float64); typ != 9 {
			t.Fatalf("add: response type %v, want a modal (9)", body["type"])
		}
		if got, want := modalInputs(t, body)["sources"], "who: therapist\n"; got != want {
			t.Errorf("add form sources = %q, want %q (who to see on the first line)", got, want)
		}
		body = m.interact(t, modal(roleModerator, "faq-add:pelvic-floor-therapy", map[string]string{
			"title":     "What does a pelvic floor physical therapist do?",
			"summary":   "A pelvic floor physical therapist helps with muscles that are too tight or too weak. That can help when sex hurts. Ask your doctor for a referral.",
			"questions": "pelvic floor pt for painful sex\nwhat happens at pelvic floor therapy\nshould I see a pelvic physio\nmy gyno said pelvic floor therapy, what is that",
			"answer":    pelvicAnswer,
			"sources":   "who: doctor\nPainful intercourse (dyspareunia) | Mayo Clinic | https://www.mayoclinic.org/diseases-conditions/painful-intercourse/diagnosis-treatment/drc-20375973",
		}))
		if !strings.Contains(content(body), "Saved") {
			t.Fatalf("save: %q", content(body))
		}
		if e, ok := m.r.Library().Corpus.Entry("pelvic-floor-therapy"); !ok || e.Referral != "doctor" || !strings.HasPrefix(e.Summary, "A pelvic floor physical therapist helps") || len(e.Sources) != 1 {
			t.Errorf("saved entry = %+v, want referral doctor, the summary and one source", e)
		}
		dm(m.f, "asker1", "what happens at a pelvic floor physio appointment")
		bottest.WaitFor(t, "reply", func() bool { return len(messagesTo(m.f, "dm-asker1")) == 1 })
		e := embedOf(t, messagesTo(m.f, "dm-asker1")[0])
		if e["title"] != "What does a pelvic floor physical therapist do?" {
			t.Errorf("DM answered with %v, want the new entry", e["title"])
		}
	})

	t.Run("an invalid add returns every error and writes nothing", func(t *testing.T) {
		before := dirHash(t, m.dir)
		body := m.interact(t, modal(moderator, "faq-add:bad-entry", map[string]string{
			"title": "Bad?", "questions": "one\ntwo", "answer": "Too short.",
			"sources": "Some page | Someone | http://example.com/page",
		}))
		c := content(body)
		for _, want := range []string{"Nothing was saved", "https", `for example "who: therapist"`} {
			if !strings.Contains(c, want) {
				t.Errorf("reply %q lacks %q", c, want)
			}
		}
		body = m.interact(t, modal(moderator, "faq-add:bad-entry", map[string]string{
			"title": "Bad?", "questions": "one\ntwo", "answer": "Too short.",
			"summary": strings.Repeat("Too long. ", 23),
			"sources": "who: psychic\nSome page | Someone | https://example.com/page",
		}))
		c = content(body)
		for _, want := range []string{"question", "words", "psychic", "summary has 46 words"} {
			if !strings.Contains(c, want) {
				t.Errorf("reply %q lacks %q", c, want)
			}
		}
		if dirHash(t, m.dir) != before {
			t.Error("an invalid add changed the corpus")
		}
	})

	t.Run("two moderators editing: the second save is refused", func(t *testing.T) {
		body := m.interact(t, faq(moderator, []string{"edit"}, map[string]any{"id": "sensate-focus"}))
		data := body["data"].(map[string]any)
		custom := data["custom_id"].(string)
		if !strings.HasPrefix(custom, "faq-edit:sensate-focus:") {
			t.Fatalf("edit modal custom id %q", custom)
		}
		e, _ := m.r.Library().Corpus.Entry("sensate-focus")
		inputs := modalInputs(t, body)
		if got, want := len(inputs), 5; got != want {
			t.Errorf("edit form has %d inputs, want %d (Discord's limit)", got, want)
		}
		if got, want := inputs["summary"], e.Summary; got != want {
			t.Errorf("edit form summary = %q, want the entry's %q", got, want)
		}
		if got, want := inputs["sources"], "who: "+e.Referral+"\n"+knowledge.FormatSources(e.Sources); got != want {
			t.Errorf("edit form sources = %q, want %q", got, want)
		}
		values := map[string]string{"title": "Edited: what is sensate focus?", "summary": inputs["summary"], "questions": inputs["questions"],
			"answer": inputs["answer"], "sources": inputs["sources"]}
		if c := content(m.interact(t, modal(moderator, custom, values))); !strings.Contains(c, "Saved") {
			t.Fatalf("first save: %q", c)
		}
		values["title"] = "Second edit: what is sensate focus?"
		if c := content(m.interact(t, modal(roleModerator, custom, values))); !strings.Contains(c, "changed since you opened it") {
			t.Errorf("second save: %q, want a conflict", c)
		}
		if e, _ := m.r.Library().Corpus.Entry("sensate-focus"); e.Title != "Edited: what is sensate focus?" {
			t.Errorf("served title %q", e.Title)
		}
	})

	t.Run("retire and restore", func(t *testing.T) {
		if c := content(m.interact(t, faq(moderator, []string{"retire"}, map[string]any{"id": "fantasies"}))); !strings.Contains(c, "Retired") {
			t.Fatalf("retire: %q", c)
		}
		if _, err := os.Stat(filepath.Join(m.dir, "retired", "fantasies.md")); err != nil {
			t.Errorf("retired file: %v", err)
		}
		if _, ok := m.r.Library().Corpus.Entry("fantasies"); ok {
			t.Error("retired entry still served")
		}
		if c := content(m.interact(t, faq(moderator, []string{"restore"}, map[string]any{"id": "fantasies"}))); !strings.Contains(c, "Restored") {
			t.Fatalf("restore: %q", c)
		}
		if _, ok := m.r.Library().Corpus.Entry("fantasies"); !ok {
			t.Error("restored entry not served")
		}
	})

	t.Run("reloads are limited per moderator", func(t *testing.T) {
		for n := range 3 {
			if c := content(m.interact(t, faq(moderator, []string{"reload"}, nil))); !strings.Contains(c, "Reloaded") {
				t.Fatalf("reload %d: %q, want Reloaded", n+1, c)
			}
		}
		if c := content(m.interact(t, faq(moderator, []string{"reload"}, nil))); !strings.Contains(c, "Not reloaded") || !strings.Contains(c, "by itself") {
			t.Errorf("fourth reload in a row: %q, want a refusal that says the bot reloads by itself", c)
		}
		if c := content(m.interact(t, faq(roleModerator, []string{"reload"}, nil))); !strings.Contains(c, "Reloaded") {
			t.Errorf("another moderator's reload: %q, want Reloaded", c)
		}
	})

	t.Run("saves and reloads answer at once and send the result after", func(t *testing.T) {
		// Each reload takes 4 s, as on a large corpus: longer than the 3 s
		// Discord waits for an answer.
		m.slow.Store(int64(4 * time.Second))
		defer m.slow.Store(0)
		deferred := func(what string, d map[string]any, want string) {
			t.Helper()
			start := time.Now()
			id := m.dispatch(d)
			body := m.callback(t, id)
			took := time.Since(start)
			data, _ := body["data"].(map[string]any)
			if typ, _ := body["type"].(float64); typ != 5 || data["flags"] != 64.0 {
				t.Errorf("%s: response %v, want a deferred ephemeral response (type 5, flags 64)", what, body)
			}
			if took > 2*time.Second {
				t.Errorf("%s: answered after %v, want well within Discord's 3 s", what, took)
			}
			if c, _ := m.followUp(t, id)["content"].(string); !strings.Contains(c, want) {
				t.Errorf("%s: follow-up %q, want %q", what, c, want)
			}
		}
		mod3 := member("mod3", "32")
		deferred("/faq reload", faq(mod3, []string{"reload"}, nil), "Reloaded")
		body := m.interact(t, faq(mod3, []string{"edit"}, map[string]any{"id": "vaginismus"}))
		inputs := modalInputs(t, body)
		inputs["title"] = "Deferred: why does my body tense up?"
		deferred("edit form", modal(mod3, body["data"].(map[string]any)["custom_id"].(string), inputs), "Saved")
		if e, _ := m.r.Library().Corpus.Entry("vaginismus"); e.Title != inputs["title"] {
			t.Errorf("served title %q after the deferred save, want %q", e.Title, inputs["title"])
		}
	})

	t.Run("shared questions: scrubbed, grouped; unshared never stored", func(t *testing.T) {
		share := func(user, question string) {
			dm(m.f, user, question)
			bottest.WaitFor(t, "fallback", func() bool { return len(messagesTo(m.f, "dm-"+user)) == 1 })
			reply := messagesTo(m.f, "dm-"+user)[0].Body
			if !strings.Contains(fmt.Sprint(reply["embeds"]), "as it would be shared") {
				t.Fatalf("no share offer in %v", reply["embeds"])
			}
			body := m.interact(t, map[string]any{"type": 3, "channel_id": "dm-" + user, "user": map[string]any{"id": user},
				"message": map[string]any{"id": "m1", "channel_id": "dm-" + user, "embeds": reply["embeds"]},
				"data":    map[string]any{"custom_id": "gap-share", "component_type": 2}})
			if !strings.Contains(content(body), "Thank you") {
				t.Fatalf("share: %q", content(body))
			}
		}
		share("gap1", "which python library parses yaml? joe@example.com")
		share("gap4", "how do I fix my bike chain, call 555-123-4567")
		share("gap2", "Which Python library parses YAML?? <@123456789012345678>")
		dm(m.f, "gap3", "recommend a gaming laptop under 1000 dollars")
		bottest.WaitFor(t, "unshared fallback", func() bool { return len(messagesTo(m.f, "dm-gap3")) == 1 })
		c := content(m.interact(t, faq(moderator, []string{"gaps", "list"}, nil)))
		for _, bad := range []string{"joe@example.com", "555-123-4567", "123456789012345678", "laptop"} {
			if strings.Contains(c, bad) {
				t.Errorf("gaps list contains %q:\n%s", bad, c)
			}
		}
		if !strings.Contains(c, "×2") || !strings.Contains(strings.ToLower(c), "python library") {
			t.Errorf("gaps list does not group the two questions:\n%s", c)
		}
	})

	t.Run("stats count across a restart", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			dm(m.f, fmt.Sprintf("stat%d", i), "is sex therapy confidential")
		}
		bottest.WaitFor(t, "replies", func() bool { return len(messagesTo(m.f, "dm-stat2")) == 1 })
		m.interact(t, map[string]any{"type": 3, "channel_id": "dm-stat0", "user": map[string]any{"id": "stat0"},
			"message": map[string]any{"id": "m2", "channel_id": "dm-stat0"},
			"data":    map[string]any{"custom_id": "fb:0:confidentiality", "component_type": 2}})
		m.tally.Flush(context.Background())
		c := content(m.interact(t, faq(moderator, []string{"stats"}, map[string]any{"days": 7})))
		if !strings.Contains(c, "questions") || !strings.Contains(c, "confidentiality") {
			t.Errorf("/faq stats: %q", c)
		}
		bottest.WaitFor(t, "chart follow-up", func() bool { return len(m.f.sent(http.MethodPost, "/webhooks/900/")) >= 1 })
		before, err := m.db.Stats(context.Background(), time.Now().AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		m.db.Close()
		db, err := sqlite.Open(filepath.Join(m.dbDir, "confidant.db"))
		if err != nil {
			t.Fatal(err)
		}
		m.db = db
		after, err := db.Stats(context.Background(), time.Now().AddDate(0, 0, -1))
		if err != nil {
			t.Fatal(err)
		}
		if before.Questions < 3 || after.Questions != before.Questions {
			t.Errorf("questions before restart %d, after %d; want the same, at least 3", before.Questions, after.Questions)
		}
		found := false
		for _, f := range after.Feedback {
			if f.EntryID == "confidentiality" && f.NotHelpful == 1 {
				found = true
			}
		}
		if !found {
			t.Errorf("feedback after restart = %+v, want one not-helpful vote for confidentiality", after.Feedback)
		}
	})
}
