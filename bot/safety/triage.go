package safety

import (
	"strings"

	"github.com/confidant-bot/confidant/knowledge"
)

// Verdict is what the safety triage decides about a message before search.
type Verdict struct {
	// Kind is knowledge.VerdictCrisis, knowledge.VerdictDecline, or "" to
	// search as usual.
	Kind string
	// Category is the crisis category or decline reason.
	Category string
	// Past is set when a crisis pattern matched a disclosure about the past:
	// Kind is then "" and Redirect, when set, names the entry to answer with.
	Past     bool
	Redirect string
	// Pattern is the trigger that matched, for moderators' previews; for a
	// verdict of the model it names the model's class and probability.
	Pattern string
	// Concern is the middle tier: a crisis category whose line of help goes
	// at the top of an ordinary reply, for distress that is not a clear
	// crisis. Set only when Kind is not crisis.
	Concern string
	// Lang is the message's language when it is not English ("es", "pt",
	// "fr", "de"), so a crisis reply can be given in it.
	Lang string
	// Teen is set when the writer says they are under 18.
	Teen bool
	// Model is the model's probability behind a verdict the model made
	// alone (0 when a pattern decided).
	Model float32
}

// Triage interprets the triage rules of a corpus. It is immutable and safe
// for concurrent use.
type Triage struct {
	// Mode chooses patterns, the model, or both (the default).
	Mode      Mode
	model     *Model
	rules     knowledge.TriageRules
	crisis    map[string][]compiled
	decline   map[string][]compiled
	concern   map[string][]compiled
	outside   []compiled
	negations map[string]bool
	safe      [][]element
	past      [][]element
	unless    [][]element
}

type compiled struct {
	text  string
	parts [][]element
}

// element is one step of a pattern.
type element struct {
	word   string      // literal folded word
	prefix bool        // word* matches any word starting with word
	gap    bool        // "...": up to three words
	alts   [][]element // a {list}: any of these sequences
	age    int         // 1: {minor}, 2: {adult-age}
}

// New compiles the rules of a validated corpus.
func New(r knowledge.TriageRules) *Triage { return NewWithModel(r, DefaultModel()) }

// NewWithModel compiles the rules with another model (nil: patterns only),
// for cross-validation.
func NewWithModel(r knowledge.TriageRules, m *Model) *Triage {
	t := &Triage{model: m, rules: r, crisis: map[string][]compiled{}, decline: map[string][]compiled{}, negations: map[string]bool{}}
	lists := map[string][][]element{}
	for name, items := range r.Lists {
		for _, it := range items {
			lists[name] = append(lists[name], compileWords(it, nil))
		}
	}
	comp := func(ps []knowledge.Pattern) []compiled {
		var out []compiled
		for _, p := range ps {
			c := compiled{text: p.Text}
			for _, part := range p.Parts {
				c.parts = append(c.parts, compileWords(part, lists))
			}
			out = append(out, c)
		}
		return out
	}
	for cat, ps := range r.Crisis {
		t.crisis[cat] = comp(ps)
	}
	for cat, ps := range r.Decline {
		t.decline[cat] = comp(ps)
	}
	t.concern = map[string][]compiled{}
	for cat, ps := range r.ConcernPatterns {
		t.concern[cat] = comp(ps)
	}
	t.outside = comp(r.Outside)
	for _, n := range r.Negations {
		for _, tok := range fold(n) {
			t.negations[tok.text] = true
		}
	}
	for _, s := range r.SafePhrases {
		t.safe = append(t.safe, compileWords(s, nil))
	}
	for _, s := range r.Past.Markers {
		t.past = append(t.past, compileWords(s, nil))
	}
	for _, s := range r.Past.Unless {
		t.unless = append(t.unless, compileWords(s, nil))
	}
	return t
}

func compileWords(s string, lists map[string][][]element) []element {
	var out []element
	for _, w := range strings.Fields(s) {
		switch {
		case w == "...":
			out = append(out, element{gap: true})
		case w == "{minor}":
			out = append(out, element{age: 1})
		case w == "{adult-age}":
			out = append(out, element{age: 2})
		case strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}"):
			out = append(out, element{alts: lists[w[1:len(w)-1]]})
		default:
			prefix := strings.HasSuffix(w, "*")
			toks := fold(strings.TrimSuffix(w, "*"))
			for i, tk := range toks {
				out = append(out, element{word: tk.text, prefix: prefix && i == len(toks)-1})
			}
		}
	}
	return out
}

// patterns is the verdict of the patterns alone.
func (t *Triage) patterns(toks []token) Verdict {
	if len(toks) == 0 {
		return Verdict{}
	}
	neutral := make([]bool, len(toks))
	for _, s := range t.safe {
		for i := range toks {
			if end, ok := matchSeq(toks, i, s, nil); ok {
				for k := i; k < end; k++ {
					neutral[k] = true
				}
			}
		}
	}
	for _, cat := range knowledge.CrisisCategories {
		if p, ok := t.first(t.crisis[cat], toks, neutral); ok {
			v := Verdict{Kind: knowledge.VerdictCrisis, Category: cat, Pattern: p}
			if t.isPast(toks) {
				if redirect, ok := t.rules.Past.Redirect[cat]; ok {
					return Verdict{Category: cat, Past: true, Redirect: redirect, Pattern: p}
				}
			}
			return v
		}
	}
	for _, reason := range knowledge.DeclineReasons {
		if p, ok := t.first(t.decline[reason], toks, neutral); ok {
			return Verdict{Kind: knowledge.VerdictDecline, Category: reason, Pattern: p}
		}
	}
	concern := ""
	for _, cat := range knowledge.CrisisCategories {
		if _, ok := t.first(t.concern[cat], toks, neutral); ok {
			concern = cat
			break
		}
	}
	if p, ok := t.first(t.outside, toks, neutral); ok {
		return Verdict{Kind: knowledge.VerdictOutside, Category: knowledge.VerdictOutside, Pattern: p, Concern: concern}
	}
	return Verdict{Concern: concern}
}

