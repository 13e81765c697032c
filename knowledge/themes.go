package knowledge

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// ThemesFile groups entries for browsing.
const ThemesFile = "themes.yaml"

// MaxThemeEntries is the most entries one theme may list (a Discord menu's limit).
const MaxThemeEntries = 25

// Theme is a named group of entries.
type Theme struct {
	Name    string   `yaml:"theme"`
	Entries []string `yaml:"entries"`
}

// parseThemes reads the themes. With the embedded default file (fallback),
// ids the corpus lacks are left out quietly.
func parseThemes(name string, data []byte, c *Corpus, fallback bool, r *Report) []Theme {
	var themes []Theme
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&themes); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid: %s", yamlErrText(err))
		return nil
	}
	if fallback {
		var kept []Theme
		for _, t := range themes {
			var ids []string
			for _, id := range t.Entries {
				if _, ok := c.byID[id]; ok {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				kept = append(kept, Theme{Name: t.Name, Entries: ids})
			}
		}
		return kept
	}
	listed := map[string]bool{}
	for _, t := range themes {
		if strings.TrimSpace(t.Name) == "" {
			r.errorf(name, 0, "a theme has no name")
		}
		if len(t.Entries) == 0 || len(t.Entries) > MaxThemeEntries {
			r.errorf(name, 0, "theme %q lists %d entries; give 1 to %d", t.Name, len(t.Entries), MaxThemeEntries)
		}
		for _, id := range t.Entries {
			if _, ok := c.byID[id]; !ok {
				r.errorf(name, 0, "theme %q lists %q, which is not an entry", t.Name, id)
			}
			listed[id] = true
		}
	}
	if len(themes) > MaxThemeEntries {
		r.errorf(name, 0, "%d themes; at most %d fit in a menu", len(themes), MaxThemeEntries)
	}
	for _, e := range c.Entries {
		if !listed[e.ID] {
			r.warnf(name, 0, "entry %q is in no theme, so /topics does not show it", e.ID)
		}
	}
	return themes
}
