package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

func TestScratch(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := bot.NewLibrary(c, index.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	r := bot.NewResponder(lib, nil)
	for _, q := range []string{"", "   ", strings.Repeat("a", 100000), "\xff\xfe", "\x00\x07\x1b[31m", "😀😀😀", "title:foo", "/.*/", `"unbalanced`, "+-^~*", "@everyone <@123>", "\u202eis sex therapy confidential\u202c", "what does a sex therapist actually do", "is sex therapy confidential", "I want to kill myself", "how many mg of viagra should I take", "I was raped years ago and now sex is hard for me", "hello"} {
		rep := r.Respond(context.Background(), q)
		var alts []string
		for _, a := range rep.Alternatives {
			alts = append(alts, a.ID)
		}
		fmt.Printf("%.30q -> %s %s %q %.2f %v notice=%.30q | %s\n", q, rep.Kind, rep.ID(), rep.Category, rep.Score, alts, rep.Notice, rep.Reason)
	}
}
