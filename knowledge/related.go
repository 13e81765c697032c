package knowledge

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// RelatedFile says how follow-ups move between entries.
const RelatedFile = "related.yaml"

// Related is the parsed related.yaml.
type Related struct {
	Women    map[string]string `yaml:"women"`
	Men      map[string]string `yaml:"men"`
	Opposite map[string]string `yaml:"opposite"`
	// Time leads "how long does it take" to the entry on how long.
	Time   map[string]string   `yaml:"time"`
	Topics map[string][]string `yaml:"topics"`
	// Stay lists, per topic or entry, the entries that answer its
	// follow-ups themselves ("how much does it cost" after the
	// morning-after pill, "when do i test" after a late period).
	Stay     map[string][]string `yaml:"stay"`
	Words    map[string][]string `yaml:"words"`
	NewTopic []string            `yaml:"new_topic"`
	// NewTopicOpeners start a message that asks something new ("also how
	// do i get rid of back acne"): only as its first words.
	NewTopicOpeners []string   `yaml:"new_topic_openers"`
	Siblings        [][]string `yaml:"siblings"`
	// BesideCrisis lists, per crisis category, the ordinary entries a
	// crisis reply may offer below its help.
	BesideCrisis map[string][]string `yaml:"beside_crisis"`
}

// Beside keeps the choices a crisis reply of category may offer below its
// help (related.yaml beside_crisis), in their order.
func (r Related) Beside(category string, choices []Alternative) []Alternative {
	var out []Alternative
	for _, a := range choices {
		if slices.Contains(r.BesideCrisis[category], a.ID) {
			out = append(out, a)
		}
	}
	return out
}

// AreSiblings reports whether a and b are in one sibling group.
func (r Related) AreSiblings(a, b string) bool {
	for _, g := range r.Siblings {
		if contains(g, a) && contains(g, b) {
			return true
		}
	}
	return false
}

// MoveKinds are the kinds of follow-up that move between entries, in the
// order they are tried: "and for women who can't finish?" asks about women.
var MoveKinds = []string{"women", "men", "opposite", "time"}

// Move is the entry a follow-up of kind (one of MoveKinds) leads to from
// entry id, or "".
func (r Related) Move(kind, id string) string {
	switch kind {
	case "women":
		return r.Women[id]
	case "men":
		return r.Men[id]
	case "opposite":
		return r.Opposite[id]
	case "time":
		return r.Time[id]
	}
	return ""
}

// Topic is the entry that answers a follow-up of entry last asking about
// one of the topics (has reports whether the follow-up has any of a topic's
// words): the topic's entry, or last itself when last answers that topic
// itself (stay); "" when the follow-up asks about none. Topics are tried in
// the order of their ids.
func (r Related) Topic(last string, has func(words []string) bool) string {
	ids := make([]string, 0, len(r.Topics))
	for id := range r.Topics {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if has(r.Topics[id]) {
			if r.Stays(id, last) {
				return last
			}
			return id
		}
	}
	return ""
}

// Stays reports whether entry last answers follow-ups about topic itself
// (related.yaml stay): "how much does it cost" after the morning-after pill.
func (r Related) Stays(topic, last string) bool {
	return slices.Contains(r.Stay[topic], last)
}

// parseRelated reads the file. With the embedded default (fallback), pairs
// naming entries the corpus does not have are dropped quietly.
func parseRelated(name string, data []byte, c *Corpus, fallback bool, r *Report) Related {
	var doc yaml.Node
	var rel Related
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return rel
	}
	if err := strictDecode(&doc, &rel); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return rel
	}
	// A name of an entry the corpus lacks is only a warning, and the pair
	// is dropped: related.yaml holds hints for follow-ups, and retiring an
	// entry from Discord must not make the corpus fail to load.
	exists := func(id string) bool {
		_, ok := c.byID[id]
		if !ok && !fallback {
			r.warnf(name, 0, "entry %q does not exist: ignored", id)
		}
		return ok
	}
	// Only the triage gives crisis replies: a follow-up never moves to a
	// crisis entry.
	crisis := func(id string) bool {
		e, ok := c.byID[id]
		if ok && e.Referral == ReferralCrisis {
			r.errorf(name, 0, "entry %q is a crisis entry: follow-ups cannot lead to it (only the triage gives crisis replies; see triage.yaml past.recent)", id)
		}
		return ok && e.Referral == ReferralCrisis
	}
	for _, m := range []map[string]string{rel.Women, rel.Men, rel.Opposite, rel.Time} {
		for from, to := range m {
			if a, b := exists(from), exists(to); !a || !b || crisis(to) {
				delete(m, from)
			}
		}
	}
	for id := range rel.Topics {
		if !exists(id) || crisis(id) {
			delete(rel.Topics, id)
		}
	}
	for id, stay := range rel.Stay {
		exists(id)
		for _, from := range stay {
			exists(from)
		}
	}
	for _, g := range rel.Siblings {
		for _, id := range g {
			exists(id)
		}
	}
	for cat, ids := range rel.BesideCrisis {
		kept := ids[:0]
		for _, id := range ids {
			if exists(id) && !crisis(id) {
				kept = append(kept, id)
			}
		}
		rel.BesideCrisis[cat] = kept
	}
	for kind := range rel.Words {
		if !slices.Contains(MoveKinds, kind) {
			r.errorf(name, 0, "words: unknown kind %q (use %s)", kind, strings.Join(MoveKinds, ", "))
		}
	}
	return rel
}
