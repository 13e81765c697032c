package safety

import (
	"iter"
	"maps"
	"slices"
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
	// Also is a second crisis category the model finds likely in a crisis
	// message (a partner's violence and thoughts of suicide in one
	// message): its line of help goes on the crisis reply too.
	Also string
	// Firm is set when a firm pattern (a method, a lethal amount, a plan
	// now) made the crisis: the model does not overrule it.
	Firm bool
	// mentioned is set when a safe phrase matched: a trigger word there is
	// only mentioned ("how many days can i take" the morning-after pill),
	// so the model alone does not decline the message either.
	mentioned bool
	// short is set on a crisis the model made alone in a message of fewer
	// than ShortWords words that names no risk (Thresholds.ShortSure): no
	// crisis reply when it follows an ordinary answer (ClassifyAfter).
	short bool
}

// Triage interprets the triage rules of a corpus. It is immutable and safe
// for concurrent use.
type Triage struct {
	// Mode chooses patterns, the model, or both (the default).
	Mode Mode
	// Thresholds of the model's probabilities (DefaultThresholds).
	Thresholds Thresholds
	model      *Model
	rules      knowledge.TriageRules
	negations  map[string]bool
	// lists holds every list of patterns and phrases; the fields below name
	// them by their index in it.
	lists   []phraseList
	parts   []partRef // by partID
	anchors *anchorIndex
	crisis  map[string]int
	firm    int
	decline map[string]int
	concern map[string]int
	outside int
	safe    int
	past    int
	unless  int
	recent  int
	// childNow: cues that a child is near the harm now (past.child_now).
	childNow int
	// afterCrisis: phrases asking for help right after a crisis reply.
	afterCrisis int
}

type compiled struct {
	text  string
	parts [][]element
	// squash is each part's words run together, for words rebuilt from
	// letters typed apart ("" when a part has no such form).
	squash []string
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
	t := &Triage{model: m, Thresholds: DefaultThresholds(), rules: r, crisis: map[string]int{}, decline: map[string]int{},
		concern: map[string]int{}, negations: map[string]bool{}, anchors: newAnchorIndex()}
	lists := map[string][][]element{}
	for name, items := range r.Lists {
		for _, it := range items {
			lists[name] = append(lists[name], compileWords(it, nil))
		}
	}
	comp := func(ps []knowledge.Pattern) int {
		var out []compiled
		for _, p := range ps {
			c := compiled{text: p.Text}
			for _, part := range p.Parts {
				els := compileWords(part, lists)
				c.parts = append(c.parts, els)
				c.squash = append(c.squash, squash(els))
			}
			out = append(out, c)
		}
		return t.addList(out)
	}
	phrases := func(ss []string) int {
		var out []compiled
		for _, s := range ss {
			out = append(out, compiled{text: s, parts: [][]element{compileWords(s, nil)}, squash: []string{""}})
		}
		return t.addList(out)
	}
	for _, cat := range slices.Sorted(maps.Keys(r.Crisis)) {
		t.crisis[cat] = comp(r.Crisis[cat])
	}
	t.firm = comp(r.Firm)
	for _, cat := range slices.Sorted(maps.Keys(r.Decline)) {
		t.decline[cat] = comp(r.Decline[cat])
	}
	for _, cat := range slices.Sorted(maps.Keys(r.ConcernPatterns)) {
		t.concern[cat] = comp(r.ConcernPatterns[cat])
	}
	t.outside = comp(r.Outside)
	for _, n := range r.Negations {
		for _, tok := range fold(n) {
			t.negations[tok.text] = true
		}
	}
	t.safe = phrases(r.SafePhrases)
	t.past = phrases(r.Past.Markers)
	t.unless = phrases(r.Past.Unless)
	t.recent = phrases(r.Past.Recent.Markers)
	t.childNow = phrases(r.Past.ChildNow)
	t.afterCrisis = phrases(r.AfterCrisis.Markers)
	return t
}

