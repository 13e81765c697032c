package knowledge

import (
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// TriageFile is the moderator-readable list of what the safety triage looks
// for before any search. The code only interprets it (package bot).
const TriageFile = "triage.yaml"

// Triage verdict kinds and their categories.
const (
	VerdictCrisis  = "crisis"
	VerdictDecline = "decline"
	// VerdictOutside: a sexual-health question on a topic the corpus does
	// not cover; answered honestly as such, not guessed from a neighbour.
	VerdictOutside = "outside"
)

// CrisisCategories and DeclineReasons are the categories the triage file
// may define, in the order they are checked within their kind.
var (
	CrisisCategories = []string{"self-harm", "minor", "sexual-assault", "abuse"}
	DeclineReasons   = []string{"explicit", "medical-advice", "manipulation"}
)

// TriageRules is the parsed triage file.
type TriageRules struct {
	// Crisis and Decline map a category to its patterns.
	Crisis  map[string][]Pattern
	Decline map[string][]Pattern
	// Firm are self-harm patterns (methods, lethal amounts, a plan now)
	// that always give the crisis reply: the model cannot make them the
	// middle tier.
	Firm []Pattern
	// Outside are questions on topics the corpus does not cover.
	Outside []Pattern
	// OutsideReply is what the bot says to them.
	OutsideReply string
	// Lists are named word lists that patterns use as {name}.
	Lists map[string][]string
	// CrisisEntries maps a crisis category to the entry shown for it.
	CrisisEntries map[string]string
	// DeclineReplies maps a decline reason to what the bot says.
	DeclineReplies map[string]string
	// Negations before a match cancel it ("not suicidal"), unless the
	// pattern itself starts with one.
	Negations []string
	// SafePhrases mention a trigger without disclosing anything ("if I
	// mention self-harm"); a match inside one does not count.
	SafePhrases []string
	Past        PastRules
	AfterCrisis AfterCrisis
	// ConcernPatterns are distress that is not a clear crisis ("I can't do
	// this anymore"), by crisis category: the middle tier.
	ConcernPatterns map[string][]Pattern
	// Concern maps a crisis category to the line of help put at the top of
	// an ordinary reply when a message shows distress that is not a clear
	// crisis (the middle tier).
	Concern map[string]string
	// Hotlines maps a crisis category to the numbers its crisis entry must
	// contain: lint refuses a corpus whose crisis entry lost one.
	Hotlines map[string][]string
	// Teen is the notice added to answers for someone who says they are
	// under 18.
	Teen string
}

// PastRules turn a disclosure about the past into a gentle answer instead of
// a crisis-only reply.
type PastRules struct {
	Markers []string
	// Unless lists words that make it current again ("last night", "still").
	Unless []string
	// Redirect maps a crisis category to the entry answered instead; an empty
	// id means "search as usual".
	Redirect map[string]string
	// Notices maps a crisis category to a line added to that answer.
	Notices map[string]string
	// Recent says when a follow-up of an answer about the past is a crisis
	// now: "it happened this morning" after the answer on healing from
	// sexual trauma.
	Recent RecentRules
	// ChildNow: beside a past experience (not self-harm), one of these with
	// a child named makes it a child at risk now ("he abused me as a kid
	// and now he babysits my daughter").
	ChildNow []string
}

// AfterCrisis says how the message right after a crisis reply is read: one
// that asks for help now ("who can i talk to", "should i go to the
// hospital") gets the same crisis reply again; any other gets its ordinary
// reply with the crisis line of help on top.
type AfterCrisis struct {
	Markers []string `yaml:"markers"`
}

// RecentRules are read by the triage, which alone gives crisis replies.
type RecentRules struct {
	// Markers say the thing happened just now ("last night", "this
	// morning").
	Markers []string `yaml:"markers"`
	// After maps the entry of the last answer to the crisis category a
	// message with a marker is, right after it.
	After map[string]string `yaml:"after"`
}

// Pattern is one trigger: parts that must all be present (joined by "&" in
// the file), each a sequence of words where "word*" is a prefix, "..." is a
// gap of up to three words, and "{name}" is a list or a built-in
// ({minor}, {adult-age}).
type Pattern struct {
	Text  string
	Parts []string
	Line  int
}

// Built-in placeholders a pattern may use besides the file's lists.
var builtinPlaceholders = map[string]bool{"minor": true, "adult-age": true}

var placeholderRE = regexp.MustCompile(`\{([^}]*)\}`)

type triageFile struct {
	Crisis         map[string][]string `yaml:"crisis"`
	Firm           []string            `yaml:"firm"`
	Decline        map[string][]string `yaml:"decline"`
	Outside        []string            `yaml:"outside"`
	OutsideReply   string              `yaml:"outside_reply"`
	Lists          map[string][]string `yaml:"lists"`
	CrisisEntries  map[string]string   `yaml:"crisis_entries"`
	DeclineReplies map[string]string   `yaml:"decline_replies"`
	Negations      []string            `yaml:"negations"`
	SafePhrases    []string            `yaml:"safe_phrases"`
	Concern        map[string]string   `yaml:"concern"`
	ConcernPats    map[string][]string `yaml:"concern_patterns"`
	Hotlines       map[string][]string `yaml:"hotlines"`
	Teen           string              `yaml:"teen"`
	AfterCrisis    AfterCrisis         `yaml:"after_crisis"`
	Past           struct {
		Markers  []string          `yaml:"markers"`
		Unless   []string          `yaml:"unless"`
		Redirect map[string]string `yaml:"redirect"`
		Notices  map[string]string `yaml:"notices"`
		Recent   RecentRules       `yaml:"recent"`
		ChildNow []string          `yaml:"child_now"`
	} `yaml:"past"`
}

// parseTriage reads triage.yaml and reports every problem at once. It is
// long because it is a flat list of checks, one per field of the file.
func parseTriage(name string, data []byte, r *Report) TriageRules {
	var tr TriageRules
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return tr
	}
	var f triageFile
	if err := strictDecode(&doc, &f); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return tr
	}
	lines := patternLines(&doc)
	tr = TriageRules{
		Crisis: map[string][]Pattern{}, Decline: map[string][]Pattern{},
		Lists: f.Lists, CrisisEntries: f.CrisisEntries, DeclineReplies: f.DeclineReplies,
		Negations: f.Negations, SafePhrases: f.SafePhrases, Concern: f.Concern, Hotlines: f.Hotlines,
		Teen: strings.TrimSpace(f.Teen), AfterCrisis: f.AfterCrisis,
		Past: PastRules{Markers: f.Past.Markers, Unless: f.Past.Unless, Redirect: f.Past.Redirect, Notices: f.Past.Notices, Recent: f.Past.Recent, ChildNow: f.Past.ChildNow},
	}
	for listName, words := range f.Lists {
		if len(words) == 0 {
			r.errorf(name, 0, "list %q is empty", listName)
		}
	}
	check := func(kind string, known []string, in map[string][]string, out map[string][]Pattern, required bool) {
		for cat, pats := range in {
			if !contains(known, cat) {
				r.errorf(name, 0, "unknown %s category %q (use: %s)", kind, cat, strings.Join(known, ", "))
				continue
			}
			for _, p := range pats {
				line := lines[p]
				parts := strings.Split(p, "&")
				ok := true
				for i := range parts {
					parts[i] = strings.TrimSpace(parts[i])
					if NormalizePhrase(parts[i]) == "" && !strings.Contains(parts[i], "{") {
						r.errorf(name, line, "pattern %q has an empty part", p)
						ok = false
					}
					for _, m := range placeholderRE.FindAllStringSubmatch(parts[i], -1) {
						if !builtinPlaceholders[m[1]] && f.Lists[m[1]] == nil {
							r.errorf(name, line, "pattern %q uses {%s}, which is not a list in this file", p, m[1])
							ok = false
						}
					}
				}
				if ok {
					out[cat] = append(out[cat], Pattern{Text: p, Parts: parts, Line: line})
				}
			}
		}
		for _, cat := range known {
			if required && len(out[cat]) == 0 {
				r.errorf(name, 0, "%s category %q has no patterns", kind, cat)
			}
		}
	}
	check(VerdictCrisis, CrisisCategories, f.Crisis, tr.Crisis, true)
	check(VerdictDecline, DeclineReasons, f.Decline, tr.Decline, true)
	firm := map[string][]Pattern{}
	check("firm", []string{"self-harm"}, map[string][]string{"self-harm": f.Firm}, firm, false)
	tr.Firm = firm["self-harm"]
	tr.ConcernPatterns = map[string][]Pattern{}
	check("concern", CrisisCategories, f.ConcernPats, tr.ConcernPatterns, false)
	if len(f.Outside) > 0 {
		outside := map[string][]Pattern{}
		check(VerdictOutside, []string{VerdictOutside}, map[string][]string{VerdictOutside: f.Outside}, outside, true)
		tr.Outside = outside[VerdictOutside]
		tr.OutsideReply = strings.TrimSpace(f.OutsideReply)
		if tr.OutsideReply == "" {
			r.errorf(name, 0, "outside_reply is missing: say what the bot answers to the outside topics")
		}
	}
	for _, cat := range CrisisCategories {
		if f.CrisisEntries[cat] == "" {
			r.errorf(name, 0, "crisis_entries has no entry for %q", cat)
		}
		if strings.TrimSpace(f.Concern[cat]) == "" {
			r.errorf(name, 0, "concern has no line of help for %q", cat)
		}
		if len(f.Hotlines[cat]) == 0 {
			r.errorf(name, 0, "hotlines has no number for %q: list the numbers its crisis entry must keep", cat)
		}
	}
	if tr.Teen == "" {
		r.errorf(name, 0, "teen is missing: the notice for someone who says they are under 18")
	}
	for _, reason := range DeclineReasons {
		if strings.TrimSpace(f.DeclineReplies[reason]) == "" {
			r.errorf(name, 0, "decline_replies has no reply for %q", reason)
		}
	}
	for cat := range f.Past.Redirect {
		if !contains(CrisisCategories, cat) {
			r.errorf(name, 0, "past.redirect: unknown crisis category %q", cat)
		}
	}
	for _, cat := range f.Past.Recent.After {
		if !contains(CrisisCategories, cat) {
			r.errorf(name, 0, "past.recent.after: unknown crisis category %q", cat)
		}
	}
	if len(f.Past.Recent.After) > 0 && len(f.Past.Recent.Markers) == 0 {
		r.errorf(name, 0, "past.recent.markers is empty: the after entries would never apply")
	}
	return tr
}

