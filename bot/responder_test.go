package bot_test

import (
	"bytes"
	"context"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge"
)

// defaultLibrary is the embedded corpus, indexed once for every test.

// topIDs are the entry ids a reply offers, the answer first.
func topIDs(r knowledge.Reply) []string {
	var ids []string
	if r.Entry != nil {
		ids = append(ids, r.Entry.ID)
	}
	for _, a := range r.Alternatives {
		ids = append(ids, a.ID)
	}
	return ids
}

var kinds = []knowledge.Kind{knowledge.KindAnswer, knowledge.KindFallback, knowledge.KindDecline, knowledge.KindCrisis}

// TestRespondBadInput sends what people (and scripts) really send. Every
// message gets one of the four kinds of reply, and none echoes the input.
func TestRespondBadInput(t *testing.T) {
	r := bottest.MustResponder(t)
	tests := []struct {
		name     string
		msg      string
		kind     knowledge.Kind // "" for any kind
		category string         // checked when not ""
		message  string         // part of Message, checked when not ""
		noEcho   string         // must not appear in the rendered text
	}{
		{name: "empty", msg: "", kind: knowledge.KindFallback, category: "empty"},
		{name: "spaces", msg: "   \t\n ", kind: knowledge.KindFallback, category: "empty"},
		{name: "too long", msg: strings.Repeat("a", 100000), kind: knowledge.KindFallback, category: "too-long", message: "shorten"},
		{name: "too many words", msg: strings.Repeat("sex therapy ", 200), kind: knowledge.KindFallback, category: "too-long", message: "shorten"},
		{name: "invalid utf-8", msg: "\xff\xfe", kind: knowledge.KindFallback},
		{name: "invalid utf-8 in words", msg: "is sex \xff therapy confidential\xc3", noEcho: "\xff"},
		{name: "control chars", msg: "\x00\x07\x1b[31m\x7f", noEcho: "\x1b"},
		{name: "emoji only", msg: "😀😀😀", kind: knowledge.KindFallback, category: "no-words", message: "own words"},
		{name: "field syntax", msg: "title:foo"},
		{name: "regexp", msg: "/.*/"},
		{name: "unbalanced quote", msg: `"unbalanced`},
		{name: "operators", msg: "+-^~*", kind: knowledge.KindFallback, category: "no-words"},
		{name: "mentions", msg: "@everyone <@123>", noEcho: "@everyone"},
		{name: "bidi override", msg: "\u202eis sex therapy confidential\u202c\u2066x\u2069", noEcho: "\u202e"},
		{name: "zero width", msg: "is\u200b sex\u200d therapy\ufeff confidential", noEcho: "\u200b"},
		{name: "markdown", msg: "**[click](https://evil.example)** `code`", noEcho: "evil.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := r.Respond(context.Background(), tt.msg)
			if !slices.Contains(kinds, rep.Kind) {
				t.Fatalf("kind = %q, want one of %v", rep.Kind, kinds)
			}
			if tt.kind != "" && rep.Kind != tt.kind {
				t.Errorf("kind = %q, want %q (reason %q)", rep.Kind, tt.kind, rep.Reason)
			}
			if tt.category != "" && rep.Category != tt.category {
				t.Errorf("category = %q, want %q", rep.Category, tt.category)
			}
			if tt.message != "" && !strings.Contains(rep.Message, tt.message) {
				t.Errorf("message = %q, want it to contain %q", rep.Message, tt.message)
			}
			text := rep.Text()
			if !strings.Contains(text, knowledge.Disclaimer) {
				t.Errorf("text has no disclaimer:\n%s", text)
			}
			if tt.noEcho != "" && strings.Contains(text, tt.noEcho) {
				t.Errorf("text contains %q from the message:\n%s", tt.noEcho, text)
			}
			if tt.category == "no-words" || tt.category == "empty" || tt.category == "too-long" {
				if rep.Entry != nil || len(rep.Alternatives) > 0 {
					t.Errorf("a nudge carries entry %q and alternatives %v, want none (no search)", rep.ID(), rep.Alternatives)
				}
			}
		})
	}
}

