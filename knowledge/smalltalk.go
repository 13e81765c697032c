package knowledge

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// SmallTalkFile holds the replies to messages that are not questions.
const SmallTalkFile = "smalltalk.yaml"

// SmallTalk is the parsed small-talk file.
type SmallTalk struct {
	// Examples are questions shown with the welcome and help replies.
	Examples []string `yaml:"examples"`
	// Intents map a name to the phrases that mean it and the reply.
	Intents map[string]Intent `yaml:"intents"`
	// Filler are words that may surround small talk.
	Filler []string `yaml:"filler"`
	// FollowupCues start messages that continue the previous answer.
	FollowupCues []string `yaml:"followup_cues"`
}

// Intent is one kind of small talk.
type Intent struct {
	Phrases []string `yaml:"phrases"`
	Reply   string   `yaml:"reply"`
}

// SmallTalkIntents are the intents the code gives behaviour to; the file
// must define each.
var SmallTalkIntents = []string{"greeting", "thanks", "ok", "help", "who", "bot", "privacy", "can-ask", "bye"}

func parseSmallTalk(name string, data []byte, r *Report) SmallTalk {
	var doc yaml.Node
	var st SmallTalk
	if err := yaml.Unmarshal(data, &doc); err != nil {
		r.errorf(name, yamlErrLine(err)-1, "not valid YAML: %s", yamlErrText(err))
		return st
	}
	if err := strictDecode(&doc, &st); err != nil {
		r.errorf(name, 0, "%s", yamlErrText(err))
		return st
	}
	if len(st.Examples) == 0 {
		r.errorf(name, 0, "examples: give a few example questions")
	}
	for _, in := range SmallTalkIntents {
		it, ok := st.Intents[in]
		switch {
		case !ok:
			r.errorf(name, 0, "intents: %q is missing", in)
		case len(it.Phrases) == 0:
			r.errorf(name, 0, "intents: %q has no phrases", in)
		case strings.TrimSpace(it.Reply) == "":
			r.errorf(name, 0, "intents: %q has no reply", in)
		}
	}
	for in := range st.Intents {
		if !contains(SmallTalkIntents, in) {
			r.errorf(name, 0, "intents: unknown intent %q (use: %s)", in, strings.Join(SmallTalkIntents, ", "))
		}
	}
	return st
}