// patternLines finds the line of every pattern string for messages.
func patternLines(doc *yaml.Node) map[string]int {
	out := map[string]int{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode {
			if _, ok := out[n.Value]; !ok {
				out[n.Value] = n.Line
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkTriageEntries verifies that the entries the triage names exist.
// With the embedded default file (fallback) a missing crisis entry is only
// a warning: the bot then sends the crisis referral on its own.
func checkTriageEntries(c *Corpus, fallback bool, r *Report) {
	for cat, id := range c.Triage.CrisisEntries {
		e, ok := c.byID[id]
		if !ok {
			sev := Error
			if fallback {
				sev = Warning
			}
			r.add(TriageFile, 0, sev, "crisis_entries: %s names entry %q, which does not exist", cat, id)
			continue
		}
		checkCrisisEntry(c, cat, e, r)
	}
	for cat, id := range c.Triage.Past.Redirect {
		if _, ok := c.byID[id]; id != "" && !ok && !fallback {
			r.errorf(TriageFile, 0, "past.redirect: %s names entry %q, which does not exist", cat, id)
		}
	}
	for id := range c.Triage.Past.Recent.After {
		if _, ok := c.byID[id]; !ok && !fallback {
			r.errorf(TriageFile, 0, "past.recent.after: entry %q does not exist", id)
		}
	}
}

// checkCrisisEntry refuses a crisis entry that an edit has weakened: it must
// stay a crisis referral and keep every hotline triage.yaml declares for it.
func checkCrisisEntry(c *Corpus, cat string, e *Entry, r *Report) {
	if e.Referral != ReferralCrisis {
		r.errorf(e.File, 0, "%s is the crisis entry for %q (triage.yaml) and must keep referral: crisis, not %q", e.ID, cat, e.Referral)
	}
	text := e.Body
	for _, q := range e.Questions {
		text += " " + q
	}
	lower := strings.ToLower(text)
	for _, h := range c.Triage.Hotlines[cat] {
		if !containsHotline(lower, strings.ToLower(h)) {
			r.errorf(e.File, 0, "%s is the crisis entry for %q and must keep %q (hotlines in triage.yaml)", e.ID, cat, h)
		}
	}
}

// containsHotline finds h in text; a number must not be part of a longer
// number ("988" is not in "19885").
func containsHotline(text, h string) bool {
	isDigit := func(b byte) bool { return b >= '0' && b <= '9' }
	for from := 0; ; {
		i := strings.Index(text[from:], h)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(h)
		if (i == 0 || !isDigit(text[i-1]) || !isDigit(h[0])) && (end == len(text) || !isDigit(text[end]) || !isDigit(h[len(h)-1])) {
			return true
		}
		from = i + 1
	}
}