func TestRespondRetrieval(t *testing.T) {
	r := bottest.MustResponder(t)
	tests := []struct {
		question, want string
	}{
		{"what does a sex therapist actually do", "what-is-a-sex-therapist"},
		{"is sex therapy confidential", "confidentiality"},
		{"how do I get my libdo back", "low-desire"},
		{"I can't get it up anymore", "erectile-dysfunction"},
	}
	for _, tt := range tests {
		t.Run(tt.question, func(t *testing.T) {
			rep := r.Respond(context.Background(), tt.question)
			ids := topIDs(rep)
			if !slices.Contains(ids[:min(3, len(ids))], tt.want) {
				t.Errorf("top ids = %v (%s, %s), want %s among the first 3", ids, rep.Kind, rep.Reason, tt.want)
			}
			if rep.Kind == knowledge.KindAnswer && len(rep.Sources()) == 0 {
				t.Errorf("answer %s has no sources", rep.ID())
			}
		})
	}
}

func TestRespondCrisis(t *testing.T) {
	r := bottest.MustResponder(t)
	rep := r.Respond(context.Background(), "I want to kill myself")
	if got, want := rep.Kind, knowledge.KindCrisis; got != want {
		t.Fatalf("kind = %q, want %q (reason %q)", got, want, rep.Reason)
	}
	if got, want := rep.ID(), "crisis-self-harm"; got != want {
		t.Errorf("entry = %q, want %q", got, want)
	}
	if got, want := rep.Category, "self-harm"; got != want {
		t.Errorf("category = %q, want %q", got, want)
	}
	if len(rep.Alternatives) != 0 {
		t.Errorf("alternatives = %v, want none: crisis resources and nothing else", rep.Alternatives)
	}
	if got, want := rep.Referral, bottest.MustLibrary(t).Corpus.Referral(knowledge.ReferralCrisis); got != want {
		t.Errorf("referral = %+v, want the crisis referral", got)
	}
}

// TestCrisisOffersWhatWasAskedBeside: below an assault's or abuse's crisis
// help, the answers the rest of the message asks for with confidence, among
// those related.yaml lets the category offer; never below self-harm or a
// child at risk.
func TestCrisisOffersWhatWasAskedBeside(t *testing.T) {
	r := bottest.MustResponder(t)
	c := bottest.MustLibrary(t).Corpus
	tests := []struct {
		message, category, want string // want "" for no choices at all
	}{
		{"he didnt stop when i said no last night, can i still take the morning after pill", "sexual-assault", "emergency-contraception"},
		{"my ex is threatening to leak my nudes to my family", "abuse", "sexting-and-nudes"},
		{"i want to die, i cant get erections anymore and my wife is leaving", "self-harm", ""},
		{"my stepdad touches me at night, is that normal for puberty", "minor", ""},
	}
	for _, tt := range tests {
		rep := r.Respond(context.Background(), tt.message)
		if rep.Kind != knowledge.KindCrisis || rep.Category != tt.category {
			t.Errorf("%q: %s %s, want a %s crisis reply", tt.message, rep.Kind, rep.Category, tt.category)
			continue
		}
		var ids []string
		for _, a := range rep.Alternatives {
			ids = append(ids, a.ID)
			if !slices.Contains(c.Related.BesideCrisis[tt.category], a.ID) {
				t.Errorf("%q offers %s, which related.yaml does not list for %s", tt.message, a.ID, tt.category)
			}
		}
		if tt.want == "" && len(ids) > 0 || tt.want != "" && !slices.Contains(ids, tt.want) {
			t.Errorf("%q offers %v, want %q", tt.message, ids, tt.want)
		}
		if tt.want != "" && !strings.Contains(rep.Text(), rep.ChoicesHeading()) {
			t.Errorf("%q: the choices are not listed in the text", tt.message)
		}
	}
}

