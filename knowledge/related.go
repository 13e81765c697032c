package knowledge

import (
	"gopkg.in/yaml.v3"
)

// RelatedFile says how follow-ups move between entries.
const RelatedFile = "related.yaml"

// Related is the parsed related.yaml.
type Related struct {
	Women    map[string]string   `yaml:"women"`
	Men      map[string]string   `yaml:"men"`
	Opposite map[string]string   `yaml:"opposite"`
	Topics   map[string][]string `yaml:"topics"`
	Words    map[string][]string `yaml:"words"`
	Siblings [][]string          `yaml:"siblings"`
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

// Move is the entry a follow-up of kind ("women", "men", "opposite")
// leads to from entry id, or "".
func (r Related) Move(kind, id string) string {
	switch kind {
	case "women":
		return r.Women[id]
	case "men":
		return r.Men[id]
	case "opposite":
		return r.Opposite[id]
	}
	return ""
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
	exists := func(id string) bool {
		_, ok := c.byID[id]
		if !ok && !fallback {
			r.errorf(name, 0, "entry %q does not exist", id)
		}
		return ok
	}
	for _, m := range []map[string]string{rel.Women, rel.Men, rel.Opposite} {
		for from, to := range m {
			if a, b := exists(from), exists(to); !a || !b {
				delete(m, from)
			}
		}
	}
	for id := range rel.Topics {
		if !exists(id) {
			delete(rel.Topics, id)
		}
	}
	for _, g := range rel.Siblings {
		for _, id := range g {
			exists(id)
		}
	}
	for kind := range rel.Words {
		if kind != "women" && kind != "men" && kind != "opposite" {
			r.errorf(name, 0, "words: unknown kind %q (use women, men, opposite)", kind)
		}
	}
	return rel
}
