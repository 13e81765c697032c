package discord_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// serverPath is an absolute path as it would show in a reply.
var serverPath = regexp.MustCompile(`(^|[\s"'(=])/[^\s"':()]*/`)

// moderating serves a copy of the default corpus to a moderator.
func moderating(t *testing.T, dir string) *discord.Moderation {
	t.Helper()
	rl := bottest.NewReloader(t, dir)
	d, err := knowledge.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &discord.Moderation{Responder: rl.Responder, Dir: d, Reload: rl.Reload, Guilds: []string{"42"}}
}

func modMember() *discordgo.Member {
	return &discordgo.Member{User: &discordgo.User{ID: "mod1"}, Permissions: discordgo.PermissionManageServer}
}

func faqCommand(sub, id string) *discordgo.Interaction {
	return &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, GuildID: "42", Member: modMember(),
		Data: discordgo.ApplicationCommandInteractionData{Name: "faq", Options: []*discordgo.ApplicationCommandInteractionDataOption{{
			Name: sub, Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{{Name: "id", Type: discordgo.ApplicationCommandOptionString, Value: id}},
		}}}}
}

// editSubmit is the edit form of entry id sent back unchanged.
func editSubmit(t *testing.T, m *discord.Moderation, id string) *discordgo.Interaction {
	t.Helper()
	e, ok := m.Responder.Library().Corpus.Entry(id)
	if !ok {
		t.Fatalf("no entry %q", id)
	}
	ver, err := m.Dir.Version(id)
	if err != nil {
		t.Fatal(err)
	}
	d := knowledge.NewDraft(e)
	var rows []discordgo.MessageComponent
	for k, v := range map[string]string{"title": d.Title, "summary": d.Summary, "questions": strings.Join(d.Questions, "\n"),
		"answer": d.Answer, "sources": knowledge.FormatWhoAndSources(d.Referral, d.Sources)} {
		rows = append(rows, &discordgo.ActionsRow{Components: []discordgo.MessageComponent{&discordgo.TextInput{CustomID: k, Value: v}}})
	}
	return &discordgo.Interaction{Type: discordgo.InteractionModalSubmit, GuildID: "42", Member: modMember(),
		Data: discordgo.ModalSubmitInteractionData{CustomID: "faq-edit:" + id + ":" + ver, Components: rows}}
}

func reply(t *testing.T, m *discord.Moderation, i *discordgo.Interaction) string {
	t.Helper()
	resp, _, ok := m.Handle(i)
	if !ok || resp == nil || resp.Data == nil {
		t.Fatal("not answered")
	}
	return resp.Data.Content
}

// TestModeratorSeesNoServerPath: a write that fails in the corpus folder is
// described to the moderator without the server's paths.
func TestModeratorSeesNoServerPath(t *testing.T) {
	dir := knowledgetest.CopyDefault(t)
	m := moderating(t, dir)
	if c := reply(t, m, editSubmit(t, m, "kink")); !strings.Contains(c, "Saved") {
		t.Fatalf("saving an unchanged entry: %q", c)
	}
	// retired/ is a file, so retiring cannot create the folder.
	if err := os.WriteFile(filepath.Join(dir, knowledge.RetiredDir), []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := reply(t, m, faqCommand("retire", "fantasies"))
	t.Logf("retire: %q", c)
	if !strings.Contains(c, "Nothing changed") {
		t.Fatalf("retire: %q, want it refused", c)
	}
	if strings.Contains(c, dir) || serverPath.MatchString(c) {
		t.Errorf("retire shows a server path to the moderator: %q", c)
	}
}

// statsStore fails Stats with an error naming a server path.
type statsStore struct{ store.Store }

func (statsStore) Stats(context.Context, time.Time) (store.Stats, error) {
	return store.Stats{}, &fs.PathError{Op: "open", Path: "/srv/confidant/confidant.db", Err: syscall.EIO}
}

// TestStatsErrorWithoutPath: a statistics read that fails tells the
// moderator what went wrong without the server's paths (it showed the raw
// error before).
func TestStatsErrorWithoutPath(t *testing.T) {
	m := moderating(t, knowledgetest.CopyDefault(t))
	m.Store = statsStore{}
	i := faqCommand("stats", "")
	i.ApplicationCommandData().Options[0].Options = nil
	c := reply(t, m, i)
	if !strings.Contains(c, "Could not read the statistics") || strings.Contains(c, "/srv/") || serverPath.MatchString(c) {
		t.Errorf("stats failure shown as %q", c)
	}
}
