package bot_test

import (
	"context"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

var (
	fuzzOnce sync.Once
	fuzzResp *bot.Responder
)

// FuzzRespond drives the whole pipeline (cleaning, triage, search,
// confidence, rendering) with arbitrary input: it must never panic, always
// give one of the four kinds, and render within Discord's limits.
func FuzzRespond(f *testing.F) {
	for _, s := range []string{
		"", " ", "is sex therapy confidential", "i want to k1ll mys3lf", "how many mg of viagra",
		"title:foo", "/.*/", "\"unbalanced", "+-^~*", "@everyone <@123> **x**", "\xff\xfe",
		"\u202eevil\u202c", "k i l l  m y s e l f", "😀😀😀", "ｋｉｌｌ", "im 14 and a 30 year old",
	} {
		f.Add(s)
	}
	fuzzOnce.Do(func() {
		c, _, err := knowledge.Default()
		if err != nil {
			f.Fatal(err)
		}
		lib, err := bot.NewLibrary(c, index.DefaultOptions())
		if err != nil {
			f.Fatal(err)
		}
		fuzzResp = bot.NewResponder(lib, nil)
	})
	f.Fuzz(func(t *testing.T, msg string) {
		rep := fuzzResp.Respond(context.Background(), msg)
		switch rep.Kind {
		case knowledge.KindAnswer, knowledge.KindFallback, knowledge.KindDecline, knowledge.KindCrisis:
		default:
			t.Fatalf("kind %q", rep.Kind)
		}
		m := discord.RenderMessage(rep)
		if n := utf8.RuneCountInString(m.Content); n > 2000 {
			t.Fatalf("content %d runes", n)
		}
		if len(m.Embeds) != 1 {
			t.Fatalf("%d embeds", len(m.Embeds))
		}
		e := m.Embeds[0]
		if n := utf8.RuneCountInString(e.Description); n > 4096 {
			t.Fatalf("description %d runes", n)
		}
		if n := utf8.RuneCountInString(e.Title); n > 256 {
			t.Fatalf("title %d runes", n)
		}
		total := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description) + utf8.RuneCountInString(e.Footer.Text)
		for _, fl := range e.Fields {
			if utf8.RuneCountInString(fl.Value) > 1024 {
				t.Fatalf("field %q value %d runes", fl.Name, utf8.RuneCountInString(fl.Value))
			}
			total += utf8.RuneCountInString(fl.Name) + utf8.RuneCountInString(fl.Value)
		}
		if total > 6000 {
			t.Fatalf("embed total %d runes", total)
		}
	})
}
