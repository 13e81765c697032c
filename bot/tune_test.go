package bot_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// TestTune prints retrieval figures for option variants. It runs only with
// CONFIDANT_TUNE=path/to/file.tsv and asserts nothing: it is a tuning aid.
func TestTune(t *testing.T) {
	path := os.Getenv("CONFIDANT_TUNE")
	if path == "" {
		t.Skip("set CONFIDANT_TUNE=FILE.tsv to print tuning figures")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := knowledge.ReadEvalSet(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	base := index.DefaultOptions()
	variants := map[string]func(o *index.Options){
		"default":    func(o *index.Options) {},
		"tfidf":      func(o *index.Options) { o.Scoring = "tfidf" },
		"nofuzzy":    func(o *index.Options) { o.Fuzzy = 0 },
		"nosyn":      func(o *index.Options) { o.Synonyms = false },
		"phrasing0":  func(o *index.Options) { o.Phrasing = 0 },
		"phrasing.5": func(o *index.Options) { o.Phrasing = 0.5 },
		"phrasing2":  func(o *index.Options) { o.Phrasing = 2 },
		"body.3":     func(o *index.Options) { o.Body = 0.3 },
		"body1":      func(o *index.Options) { o.Body = 1 },
		"title1":     func(o *index.Options) { o.Title = 1 },
		"tags.5":     func(o *index.Options) { o.Tags = .5 },
	}
	for name, mod := range variants {
		o := base
		mod(&o)
		lib, err := bot.NewLibrary(c, o)
		if err != nil {
			t.Fatal(err)
		}
		r := bot.NewResponder(lib, nil)
		r.SetConfidence(bot.Confidence{MaxRunnerUp: 2}) // always answer: measures ranking alone
		res := bot.Evaluate(context.Background(), rows, r.RankWith)
		fmt.Printf("%-10s R@1 %.3f R@3 %.3f MRR %.3f\n", name, res.RecallAt1, res.RecallAt3, res.MRR)
	}
}
