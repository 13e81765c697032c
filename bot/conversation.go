package bot

// A conversation: what the last reply offered, so that a follow-up ("what
// about for women?"), a number after "did you mean" or "more" is understood.
// It lives in memory only, keyed by a keyed hash of the person's ID, and is
// forgotten after IdleAfter without a message.

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/confidant-bot/confidant/knowledge"
)

// IdleAfter is how long a conversation is remembered after its last message.
const IdleAfter = 10 * time.Minute

// Conversation is the state of one person's conversation: entry ids only,
// never what they wrote.
type Conversation struct {
	// Last is the entry of the last answer.
	Last string
	// Choices are the entries offered by the last "did you mean" or as
	// other answers, in the order shown.
	Choices []string
	// DidYouMean reports that the last reply offered Choices without an
	// answer ("did you mean").
	DidYouMean bool
	// Crisis is the category of the last reply when it was a crisis reply:
	// the next message is read in its light (Triage.ClassifyAfter).
	Crisis string
}

// Converse answers message in the conversation conv and updates conv.
func (r *Responder) Converse(ctx context.Context, conv *Conversation, message string) knowledge.Reply {
	lib := r.lib.Load()
	q, _ := knowledge.Clean(message)
	q = StripMentions(q)
	if rep, ok := r.choose(lib, conv, q); ok {
		if conv.Crisis != "" && rep.Kind == knowledge.KindAnswer {
			// An answer picked below a crisis reply keeps that crisis's
			// line of help on top.
			rep.Concern, rep.Help = conv.Crisis, lib.Corpus.Triage.Concern[conv.Crisis]
		}
		conv.remember(rep)
		return rep
	}
	rep := r.respondAfter(ctx, lib, message, conv.topic(), conv.Crisis)
	if last := conv.topic(); last != "" && rep.Kind != knowledge.KindCrisis && rep.Kind != knowledge.KindDecline &&
		rep.Kind != knowledge.KindSmallTalk {
		if follow, ok := r.followUp(ctx, lib, last, q, rep); ok {
			follow.Help, follow.Concern, follow.Notice = rep.Help, rep.Concern, rep.Notice
			rep = follow
		}
	}
	conv.remember(rep)
	return rep
}

// topic is the entry a follow-up is read with: the last answer's, or after
// "did you mean" its first choice, the best guess at what was asked; after
// a crisis reply that offered answers below its help, the first of them
// ("can i get them taken down" after a partner's threat to leak nudes).
func (conv *Conversation) topic() string {
	if (conv.DidYouMean || conv.Crisis != "") && len(conv.Choices) > 0 {
		return conv.Choices[0]
	}
	return conv.Last
}

// remember keeps what a reply offered.
func (conv *Conversation) remember(rep knowledge.Reply) {
	switch rep.Kind {
	case knowledge.KindSmallTalk:
		return // "thanks" keeps the topic
	case knowledge.KindAnswer:
		conv.Last = rep.ID()
	case knowledge.KindCrisis:
		conv.Last = ""
	}
	conv.Crisis = ""
	if rep.Kind == knowledge.KindCrisis {
		conv.Crisis = rep.Category
	}
	conv.DidYouMean = rep.Kind != knowledge.KindAnswer && rep.Kind != knowledge.KindCrisis
	conv.Choices = conv.Choices[:0]
	for _, a := range rep.Alternatives {
		conv.Choices = append(conv.Choices, a.ID)
	}
}

// choose answers a number or the words of an option after "did you mean",
// and "more" after an answer.
func (r *Responder) choose(lib *Library, conv *Conversation, q string) (knowledge.Reply, bool) {
	words := talkWords(q)
	if len(words) == 0 {
		return knowledge.Reply{}, false
	}
	if len(conv.Choices) > 0 && len(words) <= 3 {
		pick := strings.TrimPrefix(strings.Join(words, " "), "number ")
		if n, err := strconv.Atoi(pick); err == nil && n >= 1 && n <= len(conv.Choices) {
			return r.Show(conv.Choices[n-1])
		}
	}
	if len(conv.Choices) > 0 {
		if id := optionNamed(lib.Corpus, conv.Choices, words); id != "" {
			return r.Show(id)
		}
	}
	if conv.Last != "" {
		switch strings.Join(words, " ") {
		case "more", "tell me more", "read more", "full answer", "the full answer", "read the full answer", "more please", "more info", "go on", "continue":
			rep, ok := r.Show(conv.Last)
			rep.Full = true
			return rep, ok
		}
	}
	return knowledge.Reply{}, false
}

// optionNamed is the offered entry whose title the words name: most of the
// title's words, and nothing that points elsewhere.
func optionNamed(c *knowledge.Corpus, choices []string, words []string) string {
	best, bestShare := "", 0.0
	said := map[string]bool{}
	for _, w := range words {
		said[w] = true
	}
	for _, id := range choices {
		e, ok := c.Entry(id)
		if !ok {
			continue
		}
		title := talkWords(e.Title)
		hit, n := 0, 0
		for _, w := range title {
			if len(w) < 4 {
				continue
			}
			n++
			if said[w] {
				hit++
			}
		}
		if n == 0 {
			continue
		}
		// The typed words must be mostly title words, and cover half of it.
		if share := float64(hit) / float64(n); share >= 0.5 && hit*2 >= len(words) && share > bestShare {
			best, bestShare = id, share
		}
	}
	return best
}

// Memory keeps conversations for many people, keyed by an HMAC of their ID
// under a key made at start-up, so neither IDs nor anything they wrote are
// kept. It is safe for concurrent use.
type Memory struct {
	key   []byte
	idle  time.Duration
	now   func() time.Time
	mu    sync.Mutex
	convs map[[32]byte]*remembered
}

type remembered struct {
	conv Conversation
	at   time.Time
}

// maxConversations bounds memory; past it the oldest are swept first.
const maxConversations = 100_000

// NewMemory makes an empty memory with a fresh random key.
func NewMemory() *Memory {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		panic("no randomness for the conversation key: " + err.Error())
	}
	return &Memory{key: key, idle: IdleAfter, now: time.Now, convs: map[[32]byte]*remembered{}}
}

// Converse answers the person's message in their conversation.
func (m *Memory) Converse(ctx context.Context, r *Responder, userID, message string) knowledge.Reply {
	mac := hmac.New(sha256.New, m.key)
	mac.Write([]byte(userID))
	var k [32]byte
	copy(k[:], mac.Sum(nil))
	now := m.now()
	m.mu.Lock()
	m.sweep(now, 4)
	conv := Conversation{}
	if c, ok := m.convs[k]; ok && now.Sub(c.at) < m.idle {
		conv = c.conv
		conv.Choices = append([]string(nil), c.conv.Choices...)
	}
	m.mu.Unlock()
	rep := r.Converse(ctx, &conv, message)
	m.mu.Lock()
	m.convs[k] = &remembered{conv: conv, at: now}
	if len(m.convs) > maxConversations {
		m.sweep(now, len(m.convs)-maxConversations+16)
	}
	m.mu.Unlock()
	return rep
}

// sweep looks at up to n conversations (in the map's random order) and
// forgets the idle ones; a bounded cost per message.
func (m *Memory) sweep(now time.Time, n int) {
	for k, c := range m.convs {
		if n <= 0 {
			return
		}
		n--
		if now.Sub(c.at) >= m.idle || len(m.convs) > maxConversations {
			delete(m.convs, k)
		}
	}
}

// Len is how many conversations are remembered (for tests and metrics).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.convs)
}
