package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Kind is a kind of interaction the generator sends.
type Kind string

// The kinds of interaction, as named in --mix.
const (
	KindAsk    Kind = "ask"    // /ask with a question from the list
	KindAlt    Kind = "alt"    // a pick in the "Other answers" menu of a reply
	KindTopics Kind = "topics" // /topics
	KindHelp   Kind = "help"   // /help
	KindPing   Kind = "ping"   // Discord's PING
)

var kinds = []Kind{KindAsk, KindAlt, KindTopics, KindHelp, KindPing}

// Share is the weight of one kind in a Mix.
type Share struct {
	Kind   Kind
	Weight int
}

// Mix is the proportion of each kind of interaction sent.
type Mix []Share

// DefaultMix is mostly questions, as on a live server: people ask, some
// look at other answers, a few browse the topics or ask for help.
const DefaultMix = "ask=60,alt=15,topics=10,help=10,ping=5"

// ParseMix reads "kind=weight,…", such as DefaultMix.
func ParseMix(s string) (Mix, error) {
	var m Mix
	seen := map[Kind]bool{}
	for part := range strings.SplitSeq(s, ",") {
		name, weight, ok := strings.Cut(strings.TrimSpace(part), "=")
		k := Kind(strings.TrimSpace(name))
		if !ok || !validKind(k) {
			return nil, fmt.Errorf("%q: want kind=weight with kind one of %s", part, kindList())
		}
		w, err := strconv.Atoi(strings.TrimSpace(weight))
		if err != nil || w < 0 {
			return nil, fmt.Errorf("%q: weight must be a whole number, 0 or more", part)
		}
		if seen[k] {
			return nil, fmt.Errorf("%q: %s given twice", part, k)
		}
		seen[k] = true
		m = append(m, Share{k, w})
	}
	return m, m.validate()
}

func (m Mix) validate() error {
	total := 0
	for _, s := range m {
		if !validKind(s.Kind) {
			return fmt.Errorf("unknown kind %q: want one of %s", s.Kind, kindList())
		}
		if s.Weight < 0 {
			return fmt.Errorf("%s: negative weight", s.Kind)
		}
		total += s.Weight
	}
	if total == 0 {
		return errors.New("no interactions to send: every weight is 0")
	}
	return nil
}

func (m Mix) String() string {
	parts := make([]string, len(m))
	for i, s := range m {
		parts[i] = fmt.Sprintf("%s=%d", s.Kind, s.Weight)
	}
	return strings.Join(parts, ",")
}

func validKind(k Kind) bool {
	for _, v := range kinds {
		if k == v {
			return true
		}
	}
	return false
}