func TestRespondDecline(t *testing.T) {
	r := bottest.MustResponder(t)
	rep := r.Respond(context.Background(), "how many mg of viagra should I take")
	if got, want := rep.Kind, knowledge.KindDecline; got != want {
		t.Fatalf("kind = %q, want %q (reason %q)", got, want, rep.Reason)
	}
	if got, want := rep.Category, "medical-advice"; got != want {
		t.Errorf("category = %q, want %q", got, want)
	}
	if rep.Message == "" {
		t.Error("decline has no message")
	}
	if got, want := rep.Referral, bottest.MustLibrary(t).Corpus.Referral(knowledge.ReferralDoctor); got != want {
		t.Errorf("referral = %+v, want the doctor referral", got)
	}
	if len(rep.Alternatives) > bot.MaxAlternatives {
		t.Errorf("%d alternatives, want at most %d", len(rep.Alternatives), bot.MaxAlternatives)
	}
}

func TestRespondPastDisclosure(t *testing.T) {
	r := bottest.MustResponder(t)
	rep := r.Respond(context.Background(), "I was raped years ago and now sex is hard for me")
	if got, want := rep.Kind, knowledge.KindAnswer; got != want {
		t.Fatalf("kind = %q, want %q (reason %q)", got, want, rep.Reason)
	}
	if got, want := rep.ID(), "sexual-trauma"; got != want {
		t.Errorf("entry = %q, want %q", got, want)
	}
	if !strings.Contains(rep.Notice, "RAINN") {
		t.Errorf("notice = %q, want it to mention RAINN", rep.Notice)
	}
	if !strings.Contains(rep.Text(), rep.Notice) {
		t.Error("the notice is not in the rendered text")
	}
}

// TestRespondLogsNoContent checks that the debug log of a reply carries
// nothing of the message.
func TestRespondLogsNoContent(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := bot.NewResponder(bottest.MustLibrary(t), log)
	for _, msg := range []string{"my zanzibarian partner and I have mismatched libidos", "I want to kill myself zanzibarian"} {
		r.Respond(context.Background(), msg)
	}
	if buf.Len() == 0 {
		t.Fatal("nothing was logged at debug level")
	}
	if strings.Contains(strings.ToLower(buf.String()), "zanzibar") {
		t.Errorf("log contains the message:\n%s", buf.String())
	}
}

func TestRespondConcurrent(t *testing.T) {
	r := bottest.MustResponder(t)
	questions := []string{"is sex therapy confidential", "I want to kill myself", "😀", "premature ejaculation help"}
	want := make([]knowledge.Kind, len(questions))
	for i, q := range questions {
		want[i] = r.Respond(context.Background(), q).Kind
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				k := (g + i) % len(questions)
				if i == 5 && g == 0 {
					r.Swap(bottest.MustLibrary(t)) // swapping while answering is safe
				}
				if got := r.Respond(context.Background(), questions[k]).Kind; got != want[k] {
					t.Errorf("%q: kind = %q, want %q", questions[k], got, want[k])
				}
			}
		})
	}
	wg.Wait()
}

