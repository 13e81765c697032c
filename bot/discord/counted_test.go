package discord_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store"
)

// countingStore records votes and shares, or fails them with err.
type countingStore struct {
	store.Store // the other methods are not used
	mu          sync.Mutex
	votes       int
	shares      int
	err         error
}

func (s *countingStore) CountFeedback(_ context.Context, _ string, _ bool, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.votes++
	return nil
}

func (s *countingStore) ShareGap(_ context.Context, _ string, _ time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.shares++
	return nil
}

func (s *countingStore) counts() (votes, shares int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.votes, s.shares
}

func (s *countingStore) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

func click(user, messageID, customID string) *discordgo.Interaction {
	return &discordgo.Interaction{
		Type: discordgo.InteractionMessageComponent,
		User: &discordgo.User{ID: user},
		Message: &discordgo.Message{ID: messageID, ChannelID: "dm-" + user, Embeds: []*discordgo.MessageEmbed{{
			Fields: []*discordgo.MessageEmbedField{{Name: "Your question, as it would be shared", Value: "```\nwhat is the best protein powder\n```"}},
		}}},
		Data: discordgo.MessageComponentInteractionData{CustomID: customID, ComponentType: discordgo.ButtonComponent},
	}
}

func handleContent(t *testing.T, m *discord.Moderation, i *discordgo.Interaction) string {
	t.Helper()
	resp, _, ok := m.Handle(i)
	if !ok || resp == nil || resp.Data == nil {
		t.Fatalf("click %q not answered by moderation", i.MessageComponentData().CustomID)
	}
	return resp.Data.Content
}

// TestVotesAndSharesCountOnce: one vote per person, entry and day, one
// share per person and message; a repeat gets a kind "already counted".
func TestVotesAndSharesCountOnce(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	db := &countingStore{}
	m := &discord.Moderation{Responder: bottest.MustResponder(t), Store: db, Now: func() time.Time { return now }}

	if c := handleContent(t, m, click("u1", "m1", "fb:1:kink")); !strings.Contains(c, "Thank you, that helps") {
		t.Errorf("first vote: %q", c)
	}
	for range 50 {
		if c := handleContent(t, m, click("u1", "m1", "fb:1:kink")); !strings.Contains(c, "already counted") {
			t.Fatalf("repeated vote: %q, want it to say it is already counted", c)
		}
	}
	m.Handle(click("u1", "m1", "fb:0:kink")) // the other button: still the same vote
	handleContent(t, m, click("u1", "m1", "fb:1:vaginismus"))
	handleContent(t, m, click("u2", "m1", "fb:1:kink"))
	if votes, _ := db.counts(); votes != 3 {
		t.Errorf("%d votes counted, want 3 (u1 on kink and vaginismus, u2 on kink)", votes)
	}
	now = now.Add(24 * time.Hour)
	handleContent(t, m, click("u1", "m1", "fb:1:kink"))
	if votes, _ := db.counts(); votes != 4 {
		t.Errorf("%d votes counted after a day, want 4", votes)
	}

	if c := handleContent(t, m, click("u1", "m7", "gap-share")); !strings.Contains(c, "Thank you. Only the question") {
		t.Errorf("first share: %q", c)
	}
	for range 50 {
		if c := handleContent(t, m, click("u1", "m7", "gap-share")); !strings.Contains(c, "already shared") {
			t.Fatalf("repeated share: %q, want it to say it is already shared", c)
		}
	}
	handleContent(t, m, click("u1", "m8", "gap-share"))
	handleContent(t, m, click("u2", "m7", "gap-share"))
	if _, shares := db.counts(); shares != 3 {
		t.Errorf("%d shares counted, want 3 (u1 of m7 and m8, u2 of m7)", shares)
	}
}

// TestVotesAndSharesOnAFullDisk: what could not be written is said so, not
// thanked, and may be tried again once the disk has room.
func TestVotesAndSharesOnAFullDisk(t *testing.T) {
	db := &countingStore{}
	m := &discord.Moderation{Responder: bottest.MustResponder(t), Store: db}
	db.fail(errors.Join(errors.New("count feedback: database or disk is full"), syscall.ENOSPC))
	for _, id := range []string{"fb:1:kink", "gap-share"} {
		c := handleContent(t, m, click("u1", "m1", id))
		if strings.Contains(c, "Thank you") || !strings.Contains(c, "could not be") {
			t.Errorf("%s on a full disk: %q, want it to say it could not be recorded", id, c)
		}
	}
	db.fail(nil)
	handleContent(t, m, click("u1", "m1", "fb:1:kink"))
	handleContent(t, m, click("u1", "m1", "gap-share"))
	if votes, shares := db.counts(); votes != 1 || shares != 1 {
		t.Errorf("after the disk has room: %d votes, %d shares; want 1 and 1 (a failed attempt is not 'already counted')", votes, shares)
	}
}
