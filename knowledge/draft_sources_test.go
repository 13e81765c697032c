package knowledge_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/knowledge"
)

// TestParseSourcesAsPeopleType: the moderators' form reads sources the
// ways people write them on a phone, not only "title | publisher | url".
func TestParseSourcesAsPeopleType(t *testing.T) {
	pp := knowledge.Source{Title: "Lubricants and sex", Publisher: "Planned Parenthood", URL: "https://www.plannedparenthood.org/learn/lube"}
	tests := []struct {
		name     string
		text     string
		want     []knowledge.Source
		problems []string
	}{
		{"dashes", "Lubricants and sex - Planned Parenthood - https://www.plannedparenthood.org/learn/lube",
			[]knowledge.Source{pp}, nil},
		{"dashes in the title", "Sex - what is it - Planned Parenthood - https://www.plannedparenthood.org/learn/lube",
			[]knowledge.Source{{Title: "Sex - what is it", Publisher: "Planned Parenthood", URL: pp.URL}}, nil},
		{"en and em dashes", "Lubricants and sex – Planned Parenthood — https://www.plannedparenthood.org/learn/lube",
			[]knowledge.Source{pp}, nil},
		{"hyphens inside words are not separators", "Self-help for low-desire - NHS - https://www.nhs.uk/self-help",
			[]knowledge.Source{{Title: "Self-help for low-desire", Publisher: "NHS", URL: "https://www.nhs.uk/self-help"}}, nil},
		{"bare links", "https://www.plannedparenthood.org/learn/lube\n\n  https://nhs.uk/conditions/vaginismus/  ",
			[]knowledge.Source{
				{Title: "plannedparenthood.org", Publisher: "plannedparenthood.org", URL: "https://www.plannedparenthood.org/learn/lube"},
				{Title: "nhs.uk", Publisher: "nhs.uk", URL: "https://nhs.uk/conditions/vaginismus/"},
			}, nil},
		{"markdown link", "[Lubricants and sex](https://www.plannedparenthood.org/learn/lube)",
			[]knowledge.Source{{Title: "Lubricants and sex", Publisher: "plannedparenthood.org", URL: pp.URL}}, nil},
		{"markdown link and publisher", "[Lubricants and sex](https://www.plannedparenthood.org/learn/lube) - Planned Parenthood",
			[]knowledge.Source{pp}, nil},
		{"markdown link with a pipe and brackets", "[Lube | a guide](https://en.example.org/wiki/Lube_(sex)) Example Wiki",
			[]knowledge.Source{{Title: "Lube | a guide", Publisher: "Example Wiki", URL: "https://en.example.org/wiki/Lube_(sex)"}}, nil},
		{"pipes still work", "Lubricants and sex | Planned Parenthood | https://www.plannedparenthood.org/learn/lube",
			[]knowledge.Source{pp}, nil},
		{"every line in its own way", "who-cares\nA - B - https://a.example.org/\nhttps://b.example.org/x\n[C](https://c.example.org/)",
			[]knowledge.Source{
				{Title: "A", Publisher: "B", URL: "https://a.example.org/"},
				{Title: "b.example.org", Publisher: "b.example.org", URL: "https://b.example.org/x"},
				{Title: "C", Publisher: "c.example.org", URL: "https://c.example.org/"},
			},
			[]string{`line 1: "who-cares" is not a source: write title - publisher - https://…, a link alone, or [title](https://…)`}},
		{"a bare link must still be https", "http://example.org/page",
			[]knowledge.Source{{Title: "example.org", Publisher: "example.org", URL: "http://example.org/page"}},
			[]string{`line 1: source url "http://example.org/page" must use https`}},
		{"a link without https:// says so", "www.example.org/page",
			[]knowledge.Source{{Title: "example.org", Publisher: "example.org", URL: "www.example.org/page"}},
			[]string{`line 1: source url "www.example.org/page" is not a valid web address: start it with https://`}},
		{"dashes with a bad url", "Lube - Someone - www.example.org/lube",
			[]knowledge.Source{{Title: "Lube", Publisher: "Someone", URL: "www.example.org/lube"}},
			[]string{`line 1: source url "www.example.org/lube" is not a valid web address: start it with https://`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := knowledge.ParseSources(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("sources = %+v, want %+v", got, tt.want)
			}
			if !reflect.DeepEqual(problems, tt.problems) {
				t.Errorf("problems = %q, want %q", problems, tt.problems)
			}
		})
	}
}

// TestParseWhoAndSourcesReadsEveryForm: the who line and sources in any
// of the forms, together.
func TestParseWhoAndSourcesReadsEveryForm(t *testing.T) {
	referral, got, problems := knowledge.ParseWhoAndSources("who: doctor\nhttps://www.nhs.uk/conditions/vaginismus/\nVaginismus - NHS - https://www.nhs.uk/conditions/vaginismus/")
	want := []knowledge.Source{
		{Title: "nhs.uk", Publisher: "nhs.uk", URL: "https://www.nhs.uk/conditions/vaginismus/"},
		{Title: "Vaginismus", Publisher: "NHS", URL: "https://www.nhs.uk/conditions/vaginismus/"},
	}
	if referral != "doctor" || !reflect.DeepEqual(got, want) || problems != nil {
		t.Errorf("ParseWhoAndSources = %q, %+v, %q; want doctor, %+v, no problems", referral, got, problems, want)
	}
}

// TestParseSourcesQuotesLongLinesShort: a line that is not a source is
// quoted back cut short, so one long line cannot fill the reply.
func TestParseSourcesQuotesLongLinesShort(t *testing.T) {
	_, problems := knowledge.ParseSources(strings.Repeat("word ", 800))
	if len(problems) != 1 || len([]rune(problems[0])) > 200 {
		t.Errorf("problems = %q, want one problem of at most 200 characters", problems)
	}
}
