package knowledge

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// CrisisLanguagesFile holds crisis replies in languages other than English.
const CrisisLanguagesFile = "crisis-languages.yaml"

// CrisisLanguage is the crisis replies of one language.
type CrisisLanguage struct {
	Language string            `yaml:"language"`
	Sources  []Source          `yaml:"sources"`
	Replies  map[string]string `yaml:"replies"`
}

// parseCrisisLanguages reads the file and checks that every language has a
// reply for every crisis category, each pointing to findahelpline.com, and
// cites at least one https source.
func parseCrisisLanguages(name string, data []byte, r *Report) map[string]CrisisLanguage {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return nil
	}
	out := map[string]CrisisLanguage{}
	if err := strictDecode(&doc, &out); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return nil
	}
	for code, l := range out {
		if len(l.Sources) == 0 {
			r.errorf(name, 0, "%s: no source: cite the pages that name its numbers", code)
		}
		for _, s := range l.Sources {
			if !strings.HasPrefix(s.URL, "https://") {
				r.errorf(name, 0, "%s: source url %q must use https", code, s.URL)
			}
		}
		for _, cat := range CrisisCategories {
			reply := strings.TrimSpace(l.Replies[cat])
			switch {
			case reply == "":
				r.errorf(name, 0, "%s: no crisis reply for %q", code, cat)
			case !strings.Contains(reply, "findahelpline.com"):
				r.errorf(name, 0, "%s: the %q reply must point to findahelpline.com", code, cat)
			}
			l.Replies[cat] = reply
		}
		for cat := range l.Replies {
			if !contains(CrisisCategories, cat) {
				r.errorf(name, 0, "%s: unknown crisis category %q", code, cat)
			}
		}
	}
	return out
}
