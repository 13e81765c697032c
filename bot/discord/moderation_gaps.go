package discord

// Shared questions: the asker's "share this question" button, /faq gaps and
// the gap buttons.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/knowledge"
)

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
		return text("Could not read the shared questions: %s", m.problemText("gaps", err))
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
		return text("Could not dismiss #%d: %s", id, m.problemText("dismiss", err))
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
		return text("Could not read the shared questions: %s", m.problemText("gaps", err))
	}
	for _, g := range gaps {
		if g.ID == id {
			return addModal("", knowledge.Draft{Title: g.Text, Questions: []string{g.Text}, Referral: knowledge.ReferralTherapist})
		}
	}
	return text("Shared question #%d is not on the first page any more; use /faq add.", id)
}

// Replies to a share. Each says what happened: nothing is thanked as
// shared unless it was stored.
const (
	shareOff         = "Sharing is not switched on for this bot, so nothing was stored."
	shareNothing     = "There was no question to share."
	shareDone        = "Thank you. Only the question as shown, and today's date, were shared with the moderators: nothing about you."
	shareAlready     = "Thank you! You already shared this question, so the moderators have it; it was not counted again."
	shareEmpty       = "Nothing was shared: once addresses, numbers and mentions were taken out, no question was left."
	shareNotRecorded = "Sorry, that could not be shared right now (a problem on our side), so nothing was stored. Please try again later."
)

// shareGap stores the question a reply offered to share: once per person
// and message (m.counted).
func (m *Moderation) shareGap(i *discordgo.Interaction) *discordgo.InteractionResponse {
	if m.Store == nil {
		return text(shareOff)
	}
	q := sharedText(i.Message)
	if q == "" {
		return text(shareNothing)
	}
	what := "share\x00" + i.Message.ID
	if i.Message.ID == "" {
		what = "share-text\x00" + q
	}
	now, user := m.now(), UserID(i)
	if !m.counter().First(user, what, now) {
		return text(shareAlready)
	}
	if err := m.Store.ShareGap(context.Background(), q, now); err != nil {
		m.counter().Forget(user, what) // not stored: the person may try again
		if errors.Is(err, store.ErrInvalid) {
			return text(shareEmpty)
		}
		// The error may quote the question, which is never logged.
		m.log().Error("share gap", slog.String(bot.LogEvent, "share-gap"), slog.String(bot.LogError, storeErrorKind(err)))
		return text(shareNotRecorded)
	}
	return text(shareDone)
}

// storeErrorKind names a store error without its text, for logs that must
// not quote what people wrote.
func storeErrorKind(err error) string {
	switch {
	case errors.Is(err, store.ErrInvalid):
		return "store: invalid"
	case errors.Is(err, store.ErrLocked):
		return "store: locked"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "store: timeout"
	}
	return "store: write failed"
}
