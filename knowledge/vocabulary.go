package knowledge

import (
	"sort"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Vocabulary is the moderator-editable list of how people say things: slang,
// euphemisms, abbreviations and misspellings.
type Vocabulary struct {
	// Phrases are looked for in a question, as whole words, before search;
	// when one is found its expansion is added to the query.
	Phrases []Phrase
	// Synonyms are groups of single words the search treats as one.
	Synonyms []SynonymGroup
}

// Phrase maps something people type to the words the corpus uses.
type Phrase struct {
	Match     string // normalised with NormalizePhrase
	Expansion string
	Line      int
}

// SynonymGroup is a set of single words that mean the same thing here.
type SynonymGroup struct {
	Terms []string
	Line  int
}

// Expand returns the expansions of every phrase found in the question,
// joined by spaces, or "" when none is found. The question itself is not
// changed: the expansions are added to it, so nothing the person typed is lost.
func (v *Vocabulary) Expand(question string) string {
	if v == nil || len(v.Phrases) == 0 {
		return ""
	}
	norm := " " + NormalizePhrase(question) + " "
	var out []string
	// Longest phrases first, and the words a phrase matched are used up:
	// "sex ed" is sex education, not also "ED".
	for _, p := range v.Phrases {
		if m := " " + p.Match + " "; strings.Contains(norm, m) {
			out = append(out, p.Expansion)
			norm = strings.ReplaceAll(norm, m, " | ")
		}
	}
	return strings.Join(out, " ")
}

// Plain is question with each disguised word ("p*rn", "s3x", "d!ck")
// replaced by what the phrases say it stands for, so that every part of
// the search, the learned model too, reads the plain word: the model had
// only seen the plain words, and found "is p*rn bad for me" outside the
// corpus. Expand only adds the plain word beside the disguised one.
func (v *Vocabulary) Plain(question string) string {
	fields := strings.Fields(question)
	changed := false
	for i, f := range fields {
		if !disguised(f) {
			continue
		}
		if exp := v.Expand(f); exp != "" {
			fields[i], changed = exp, true
		}
	}
	if !changed {
		return question
	}
	return strings.Join(fields, " ")
}

// disguised reports a word with a symbol or digit between its letters.
func disguised(w string) bool {
	inner := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	letters, other := 0, false
	for _, r := range inner {
		if unicode.IsLetter(r) {
			letters++
		} else {
			other = true
		}
	}
	return other && letters >= 2
}

// NormalizePhrase lowercases s, drops apostrophes (so "can't" and "cant"
// match) and turns every run of other non-letters and non-digits into one space.
func NormalizePhrase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSpace(b.String())
}

type vocabularyFile struct {
	Phrases  yaml.Node `yaml:"phrases"`
	Synonyms yaml.Node `yaml:"synonyms"`
}

func parseVocabulary(name string, data []byte, r *Report) Vocabulary {
	var v Vocabulary
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return v
	}
	if len(doc.Content) == 0 {
		return v
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		r.errorf(name, m.Line, "expected the sections \"phrases:\" and \"synonyms:\"")
		return v
	}
	seenPhrase := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, val := m.Content[i], m.Content[i+1]
		switch k.Value {
		case "phrases":
			if val.Kind != yaml.MappingNode {
				r.errorf(name, val.Line, "phrases must be lines of the form \"what people type\": words to add")
				continue
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				pk, pv := val.Content[j], val.Content[j+1]
				match := NormalizePhrase(pk.Value)
				exp := strings.TrimSpace(pv.Value)
				switch {
				case pv.Kind != yaml.ScalarNode:
					r.errorf(name, pk.Line, "phrase %q: the words to add must be plain text", pk.Value)
				case match == "":
					r.errorf(name, pk.Line, "phrase %q has no letters or digits to match", pk.Value)
				case exp == "":
					r.errorf(name, pk.Line, "phrase %q has nothing to add after the colon", pk.Value)
				case seenPhrase[match] != 0:
					r.errorf(name, pk.Line, "phrase %q is listed twice (first on line %d)", pk.Value, seenPhrase[match])
				default:
					seenPhrase[match] = pk.Line
					v.Phrases = append(v.Phrases, Phrase{Match: match, Expansion: exp, Line: pk.Line})
				}
			}
		case "synonyms":
			if val.Kind != yaml.SequenceNode {
				r.errorf(name, val.Line, "synonyms must be a list of groups like [libido, desire]")
				continue
			}
			for _, g := range val.Content {
				terms, ok := stringList(g)
				if !ok {
					r.errorf(name, g.Line, "a synonym group must be a list of words like [libido, desire]")
					continue
				}
				var clean []string
				for _, t := range terms {
					t = strings.ToLower(t)
					if t == "" || strings.ContainsFunc(t, unicode.IsSpace) {
						r.errorf(name, g.Line, "synonym %q must be a single word; put phrases under \"phrases:\"", t)
						continue
					}
					clean = append(clean, t)
				}
				if len(clean) < 2 {
					r.errorf(name, g.Line, "a synonym group needs at least two words")
					continue
				}
				v.Synonyms = append(v.Synonyms, SynonymGroup{Terms: clean, Line: g.Line})
			}
		default:
			r.errorf(name, k.Line, "unknown section %q (allowed: phrases, synonyms)", k.Value)
		}
	}
	sort.SliceStable(v.Phrases, func(i, j int) bool {
		return strings.Count(v.Phrases[i].Match, " ") > strings.Count(v.Phrases[j].Match, " ")
	})
	return v
}
