package storetest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/store"
)

// Rows is every row of every table of a database, each value as the text
// the database prints for it, keyed by table, then by column.
type Rows map[string][]map[string]string

// Privacy feeds a store everything the bot records, with text full of IDs
// and contact details, closes it, then reads every row of every table
// through dump and looks for them: no Discord ID, e-mail address, phone
// number or time of day may be kept with what askers did, and each day
// column must hold the bare date of the question. Moderators are not
// anonymous: the audit log must hold the moderator's ID.
//
// open is as for Run; dump reads the database of the test it is given
// behind the store's back, as another program would.
func Privacy(t *testing.T, open func(t *testing.T) store.Store, dump func(t *testing.T) Rows) {
	ctx := context.Background()
	s := open(t)

	const (
		userID    = "123456789012345678"
		channelID = "876543210987654321"
		messageID = "112233445566778899"
		email     = "someone@example.com"
		phone     = "555-123-4567"
	)
	secrets := []string{userID, channelID, messageID, email, phone, "5551234567", "example.com"}
	// A time of day that a careless store would keep.
	when := time.Date(2025, 6, 7, 23, 45, 6, 0, time.FixedZone("CEST", 2*3600))

	for _, text := range []string{
		"<@" + userID + "> said it hurts, is that normal?",
		"<@!" + userID + "> and <#" + channelID + "> what about " + messageID,
		"mail " + email + " or call " + phone + " if you know about PrEP",
		"raw id " + userID + " asks about herpes",
	} {
		if err := s.ShareGap(ctx, text, when); err != nil {
			t.Fatalf("ShareGap: %v", err)
		}
	}
	for _, kind := range []string{"answer", "fallback", "decline", "crisis"} {
		if err := s.CountQuestion(ctx, kind, "", when); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CountQuestion(ctx, "answer", "prep", when); err != nil {
		t.Fatal(err)
	}
	if err := s.CountFeedback(ctx, "prep", false, when); err != nil {
		t.Fatal(err)
	}
	// A caller that mixes up its arguments is refused.
	for _, id := range []string{userID, channelID, messageID, "user-" + userID} {
		if err := s.CountQuestion(ctx, "answer", id, when); err == nil {
			t.Errorf("CountQuestion accepted an entry ID like a Discord ID")
		}
		if err := s.CountFeedback(ctx, id, true, when); err == nil {
			t.Errorf("CountFeedback accepted an entry ID like a Discord ID")
		}
	}
	// Moderators are not anonymous; the audit log is checked apart.
	const moderatorID = "999888777666555444"
	if err := s.Audit(ctx, store.AuditRecord{ModeratorID: moderatorID, EntryID: "prep", Action: "edit", At: when}); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)

	isDate := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timeOfDay := regexp.MustCompile(`\d{1,2}:\d{2}`)
	longDigits := regexp.MustCompile(`\d{6,}`)

	tables := dump(t)
	rows := 0
	for table, records := range tables {
		for _, rec := range records {
			rows++
			for col, v := range rec {
				where := fmt.Sprintf("%s.%s = %q", table, col, v)
				if table == "audit_log" {
					if col == "moderator_id" && v != moderatorID {
						t.Errorf("%s, want the moderator's ID", where)
					}
					continue
				}
				for _, secret := range secrets {
					if strings.Contains(v, secret) {
						t.Errorf("%s holds %q from the input", where, secret)
					}
				}
				if longDigits.MatchString(v) {
					t.Errorf("%s holds a long run of digits", where)
				}
				if timeOfDay.MatchString(v) {
					t.Errorf("%s holds a time of day", where)
				}
				if strings.Contains(col, "day") && !isDate.MatchString(v) {
					t.Errorf("%s is not a bare YYYY-MM-DD date", where)
				}
				if strings.Contains(col, "day") && v != "2025-06-07" {
					t.Errorf("%s, want the date where the question was asked, 2025-06-07", where)
				}
			}
		}
	}
	for _, table := range []string{"gaps", "question_counts", "feedback_counts", "audit_log"} {
		if len(tables[table]) == 0 {
			t.Errorf("table %s is empty or missing: the test would prove nothing", table)
		}
	}
	t.Logf("checked %d rows in %d tables", rows, len(tables))
}
