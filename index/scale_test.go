package index_test

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// TestRankingAtScale reports how often the first hit of Index.Search is
// the expected entry of an evaluation file, on the embedded corpus and on
// synthetic corpora (knowledgetest.Synthetic) of 1,000 and 10,000 entries,
// where a variant of the expected entry ("low-desire-00042") counts as
// right: the ranking quality beside the speed figures of larger corpora,
// with the learned ranker as the options decide and forced on or off.
// It is search alone: the confidence rule of `confidant eval` is not
// applied. Rows expecting none are left out.
//
//	CONFIDANT_SCALE_RECALL=../../shared/eval/dev-questions.tsv go test ./index -run RankingAtScale -v -timeout 60m
//
// CONFIDANT_SCALE_SIZES chooses the sizes (default "0,1000,10000") and
// CONFIDANT_SCALE_LEARNED the learned ranker ("default", "on", "off";
// default "default").
func TestRankingAtScale(t *testing.T) {
	file := os.Getenv("CONFIDANT_SCALE_RECALL")
	if file == "" {
		t.Skip("set CONFIDANT_SCALE_RECALL to an evaluation file")
	}
	rows := mustRows(t, file)
	sizes := "0,1000,10000"
	if s := os.Getenv("CONFIDANT_SCALE_SIZES"); s != "" {
		sizes = s
	}
	variant := regexp.MustCompile(`-\d{5}$`)
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		c, err := knowledgetest.LoadSized(n)
		if err != nil {
			t.Fatal(err)
		}
		o := index.DefaultOptions()
		switch os.Getenv("CONFIDANT_SCALE_LEARNED") {
		case "on":
			o.LearnedMaxEntries = 0
		case "off":
			o.Learned = 0
		}
		c0, t0 := index.ProcessCPU(), time.Now()
		ix, err := index.Build(c, o)
		if err != nil {
			t.Fatal(err)
		}
		build, buildCPU := time.Since(t0), index.ProcessCPU()-c0
		right := 0
		for _, r := range rows {
			hits, err := ix.Search(context.Background(), r.question, 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) > 0 && r.expects(variant.ReplaceAllString(hits[0].ID, "")) {
				right++
			}
		}
		t.Logf("entries=%d learned=%v: first hit right %.3f (%d/%d); build %.1f s (cpu %.1f s)",
			ix.Len(), ix.Learned("x") != nil, float64(right)/float64(len(rows)), right, len(rows), build.Seconds(), buildCPU.Seconds())
		ix.Close()
	}
}

type evalRow struct {
	question string
	expected []string
}

func (r evalRow) expects(id string) bool {
	for _, e := range r.expected {
		if e == id {
			return true
		}
	}
	return false
}

// mustRows reads the in-scope rows of an evaluation file (question, tab,
// expected ids separated by |; a header line).
func mustRows(tb testing.TB, file string) []evalRow {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 0; sc.Scan(); line++ {
		q, exp, ok := strings.Cut(sc.Text(), "\t")
		if line == 0 || !ok || exp == "none" || exp == "" {
			continue
		}
		rows = append(rows, evalRow{q, strings.Split(exp, "|")})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}