func TestShow(t *testing.T) {
	r := bottest.MustResponder(t)
	tests := []struct {
		id   string
		ok   bool
		kind knowledge.Kind
	}{
		{"confidentiality", true, knowledge.KindAnswer},
		{" confidentiality\n", true, knowledge.KindAnswer},
		{"crisis-self-harm", true, knowledge.KindCrisis},
		{"no-such-entry", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			rep, ok := r.Show(tt.id)
			if ok != tt.ok || rep.Kind != tt.kind {
				t.Errorf("Show(%q) = %q, %v; want %q, %v", tt.id, rep.Kind, ok, tt.kind, tt.ok)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	rows := []knowledge.EvalRow{
		{Question: "q1", Expected: []string{"a"}},
		{Question: "q2", Expected: []string{"b", "c"}},
		{Question: "q3", Expected: []string{"d"}},
		{Question: "q4", Expected: []string{knowledge.None}},
		{Question: "q5", Expected: []string{knowledge.None}},
	}
	answers := map[string]bot.Ranked{
		"q1": {Kind: knowledge.KindAnswer, IDs: []string{"a", "x"}},   // right at 1
		"q2": {Kind: knowledge.KindFallback, IDs: []string{"x", "c"}}, // right at 2
		"q3": {Kind: knowledge.KindFallback, IDs: []string{"d"}},      // rank 1 but not confident
		"q4": {Kind: knowledge.KindFallback},                          // none handled
		"q5": {Kind: knowledge.KindAnswer, IDs: []string{"a"}},        // none answered
	}
	res := bot.Evaluate(context.Background(), rows, func(_ context.Context, q string) bot.Ranked { return answers[q] })
	if res.InScope != 3 || res.NoneRows != 2 {
		t.Errorf("rows = %d in scope, %d none; want 3, 2", res.InScope, res.NoneRows)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"Recall@1", res.RecallAt1, 1.0 / 3},
		{"Recall@3", res.RecallAt3, 1},
		{"MRR", res.MRR, (1 + 0.5 + 1) / 3},
		{"none handled", res.NoneHandled, 0.5},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if got, want := len(res.Misses), 3; got != want {
		t.Errorf("misses = %d, want %d: %+v", got, want, res.Misses)
	}
}

// benchQuestions are varied: clear, vague, misspelt, slang, crisis, decline,
// out of scope, and long.
var benchQuestions = []string{
	"what does a sex therapist actually do",
	"is sex therapy confidential",
	"how much does a session cost and does insurance cover it",
	"my libdo is gone since the baby",
	"cant get it up when im nervous",
	"sex hurts every time, is that normal",
	"we never have sex anymore and my wife doesnt seem to care",
	"I finish too fast",
	"is it ok to fantasize about other people",
	"how do I tell my boyfriend what I like in bed",
	"what is sensate focus",
	"do I need a doctor or a therapist for ED",
	"I want to kill myself",
	"how many mg of viagra should I take",
	"I was raped years ago and now sex is hard for me",
	"what's the capital of France",
	"hello",
	"😀😀😀",
	"is porn addiction real or is it just shame from my religious upbringing",
	strings.Repeat("my partner and I have very different sex drives and it is causing fights ", 12),
}

// BenchmarkRespond reports the median and 99th percentile time of one
// question over a varied set, on the embedded corpus.
func BenchmarkRespond(b *testing.B) {
	r := bottest.MustResponder(b)
	ctx := context.Background()
	durs := make([]time.Duration, 0, 1024)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		q := benchQuestions[i%len(benchQuestions)]
		start := time.Now()
		r.Respond(ctx, q)
		durs = append(durs, time.Since(start))
		i++
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	pct := func(p float64) float64 { return float64(durs[int(p*float64(len(durs)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns/question")
	b.ReportMetric(pct(0.99), "p99-ns/question")
}

// TestMentionsAreNotWords: mention syntax is stripped before matching, so
// "<@123>" cannot match a phone number in an entry.
func TestMentionsAreNotWords(t *testing.T) {
	r := bottest.MustResponder(t)
	rep := r.Respond(context.Background(), "@everyone <@123> <#456> @here")
	if rep.Kind != knowledge.KindFallback || rep.Entry != nil {
		t.Errorf("mentions only: kind %s entry %q, want a fallback without entry", rep.Kind, rep.ID())
	}
}

// TestOnlyTriageGivesCrisisReplies: search never turns a crisis entry into
// a crisis reply or offers one as another answer (safety issue §3). A
// question search ranks to a crisis entry that triage let through gets the
// ordinary reply with that category's line of help on top.
func TestOnlyTriageGivesCrisisReplies(t *testing.T) {
	r := bottest.MustResponder(t)
	crisis := map[string]bool{"crisis-self-harm": true, "sexual-assault-help": true, "relationship-abuse": true, "minors-and-safety": true}
	for _, q := range []string{
		"where can i get help after being assaulted",
		"what is the number for the suicide hotline",
		"how do i report abuse of a child",
		"a place to stay for the weekend",
		"last night was the best game ever",
		"hotline numbers please",
	} {
		rep := r.Respond(context.Background(), q)
		if rep.Kind == knowledge.KindCrisis && !strings.HasPrefix(rep.Reason, "triage: ") {
			t.Errorf("%q: a crisis reply not from triage (%s)", q, rep.Reason)
		}
		for _, a := range rep.Alternatives {
			if crisis[a.ID] && rep.Kind != knowledge.KindCrisis {
				t.Errorf("%q: crisis entry %s offered by search", q, a.ID)
			}
		}
		if rep.Kind != knowledge.KindCrisis && crisis[rep.ID()] {
			t.Errorf("%q: answered from crisis entry %s without triage", q, rep.ID())
		}
	}
	rep := r.Respond(context.Background(), "where can i get help after being assaulted")
	if rep.Kind != knowledge.KindCrisis && (rep.Concern != "sexual-assault" || !strings.Contains(rep.Help, "800-656-HOPE")) {
		t.Errorf("help after an assault: kind %s, concern %q, help %q; want a crisis reply or the sexual-assault line on top", rep.Kind, rep.Concern, rep.Help)
	}
}

// TestCrisisReplyAlsoCarriesSecondCrisis: a message with two crises (a
// partner's violence and thoughts of suicide) gets the crisis reply of one
// with the other's line of help on top, and says so in Concern.
func TestCrisisReplyAlsoCarriesSecondCrisis(t *testing.T) {
	r := bottest.MustResponder(t)
	rep := r.Respond(context.Background(), "my boyfriend hits me and i think about ending it all")
	if rep.Kind != knowledge.KindCrisis || rep.Category != "abuse" {
		t.Fatalf("got %s/%s, want a crisis reply for abuse", rep.Kind, rep.Category)
	}
	if rep.Concern != "self-harm" || !strings.Contains(rep.Help, "988") {
		t.Errorf("concern %q, help %q: want the self-harm line of help (988) on top", rep.Concern, rep.Help)
	}
	if !strings.Contains(rep.Text(), "988") || !strings.Contains(rep.Text(), "800-799") {
		t.Errorf("the reply does not carry both lines:\n%s", rep.Text())
	}
}

// TestCrisisReplyAlsoInLanguage: in Spanish, Portuguese, French or German a
// second crisis the model finds likely adds that crisis's reply in the same
// language (before, only English replies carried the second line of help).
func TestCrisisReplyAlsoInLanguage(t *testing.T) {
	r := bottest.MustResponder(t)
	for _, c := range []struct{ msg, number string }{
		{"mi marido me pega todas las noches y ya no quiero vivir", "024"},    // abuse, then self-harm (Spain)
		{"mein freund schlägt mich und ich will nicht mehr leben", "116 016"}, // self-harm, then violence against women
	} {
		rep := r.Respond(context.Background(), c.msg)
		if rep.Kind != knowledge.KindCrisis || rep.Lang == "" {
			t.Fatalf("%q: got %s (lang %q), want a crisis reply in the language", c.msg, rep.Kind, rep.Lang)
		}
		if rep.Concern == "" || !strings.Contains(rep.Help, c.number) {
			t.Errorf("%q: concern %q, help %q: want the second crisis's reply with %s", c.msg, rep.Concern, rep.Help, c.number)
		}
	}
}

// TestRespondCensoredSpellings: a disguised word ("p*rn", "s3x", "d!ck")
// is read as the word it stands for by the whole search, so the question
// gets the confident answer the plain spelling gets. Before, the learned
// model read "is p*rn bad for me" as outside the corpus.
func TestRespondCensoredSpellings(t *testing.T) {
	r := bottest.MustResponder(t)
	for _, tt := range []struct{ question, want string }{
		{"is p*rn bad for me", "pornography-use"},
		{"watching p0rn every day", "pornography-use"},
		{"my d!ck wont get hard", "erectile-dysfunction"},
		{"is s*x supposed to hurt", "painful-sex"},
	} {
		rep := r.Respond(context.Background(), tt.question)
		if rep.Kind != knowledge.KindAnswer || rep.ID() != tt.want {
			t.Errorf("%q: %s %q (%s), want the answer %s", tt.question, rep.Kind, rep.ID(), rep.Reason, tt.want)
		}
	}
}
