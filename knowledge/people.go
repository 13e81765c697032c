package knowledge

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// PeopleFile lists human services a person can turn to.
const PeopleFile = "people.yaml"

// Person is one human service: who, how to reach them, where.
type Person struct {
	Name string `yaml:"name"`
	How  string `yaml:"how"`
	URL  string `yaml:"url"`
}

func parsePeople(name string, data []byte, r *Report) []Person {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return nil
	}
	var f struct {
		People []Person `yaml:"people"`
	}
	if err := strictDecode(&doc, &f); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return nil
	}
	for _, p := range f.People {
		if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.How) == "" {
			r.errorf(name, 0, "each person needs a name and how to reach them")
		}
		if msg := checkURL(p.URL); msg != "" {
			r.errorf(name, 0, "%s: %s", p.Name, msg)
		}
	}
	return f.People
}