func (t *Triage) isPast(toks []token) bool {
	return anyPhrase(toks, t.past) && !anyPhrase(toks, t.unless)
}

func anyPhrase(toks []token, phrases [][]element) bool {
	for _, p := range phrases {
		for i := range toks {
			if _, ok := matchSeq(toks, i, p, nil); ok {
				return true
			}
		}
	}
	return false
}

// first returns the first pattern that matches.
func (t *Triage) first(ps []compiled, toks []token, neutral []bool) (string, bool) {
	for _, p := range ps {
		if t.matches(p, toks, neutral) {
			return p.text, true
		}
	}
	return "", false
}

func (t *Triage) matches(p compiled, toks []token, neutral []bool) bool {
	for _, part := range p.parts {
		if !t.partMatches(part, toks, neutral) {
			return false
		}
	}
	return true
}

func (t *Triage) partMatches(part []element, toks []token, neutral []bool) bool {
	startsNegated := len(part) > 0 && part[0].word != "" && t.negations[part[0].word]
	for i := range toks {
		end, ok := matchSeq(toks, i, part, t.negations)
		if !ok {
			continue
		}
		if overlaps(neutral, i, end) {
			continue
		}
		if !startsNegated && t.negatedAt(toks, i) {
			continue
		}
		return true
	}
	// Letters typed apart were joined into one word: look for the part,
	// squashed, inside it.
	if sq := squash(part); len(sq) >= 4 {
		for i, tk := range toks {
			if tk.joined && !neutral[i] && strings.Contains(tk.text, sq) {
				return true
			}
		}
	}
	return false
}

func overlaps(neutral []bool, from, to int) bool {
	for k := from; k < to && k < len(neutral); k++ {
		if neutral[k] {
			return true
		}
	}
	return false
}

// negatedAt reports whether one of the two words before i is a negation.
func (t *Triage) negatedAt(toks []token, i int) bool {
	for k := max(0, i-2); k < i; k++ {
		if t.negations[toks[k].text] {
			return true
		}
	}
	return false
}

// squash concatenates a part made only of literal words; "" otherwise.
func squash(part []element) string {
	var b strings.Builder
	for _, e := range part {
		if e.word == "" || e.prefix {
			return ""
		}
		b.WriteString(e.word)
	}
	return collapseRepeats(b.String())
}

// matchSeq matches els against toks starting at i and returns the end.
func matchSeq(toks []token, i int, els []element, _ map[string]bool) (int, bool) {
	if len(els) == 0 {
		return i, true
	}
	e := els[0]
	switch {
	case e.gap:
		for skip := 0; skip <= 3 && i+skip <= len(toks); skip++ {
			if end, ok := matchSeq(toks, i+skip, els[1:], nil); ok {
				return end, true
			}
		}
		return 0, false
	case e.alts != nil:
		for _, alt := range e.alts {
			if mid, ok := matchSeq(toks, i, alt, nil); ok && mid > i {
				if end, ok := matchSeq(toks, mid, els[1:], nil); ok {
					return end, true
				}
			}
		}
		return 0, false
	}
	if i >= len(toks) {
		return 0, false
	}
	switch {
	case e.age != 0:
		if !isAge(toks, i, e.age == 1) {
			return 0, false
		}
	case e.prefix:
		if !strings.HasPrefix(toks[i].text, e.word) {
			return 0, false
		}
	default:
		if toks[i].text != e.word && !(len(e.word) >= 7 && knowledge.OneEditApart(toks[i].text, e.word)) {
			return 0, false
		}
	}
	return matchSeq(toks, i+1, els[1:], nil)
}

var (
	agePrefix = map[string]bool{"im": true, "am": true, "age": true, "aged": true, "is": true, "under": true, "turned": true, "only": true, "just": true}
	ageSuffix = map[string]bool{"yo": true, "y": true, "yr": true, "yrs": true, "year": true, "years": true, "f": true, "m": true, "s": true}
)

// isAge reports whether toks[i] is an age (under 18 when minor, else 18+)
// said as an age: "I'm 14", "14 yo", "a 30 year old", "under 16s".
func isAge(toks []token, i int, minor bool) bool {
	n, ok := number(toks[i].text)
	if !ok || n < 1 || n > 99 {
		return false
	}
	if minor != (n < 18) {
		return false
	}
	before := i > 0 && agePrefix[toks[i-1].text]
	after := i+1 < len(toks) && ageSuffix[toks[i+1].text]
	return before || after
}

// denies reports a crisis pattern of cat that matches only right after a
// negation ("I'm not suicidal, I just…"): the writer says it is not so, and
// the model's guess alone does not overrule them.
func (t *Triage) denies(toks []token, cat string) bool {
	for _, p := range t.crisis[cat] {
		for _, part := range p.parts {
			for i := range toks {
				if _, ok := matchSeq(toks, i, part, t.negations); ok && t.negatedAt(toks, i) {
					return true
				}
			}
		}
	}
	return false
}
