package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestChatConversation scripts a console conversation: small talk, an
// answer, a follow-up, a numbered choice, "more", the slash commands, and
// bad input (a 5 MB line, binary, emoji only) that gets a kind reply while
// the session goes on.
func TestChatConversation(t *testing.T) {
	huge := strings.Repeat("why ", 5<<20/4)
	script := strings.Join([]string{
		"hi",
		"why cant i keep an erection",
		"what about for women?",
		huge,
		"\x00\x01\xff\xfe",
		"🙂🙂🙂",
		"/topics",
		"/privacy",
		"/help",
		"is sex therapy confidential",
		"2",
		"more",
		"thanks",
	}, "\n") + "\n"
	res := mustRun(t, script, map[string]string{"COLUMNS": "72"}, "chat")
	if res.runErr != nil {
		t.Fatalf("chat ended with %v", res.runErr)
	}
	for _, want := range []string{
		"I'm Confidant",              // greeting
		"erection",                   // the answer
		"aroused",                    // the follow-up, read with the last topic
		"longer than I can read",     // the 5 MB line
		"only read words",            // emoji only
		"Sex therapy and therapists", // /topics
		"pseudonymous",               // /privacy
		"You're welcome",             // thanks
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("conversation lacks %q", want)
		}
	}
	if strings.Contains(res.out, "**") {
		t.Error("the console shows raw ** markers")
	}
	for _, line := range strings.Split(res.out, "\n") {
		if n := len([]rune(line)); n > 72 && !strings.Contains(line, "http") {
			t.Errorf("line of %d columns with COLUMNS=72: %.60q…", n, line)
			break
		}
	}
	if n := strings.Count(res.out, "General information from an automated bot"); n < 12 {
		t.Errorf("%d replies to 12 lines and /topics, want a reply to each", n)
	}
}

// TestAskConversationJSON: --conversation reads the lines as one
// conversation; small talk has its own kind.
func TestAskConversationJSON(t *testing.T) {
	res := mustRun(t, "hi\ni finish too fast\nwhat about the opposite, when it takes forever\n", nil, "ask", "--json", "--conversation")
	if res.runErr != nil {
		t.Fatal(res.runErr)
	}
	var kinds, ids []string
	for _, line := range strings.Split(strings.TrimSpace(res.out), "\n") {
		var r struct{ Kind, ID string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		kinds, ids = append(kinds, r.Kind), append(ids, r.ID)
	}
	if strings.Join(kinds, ",") != "smalltalk,answer,answer" || ids[2] != "delayed-ejaculation" {
		t.Errorf("kinds %v ids %v, want smalltalk, answer, answer ending on delayed-ejaculation", kinds, ids)
	}
}