func kindList() string {
	s := make([]string, len(kinds))
	for i, k := range kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// generator makes the interactions of one client.
type generator struct {
	rng       *rand.Rand
	mix       Mix
	total     int
	questions []string
	entryIDs  []string
	returning float64
	// people are the last user IDs this client sent, where returning
	// people come from.
	people []string
	oldest int // where the next new person replaces one, once people is full
}

// rememberedPeople bounds the people each client remembers: returning
// people are drawn from its last rememberedPeople.
const rememberedPeople = 4096

func newGenerator(c Config, rng *rand.Rand) *generator {
	g := &generator{rng: rng, mix: c.Mix, questions: c.Questions, entryIDs: c.EntryIDs, returning: c.Returning}
	for _, s := range c.Mix {
		g.total += s.Weight
	}
	return g
}

func (g *generator) kind() Kind {
	n := g.rng.IntN(g.total)
	for _, s := range g.mix {
		if n < s.Weight {
			return s.Kind
		}
		n -= s.Weight
	}
	return g.mix[len(g.mix)-1].Kind
}

// snowflake is a random Discord-style ID.
func (g *generator) snowflake() string {
	return strconv.FormatUint(1<<60|g.rng.Uint64()>>4, 10)
}

// person is the user ID of the next interaction: with probability
// g.returning someone this client already sent, else a new person. People
// are drawn from thousands, so the server's per-person rate limit seldom
// turns an answer into a "slow down" notice.
func (g *generator) person() string {
	if len(g.people) > 0 && g.rng.Float64() < g.returning {
		return g.people[g.rng.IntN(len(g.people))]
	}
	id := g.snowflake()
	if len(g.people) < rememberedPeople {
		g.people = append(g.people, id)
	} else {
		g.people[g.oldest] = id
		g.oldest = (g.oldest + 1) % rememberedPeople
	}
	return id
}

// Interaction bodies, as Discord sends them (only the fields the bot reads
// plus the usual envelope).
type (
	interaction struct {
		ID            string      `json:"id"`
		ApplicationID string      `json:"application_id"`
		Type          int         `json:"type"`
		Token         string      `json:"token"`
		Version       int         `json:"version"`
		GuildID       string      `json:"guild_id,omitempty"`
		ChannelID     string      `json:"channel_id,omitempty"`
		Member        *member     `json:"member,omitempty"`
		Data          any         `json:"data,omitempty"`
		Message       *messageRef `json:"message,omitempty"`
	}
	member struct {
		User user `json:"user"`
	}
	user struct {
		ID string `json:"id"`
	}
	messageRef struct {
		ID        string `json:"id"`
		ChannelID string `json:"channel_id"`
		Flags     int    `json:"flags"`
	}
	commandData struct {
		ID      string          `json:"id"`
		Name    string          `json:"name"`
		Type    int             `json:"type"`
		Options []commandOption `json:"options,omitempty"`
	}
	commandOption struct {
		Name  string `json:"name"`
		Type  int    `json:"type"`
		Value string `json:"value"`
	}
	componentData struct {
		CustomID      string   `json:"custom_id"`
		ComponentType int      `json:"component_type"`
		Values        []string `json:"values"`
	}
)

// Discord API numbers used in the bodies.
const (
	typePing          = 1
	typeCommand       = 2
	typeComponent     = 3
	commandChatInput  = 1
	optionString      = 3
	componentSelect   = 3
	flagEphemeral     = 1 << 6
	applicationID     = "900000000000000001"
	customIDOtherPick = "alt" // bot/render.go idOtherAnswers
)

// next returns the kind and JSON body of a new interaction.
func (g *generator) next() (Kind, []byte) {
	k := g.kind()
	i := interaction{ID: g.snowflake(), ApplicationID: applicationID, Token: "load-" + g.snowflake(), Version: 1}
	if k != KindPing {
		i.GuildID, i.ChannelID = "800000000000000001", "800000000000000002"
		i.Member = &member{User: user{ID: g.person()}}
	}
	switch k {
	case KindPing:
		i.Type = typePing
	case KindAsk:
		q := g.questions[g.rng.IntN(len(g.questions))]
		i.Type = typeCommand
		i.Data = commandData{ID: "700000000000000001", Name: "ask", Type: commandChatInput,
			Options: []commandOption{{Name: "question", Type: optionString, Value: q}}}
	case KindAlt:
		i.Type = typeComponent
		i.Data = componentData{CustomID: customIDOtherPick, ComponentType: componentSelect,
			Values: []string{g.entryIDs[g.rng.IntN(len(g.entryIDs))]}}
		i.Message = &messageRef{ID: g.snowflake(), ChannelID: i.ChannelID, Flags: flagEphemeral}
	case KindTopics, KindHelp:
		i.Type = typeCommand
		i.Data = commandData{ID: "700000000000000002", Name: string(k), Type: commandChatInput}
	}
	body, err := json.Marshal(i)
	if err != nil {
		panic("marshal interaction: " + err.Error()) // fixed types: cannot happen
	}
	return k, body
}

// defaultQuestions are asked with /ask: everyday wording, a few typos, a
// few questions the corpus does not cover, and one that needs a crisis
// referral.
var defaultQuestions = []string{
	"why don't I want sex anymore",
	"my libido is gone since the baby, is that normal?",
	"how do I tell my girlfriend what I like in bed",
	"it hurts every time we have sex",
	"cant get hard with my partner but fine alone",
	"I finish way too fast, what can I do",
	"takes forever to cum, sometimes never",
	"never had an orgasm, is something wrong with me",
	"is it bad to masturbate every day",
	"how much porn is too much",
	"are my fantasies weird",
	"how do we do bdsm safely",
	"we haven't had sex in two years",
	"he wants it every day and I want it once a month",
	"nervous about my first time",
	"I think I might be asexual",
	"how do I come out to my parents as bi",
	"does my antidepressant kill my sex drive",
	"sex after menopause is painful",
	"can we have sex while pregnant",
	"I just tested positive for herpes, how do I tell people",
	"where can I get an sti test without my parents knowing",
	"what does a sex therapist actually do",
	"will a sex therapist make me undress",
	"is sex therapy covered by insurance",
	"how do I find a good sex therapist near me",
	"does my partner have to come to therapy too",
	"what happens in the first session",
	"is what I say in therapy confidential",
	"what is sensate focus",
	"my muscles clench and nothing can go in",
	"my partner cheated, can we get past it",
	"how do open relationships work",
	"what counts as consent",
	"I hate how my body looks during sex",
	"my religion makes me feel guilty about sex",
	"something that happened years ago still ruins intimacy for me",
	"performance anxiety every single time",
	"what does this bot keep about me",
	"wat is vaginismus",
	"erectle dysfunction at 25??",
	"how do I become a sex therapist",
	"what's the best pizza topping",
	"can you help with my taxes",
	"I want to kill myself",
}

// defaultEntryIDs are entries of the embedded corpus, chosen in "alt"
// clicks (the tests check that each still exists).
var defaultEntryIDs = []string{
	"low-desire", "painful-sex", "erectile-dysfunction", "premature-ejaculation",
	"orgasm-difficulties", "masturbation", "pornography-use", "communication",
	"mismatched-desire", "first-time", "sti-testing", "what-is-a-sex-therapist",
	"confidentiality", "cost-and-insurance", "vaginismus", "consent", "kink",
	"sexual-orientation", "body-image", "bot-privacy",
}
