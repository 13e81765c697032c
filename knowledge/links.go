package knowledge

import (
	"net/url"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// LinksFile lists the domains answers may link to besides their sources.
const LinksFile = "links.yaml"

func parseLinks(name string, data []byte, r *Report) []string {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return nil
	}
	var f struct {
		Domains []string `yaml:"domains"`
	}
	if err := strictDecode(&doc, &f); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return nil
	}
	for _, d := range f.Domains {
		if d == "" || strings.ContainsAny(d, "/:@ ") {
			r.errorf(name, 0, "domain %q: give a bare domain such as example.org", d)
		}
	}
	return f.Domains
}

var (
	maskedLinkRE = regexp.MustCompile(`\[([^\]]*)\]\(([^)\s]*)\)`)
	bareURLRE    = regexp.MustCompile(`https?://[^\s)>\]]+`)
)

// checkBodyLinks refuses a Markdown link whose text hides a site that is
// neither one of the entry's sources nor in links.yaml, and any address
// with a user name in it ("https://988lifeline.org@evil.example").
func checkBodyLinks(e *Entry, allowed []string, r *Report) {
	hosts := append([]string{}, allowed...)
	for _, s := range e.Sources {
		if u, err := url.Parse(s.URL); err == nil {
			hosts = append(hosts, u.Hostname())
		}
	}
	for _, raw := range bareURLRE.FindAllString(e.Body, -1) {
		if u, err := url.Parse(raw); err == nil && u.User != nil {
			r.errorf(e.File, 0, "link %q carries a user name: the real site is after the @", raw)
		}
	}
	for _, m := range maskedLinkRE.FindAllStringSubmatch(e.Body, -1) {
		u, err := url.Parse(m[2])
		switch {
		case err != nil || u.Scheme != "https" || u.Hostname() == "":
			r.errorf(e.File, 0, "link %q must be a full https address", m[2])
		case u.User != nil:
		case !domainAllowed(u.Hostname(), hosts):
			r.errorf(e.File, 0, "link %q points to %s, which is neither a source of this entry nor in %s", m[2], u.Hostname(), LinksFile)
		}
	}
}

// domainAllowed reports host equal to, or a subdomain of, one of domains
// (www. ignored).
func domainAllowed(host string, domains []string) bool {
	host = strings.TrimPrefix(strings.ToLower(host), "www.")
	for _, d := range domains {
		d = strings.TrimPrefix(strings.ToLower(d), "www.")
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
