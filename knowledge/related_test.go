package knowledge_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/confidant-bot/confidant/knowledge"
)

// withRelated is the embedded corpus with its related.yaml replaced.
func withRelated(tb testing.TB, related string) fs.FS {
	tb.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(knowledge.DefaultFS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(knowledge.DefaultFS(), path)
		m[path] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	m[knowledge.RelatedFile] = &fstest.MapFile{Data: []byte(related), Mode: 0o644}
	return m
}

// TestRelatedTopic: a follow-up with a topic's words goes to the topic's
// entry, except after the entries that answer it themselves; topics are
// tried in the order of their ids, whatever the map's order.
func TestRelatedTopic(t *testing.T) {
	c, _, err := knowledge.Load(withRelated(t, `
topics:
  cost-and-insurance: [cost, insurance]
  finding-a-sex-therapist: [near me]
stay:
  cost-and-insurance: [sti-testing]
`))
	if err != nil {
		t.Fatal(err)
	}
	has := func(said string) func([]string) bool {
		return func(words []string) bool {
			for _, w := range words {
				if strings.Contains(said, w) {
					return true
				}
			}
			return false
		}
	}
	for _, tc := range []struct {
		last, said, want string
	}{
		{"low-desire", "how much does it cost", "cost-and-insurance"},
		{"sti-testing", "how much does it cost", "sti-testing"},
		{"low-desire", "is there one near me", "finding-a-sex-therapist"},
		{"low-desire", "does insurance cover one near me", "cost-and-insurance"},
		{"low-desire", "is that normal", ""},
	} {
		for range 5 {
			if got := c.Related.Topic(tc.last, has(tc.said)); got != tc.want {
				t.Fatalf("Topic(%q, %q) = %q, want %q", tc.last, tc.said, got, tc.want)
			}
		}
	}
}

// TestRelatedMoves: each kind of move reads its own map, and Stays answers
// for the entries a topic's follow-ups stay on.
func TestRelatedMoves(t *testing.T) {
	c, _, err := knowledge.Load(withRelated(t, `
time:
  aasect-certification: how-long-to-become
opposite:
  premature-ejaculation: delayed-ejaculation
topics:
  painful-sex: [hurt]
stay:
  painful-sex: [infidelity]
`))
	if err != nil {
		t.Fatal(err)
	}
	rel := c.Related
	for _, tc := range []struct {
		kind, from, want string
	}{
		{"opposite", "premature-ejaculation", "delayed-ejaculation"},
		{"time", "premature-ejaculation", ""},
		{"time", "aasect-certification", "how-long-to-become"},
		{"opposite", "aasect-certification", ""},
	} {
		if got := rel.Move(tc.kind, tc.from); got != tc.want {
			t.Errorf("Move(%q, %q) = %q, want %q", tc.kind, tc.from, got, tc.want)
		}
	}
	if !rel.Stays("painful-sex", "infidelity") || rel.Stays("painful-sex", "low-desire") || rel.Stays("cost-and-insurance", "infidelity") {
		t.Errorf("Stays: want painful-sex to stay on infidelity only")
	}
}

// TestRelatedProblems: related.yaml names only entries and kinds that exist.
func TestRelatedProblems(t *testing.T) {
	for _, tc := range []struct {
		name, related, want string
	}{
		{"time to a missing entry", "time:\n  aasect-certification: no-such-entry\n", `entry "no-such-entry" does not exist`},
		{"stay after a missing entry", "topics:\n  cost-and-insurance: [cost]\nstay:\n  cost-and-insurance: [no-such-entry]\n", `entry "no-such-entry" does not exist`},
		{"stay for a missing entry", "stay:\n  no-such-topic: [vaginismus]\n", `entry "no-such-topic" does not exist`},
		{"opposite to a missing entry", "opposite:\n  premature-ejaculation: no-such-entry\n", `entry "no-such-entry" does not exist`},
		{"words of an unknown kind", "words:\n  later: [tomorrow]\n", `words: unknown kind "later" (use women, men, opposite, time)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, rep, _ := knowledge.Load(withRelated(t, tc.related))
			var got []string
			for _, p := range rep.Problems {
				if p.File == knowledge.RelatedFile {
					got = append(got, p.Message)
				}
			}
			if len(got) != 1 || !strings.Contains(got[0], tc.want) {
				t.Errorf("problems in %s = %q, want one saying %q", knowledge.RelatedFile, got, tc.want)
			}
		})
	}
}

// TestRelatedRefusesCrisisEntries: only the triage gives crisis replies, so
// related.yaml cannot lead a follow-up to a crisis entry, by a move or a
// topic.
func TestRelatedRefusesCrisisEntries(t *testing.T) {
	for _, file := range []string{
		"time:\n  sexual-trauma: sexual-assault-help\n",
		"topics:\n  crisis-self-harm: [help]\n",
		"beside_crisis:\n  abuse: [consent, crisis-self-harm]\n",
	} {
		_, rep, err := knowledge.Load(withRelated(t, file))
		refused := false
		for _, p := range rep.Problems {
			refused = refused || p.Severity == knowledge.Error && strings.Contains(p.Message, "crisis entry")
		}
		if err == nil || !refused {
			t.Errorf("%q: loaded (err %v, problems %v), want it refused as naming a crisis entry", file, err, rep.Problems)
		}
	}
}

// TestRelatedMissingEntryLoads: an entry named in related.yaml that the
// corpus lacks (retired from Discord, say) is a warning and is ignored;
// the corpus still loads.
func TestRelatedMissingEntryLoads(t *testing.T) {
	c, rep, err := knowledge.Load(withRelated(t, "topics:\n  no-such-entry: [cost]\nstay:\n  cost-and-insurance: [no-such-entry]\n"))
	if err != nil {
		t.Fatalf("corpus refused: %v (%v)", err, rep.Problems)
	}
	if _, ok := c.Related.Topics["no-such-entry"]; ok {
		t.Errorf("the missing entry's topic was kept")
	}
}

// TestRelatedBeside: a crisis reply offers only the entries its category
// lists, in the order given; an entry the corpus lacks is dropped.
func TestRelatedBeside(t *testing.T) {
	c, rep, err := knowledge.Load(withRelated(t, "beside_crisis:\n  sexual-assault: [hiv-prevention, emergency-contraception, no-such-entry]\n"))
	if err != nil {
		t.Fatalf("corpus refused: %v (%v)", err, rep.Problems)
	}
	choices := []knowledge.Alternative{{ID: "premature-ejaculation"}, {ID: "emergency-contraception"}, {ID: "no-such-entry"}, {ID: "hiv-prevention"}}
	var got []string
	for _, a := range c.Related.Beside("sexual-assault", choices) {
		got = append(got, a.ID)
	}
	if want := "emergency-contraception hiv-prevention"; strings.Join(got, " ") != want {
		t.Errorf("sexual-assault keeps %v, want %s", got, want)
	}
	if kept := c.Related.Beside("abuse", choices); len(kept) != 0 {
		t.Errorf("abuse, listed nowhere, keeps %v, want none", kept)
	}
}