// addList numbers the parts of a list, indexes them, and returns the list's
// index.
func (t *Triage) addList(ps []compiled) int {
	l := phraseList{patterns: ps, lo: partID(len(t.parts))}
	li := int32(len(t.lists))
	for pi, p := range ps {
		l.first = append(l.first, partID(len(t.parts)))
		for k, part := range p.parts {
			id := partID(len(t.parts))
			t.parts = append(t.parts, partRef{list: li, pattern: int32(pi)})
			t.anchors.add(id, part, p.squash[k])
		}
	}
	l.hi = partID(len(t.parts))
	t.lists = append(t.lists, l)
	return int(li)
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
func (t *Triage) patterns(toks []token) Verdict { return t.patternsHits(toks, t.anchors.hits(toks)) }

// patternsHits is patterns with the anchor hits of toks already found.
func (t *Triage) patternsHits(toks []token, hits []partID) Verdict {
	if len(toks) == 0 {
		return Verdict{}
	}
	neutral := make([]bool, len(toks))
	mentioned := false
	for p := range t.candidates(t.safe, hits) {
		for i := range toks {
			if end, ok := matchSeq(toks, i, p.parts[0], nil); ok {
				mentioned = true
				for k := i; k < end; k++ {
					neutral[k] = true
				}
			}
		}
	}
	for _, cat := range knowledge.CrisisCategories {
		p, ok := t.first(listOf(t.crisis, cat), hits, toks, neutral)
		firm := false
		if !ok && cat == "self-harm" {
			p, ok = t.first(t.firm, hits, toks, neutral)
			firm = ok
		}
		if ok {
			v := Verdict{Kind: knowledge.VerdictCrisis, Category: cat, Pattern: p, Firm: firm}
			if t.isPastHits(toks, hits) {
				if redirect, ok := t.rules.Past.Redirect[cat]; ok {
					return Verdict{Category: cat, Past: true, Redirect: redirect, Pattern: p}
				}
			}
			return v
		}
	}
	for _, reason := range knowledge.DeclineReasons {
		if p, ok := t.first(listOf(t.decline, reason), hits, toks, neutral); ok {
			return Verdict{Kind: knowledge.VerdictDecline, Category: reason, Pattern: p}
		}
	}
	concern := ""
	for _, cat := range knowledge.CrisisCategories {
		if _, ok := t.first(listOf(t.concern, cat), hits, toks, neutral); ok {
			concern = cat
			break
		}
	}
	if p, ok := t.first(t.outside, hits, toks, neutral); ok {
		return Verdict{Kind: knowledge.VerdictOutside, Category: knowledge.VerdictOutside, Pattern: p, Concern: concern, mentioned: mentioned}
	}
	return Verdict{Concern: concern, mentioned: mentioned}
}

// listOf is the list named key in m, or -1 (an empty list).
func listOf(m map[string]int, key string) int {
	if li, ok := m[key]; ok {
		return li
	}
	return -1
}

// candidates yields, in order, the patterns of list li all of whose parts
// are among hits: the only ones that can match.
func (t *Triage) candidates(li int, hits []partID) iter.Seq[*compiled] {
	return func(yield func(*compiled) bool) {
		if li < 0 {
			return
		}
		l := &t.lists[li]
		i, _ := slices.BinarySearch(hits, l.lo)
		last := int32(-1)
		for ; i < len(hits) && hits[i] < l.hi; i++ {
			pi := t.parts[hits[i]].pattern
			if pi == last {
				continue
			}
			last = pi
			p := &l.patterns[pi]
			// The pattern's smallest id comes first: its first part.
			all := hits[i] == l.first[pi]
			for k := 1; k < len(p.parts) && all; k++ {
				_, all = slices.BinarySearch(hits[i:], l.first[pi]+partID(k))
			}
			if all && !yield(p) {
				return
			}
		}
	}
}

func (t *Triage) isPast(toks []token) bool {
	return t.isPastHits(toks, t.anchors.hits(toks))
}

func (t *Triage) isPastHits(toks []token, hits []partID) bool {
	return t.anyPhrase(toks, t.past, hits) && !t.anyPhrase(toks, t.unless, hits)
}

func (t *Triage) anyPhrase(toks []token, li int, hits []partID) bool {
	for p := range t.candidates(li, hits) {
		for i := range toks {
			if _, ok := matchSeq(toks, i, p.parts[0], nil); ok {
				return true
			}
		}
	}
	return false
}

// first returns the first pattern of list li that matches.
func (t *Triage) first(li int, hits []partID, toks []token, neutral []bool) (string, bool) {
	for p := range t.candidates(li, hits) {
		if t.matches(p, toks, neutral) {
			return p.text, true
		}
	}
	return "", false
}

func (t *Triage) matches(p *compiled, toks []token, neutral []bool) bool {
	for k, part := range p.parts {
		if !t.partMatches(part, p.squash[k], toks, neutral) {
			return false
		}
	}
	return true
}

func (t *Triage) partMatches(part []element, sq string, toks []token, neutral []bool) bool {
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
	if len(sq) >= 4 {
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
// A "no" that was said ("i said no he choked me", "told him no and he kept
// going") is a refusal reported, not a negation of what follows.
func (t *Triage) negatedAt(toks []token, i int) bool {
	for k := max(0, i-2); k < i; k++ {
		if t.negations[toks[k].text] && !saidNo(toks, k) {
			return true
		}
	}
	return false
}

// saidNo reports whether the word at k is a "no" someone said: a speech
// verb just before it, a speech verb and a person ("told him no"), or, as
// German puts it, a participle just after it ("ich habe nein gesagt").
func saidNo(toks []token, k int) bool {
	if !refusals[toks[k].text] {
		return false
	}
	if k >= 1 && speechVerbs[toks[k-1].text] {
		return true
	}
	if k+1 < len(toks) && speechAfter[toks[k+1].text] {
		return true
	}
	return k >= 2 && speechVerbs[toks[k-2].text] && listeners[toks[k-1].text]
}

// refusals are the negations that can be a word said on their own ("no",
// "não", "non", "nein"); speechVerbs the verbs that report them; listeners
// who they were said to, or the "que" of "dije que no". Folded like
// messages (no accents).
var (
	refusals    = foldKeys(map[string]bool{"no": true, "nao": true, "non": true, "nein": true})
	speechVerbs = foldKeys(map[string]bool{
		"said": true, "say": true, "says": true, "saying": true, "told": true, "tell": true, "telling": true,
		"yelled": true, "screamed": true, "shouted": true, "begged": true, "cried": true, "whispered": true,
		"dije": true, "dijo": true, "decia": true, "disse": true, "dizia": true, "falei": true,
		"dit": true, "disais": true, "gesagt": true, "sagte": true,
	})
	// speechAfter are the verbs that follow the word said: German puts the
	// participle last ("nein gesagt", "nein geschrien").
	speechAfter = foldKeys(map[string]bool{"gesagt": true, "geschrien": true, "gerufen": true, "sagen": true})
	listeners   = foldKeys(map[string]bool{"him": true, "her": true, "them": true, "que": true, "le": true, "lhe": true, "ihm": true, "ihr": true, "lui": true})
)

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
	if i+1 < len(toks) && timeUnits[toks[i+1].text] && !ageSuffix[toks[i+1].text] {
		// "my period is 6 days late": a count, not an age.
		return false
	}
	if before && toks[i-1].text == "under" && (n < 10 || !minor) {
		// "two kids under 4": nobody says they are under 4; "can i buy
		// condoms if im under 18": under an adult's age is no adult.
		return false
	}
	if after && (!before || durationPrefix[toks[i-1].text]) && durationUnit[toks[i+1].text] && (i+2 >= len(toks) || toks[i+2].text != "old") {
		// "married 14 years", "together 8 years", "15 years ago", "the
		// waiting list is 2 years": a duration, not an age, unless "old"
		// follows ("a 15 year old", "she is 15 years old").
		return false
	}
	if minor && (before || after) && parentsChild(toks, i) {
		return false
	}
	return before || after
}

// parentsChild reports an age said of one's child ("my 7 year old
// daughter", "our 12yo son", "my 16 year old asked"): a parent describing their family, which
// "{minor} & {adult-age}" must not read as a minor with an adult. Harm to
// the child is still caught by the other patterns and by the model.
func parentsChild(toks []token, i int) bool {
	if i == 0 || !possessive[toks[i-1].text] {
		return false
	}
	j, old := i+1, false
	for j < len(toks) && (ageSuffix[toks[j].text] || toks[j].text == "old") {
		old = old || toks[j].text == "old"
		j++
	}
	// "my 16 year old asked me": nobody calls themselves that.
	return j < len(toks) && childNoun[toks[j].text] || old && toks[i-1].text != "a"
}

var (
	possessive = foldKeys(map[string]bool{"my": true, "our": true, "a": true, "her": true, "his": true, "their": true})
	childNoun  = foldKeys(map[string]bool{"daughter": true, "son": true, "kid": true, "child": true, "niece": true, "nephew": true,
		"grandson": true, "granddaughter": true, "stepdaughter": true, "stepson": true, "baby": true, "toddler": true})
)

// durationPrefix are the age prefixes that also come before a duration
// ("it is 2 years", "only 3 years", "just 5 years").
var durationPrefix = map[string]bool{"is": true, "only": true, "just": true, "under": true}

// durationUnit are the age suffixes that also count time.
var durationUnit = map[string]bool{"year": true, "years": true, "yr": true, "yrs": true}

// denies reports a crisis pattern of cat that matches only right after a
// negation ("I'm not suicidal, I just…"): the writer says it is not so, and
// the model's guess alone does not overrule them. Only a pattern's first
// part, what it claims, can be denied: the parts after "&" qualify it (a
// time, "how many"), and a negation before one of them denies nothing ("I
// told him I wanted to stop and he just didn't. Yesterday." matches
// "told him no & {recent}" nowhere, and its "didn't" is no denial).
func (t *Triage) denies(toks []token, cat string) bool {
	return t.deniesHits(toks, t.anchors.hits(toks), cat)
}

// deniesHits is denies with the anchor hits of toks already found.
func (t *Triage) deniesHits(toks []token, hits []partID, cat string) bool {
	li := listOf(t.crisis, cat)
	if li < 0 {
		return false
	}
	l := &t.lists[li]
	i, _ := slices.BinarySearch(hits, l.lo)
	for ; i < len(hits) && hits[i] < l.hi; i++ {
		ref := t.parts[hits[i]]
		if hits[i] != l.first[ref.pattern] {
			continue
		}
		part := l.patterns[ref.pattern].parts[0]
		for i := range toks {
			if _, ok := matchSeq(toks, i, part, t.negations); ok && t.negatedAt(toks, i) {
				return true
			}
		}
	}
	return false
}
