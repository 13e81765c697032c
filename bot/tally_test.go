package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/store/sqlite"
	"github.com/confidant-bot/confidant/knowledge"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

func TestTallyFlushesSums(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 11, 25, 15, 4, 0, 0, time.UTC)
	tally := &bot.Tally{Recorder: db, Now: func() time.Time { return day }}
	e, _ := knowledgetest.MustDefault(t).Entry("vaginismus")
	for i := 0; i < 5; i++ {
		tally.Add(knowledge.Reply{Kind: knowledge.KindAnswer, Entry: e})
	}
	tally.Add(knowledge.Reply{Kind: knowledge.KindFallback})
	tally.Flush(context.Background())
	tally.Flush(context.Background()) // nothing left: counts must not double
	st, err := db.Stats(context.Background(), day.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	if st.Questions != 6 {
		t.Errorf("questions = %d, want 6", st.Questions)
	}
	if len(st.Top) == 0 || st.Top[0].EntryID != "vaginismus" || st.Top[0].Count != 5 {
		t.Errorf("top = %+v, want vaginismus ×5", st.Top)
	}
}
