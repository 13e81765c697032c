package bot_test

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestLogsCarryNoQuestionText drives whole conversations through the
// pipeline with debug logging and fails if any record holds any four-word
// run of a question (or a whole short question).
func TestLogsCarryNoQuestionText(t *testing.T) {
	var questions []string
	for _, path := range []string{"../testdata/eval-questions.tsv", "../testdata/triage-cases.tsv"} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			q, _, _ := strings.Cut(sc.Text(), "\t")
			questions = append(questions, q)
		}
		f.Close()
	}
	questions = append(questions, "", strings.Repeat("long ", 5000), "\xff\xfe")
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	lib, err := bot.NewLibrary(knowledgetest.MustDefault(t), index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewResponder(lib, log)
	for _, q := range questions {
		r.Respond(context.Background(), q)
	}
	out := strings.ToLower(logs.String())
	if strings.Count(out, "\n") < len(questions)/2 {
		t.Fatalf("only %d log lines for %d questions: the test would prove nothing", strings.Count(out, "\n"), len(questions))
	}
	for _, q := range questions {
		words := strings.Fields(strings.ToLower(q))
		if len(words) < 4 {
			if len(q) > 12 && strings.Contains(out, strings.ToLower(q)) {
				t.Errorf("logs contain the question %q", q)
			}
			continue
		}
		for i := 0; i+4 <= len(words); i++ {
			if run := strings.Join(words[i:i+4], " "); strings.Contains(out, run) {
				t.Errorf("logs contain %q from %q", run, q)
				break
			}
		}
	}
}

// TestPrivacyAnswerMatchesBehaviour checks the privacy entry's key claims;
// the behaviour behind them is proven by TestLogsCarryNoQuestionText,
// TestRateLimiterKeepsNoIDs, the Discord log test and cmd's no-disk test.
func TestPrivacyAnswerMatchesBehaviour(t *testing.T) {
	e, ok := knowledgetest.MustDefault(t).Entry("bot-privacy")
	if !ok {
		t.Fatal("no bot-privacy entry")
	}
	body := strings.Join(strings.Fields(strings.ToLower(e.Body)), " ")
	for _, claim := range []string{"pseudonymous", "discord", "hash", "delete", "contact", "daily counts", "share it anonymously", "only if you press it", "follow-up", "never your words", "ten minutes"} {
		if !strings.Contains(body, claim) {
			t.Errorf("bot-privacy does not mention %q", claim)
		}
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
