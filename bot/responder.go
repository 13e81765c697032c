package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/confidant-bot/confidant/bot/metrics"
	"github.com/confidant-bot/confidant/bot/safety"
	"github.com/confidant-bot/confidant/bot/store"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// sureCrisis is the safety model's probability above which its crisis
// verdict stands even when search has a confident ordinary answer.
const sureCrisis = 0.5

// siblingTie: when the runner-up is a sibling of the best match and scores
// at least this share of it, the bot asks which fits better.
const siblingTie = 0.95

// MaxAlternatives is how many other entries a reply offers.
const MaxAlternatives = 3

// Responder turns one message into one Reply. It is safe for concurrent use.
type Responder struct {
	lib        atomic.Pointer[Library]
	confidence Confidence
	log        *slog.Logger
	// Metrics, when set, counts replies (by kind and category only).
	Metrics *metrics.Metrics
	// ShareGaps offers, on a fallback, to share the scrubbed question with
	// the moderators (only when a store keeps shared questions).
	ShareGaps bool
}

// NewResponder serves lib. A nil logger discards logs.
func NewResponder(lib *Library, log *slog.Logger) *Responder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Responder{confidence: DefaultConfidence(), log: log}
	r.lib.Store(lib)
	return r
}

// Library is the library being served now.
func (r *Responder) Library() *Library { return r.lib.Load() }

// Swap serves lib from now on and returns the previous one. Questions already
// being answered finish on the library they started with.
func (r *Responder) Swap(lib *Library) *Library { return r.lib.Swap(lib) }

// SetConfidence replaces the confidence rule (for calibration).
func (r *Responder) SetConfidence(c Confidence) { r.confidence = c }

// TooLongReply is the kind reply to a message longer than the bot reads
// (knowledge.MaxInputBytes, or a line longer than a console reads whole).
func TooLongReply() knowledge.Reply {
	return knowledge.Reply{Kind: knowledge.KindFallback, Category: "too-long",
		Message: "That message is longer than I can read in one go. Could you shorten it to the main question, in a sentence or two?"}
}

// Respond answers one message. It never fails: problems become a kind reply
// (and a log line without any of the message's content).
func (r *Responder) Respond(ctx context.Context, message string) knowledge.Reply {
	return r.respondAfter(ctx, r.lib.Load(), message, "", "")
}

// respondAfter answers a message that follows the answer from entry last,
// or a crisis reply of category crisis ("" for none): the triage reads it
// in that light (Triage.ClassifyAfter).
func (r *Responder) respondAfter(ctx context.Context, lib *Library, message, last, crisis string) knowledge.Reply {
	start := time.Now()
	reply := r.respond(ctx, lib, message, last, crisis)
	r.Metrics.Reply(string(reply.Kind), reply.Category, time.Since(start))
	r.log.LogAttrs(ctx, slog.LevelDebug, "reply",
		slog.String(LogKind, string(reply.Kind)),
		slog.String(LogCategory, reply.Category),
		slog.Duration(LogDuration, time.Since(start)))
	return reply
}

func (r *Responder) respond(ctx context.Context, lib *Library, message, last, crisis string) knowledge.Reply {
	c := lib.Corpus
	q, tooLong := knowledge.Clean(message)
	q = StripMentions(q)
	switch {
	case tooLong:
		return TooLongReply()
	case q == "":
		return knowledge.Reply{Kind: knowledge.KindFallback, Category: "empty",
			Message: "I didn't catch a question there. Ask me anything about sex, intimacy, sexual health or sex therapy, in your own words."}
	case !hasWords(q):
		return knowledge.Reply{Kind: knowledge.KindFallback, Category: "no-words",
			Message: "I can only read words, not emoji or symbols on their own. What would you like to know? Ask in your own words."}
	}
	v := lib.Triage.ClassifyAfter(q, last, crisis)
	rep := r.afterTriage(ctx, lib, q, v)
	if v.Kind != knowledge.VerdictCrisis && rep.Kind != knowledge.KindSmallTalk {
		if rep.Concern == "" && v.Concern != "" {
			rep.Concern = v.Concern
		}
		if rep.Concern != "" && rep.Help == "" {
			rep.Help = c.Triage.Concern[rep.Concern]
		}
		if v.Teen && c.Triage.Teen != "" && rep.Kind != knowledge.KindDecline {
			rep.Notice = strings.TrimSpace(rep.Notice + " " + c.Triage.Teen)
		}
	}
	return rep
}

// afterTriage follows the triage's verdict: a crisis reply, a decline, an
// honest "outside what I cover", a gentle answer about the past, or search.
func (r *Responder) afterTriage(ctx context.Context, lib *Library, q string, v safety.Verdict) knowledge.Reply {
	c := lib.Corpus
	if v.Kind == knowledge.VerdictCrisis && v.Model > 0 {
		// The model alone cannot call "bye" or "ok" a crisis: a message that
		// is nothing but small talk gets its fixed reply.
		if intent, _ := smallTalk(c.SmallTalk, q); intent != "" {
			return smallTalkReply(c.SmallTalk, intent, "")
		}
	}
	switch v.Kind {
	case knowledge.VerdictCrisis:
		unsure := v.Model > 0 && v.Model < sureCrisis
		// Below the crisis resources, the answers that fit the rest of the
		// message with confidence, among those related.yaml lets this
		// category offer: a question asked beside the crisis ("he didn't
		// stop when I said no, can I still get the morning-after pill") is
		// not lost. Never for self-harm or a child at risk, nor a firm
		// pattern: there the help is all the reply says.
		offers := v.Category != "self-harm" && v.Category != "minor" && !v.Firm
		var related knowledge.Reply
		if unsure || offers {
			related = r.retrieve(ctx, lib, c, q)
		}
		if unsure && related.Kind == knowledge.KindAnswer {
			// The model alone, not sure, on a message that one ordinary
			// entry answers with confidence ("I come way too fast"): the
			// answer, with the crisis line of help on top.
			related.Concern, related.Help = v.Category, c.Triage.Concern[v.Category]
			related.Reason = fmt.Sprintf("model crisis %.2f below %.2f, and a confident answer: %s", v.Model, sureCrisis, related.Reason)
			return related
		}
		rep := crisisReply(c, v)
		if offers && (related.Kind == knowledge.KindAnswer || related.Category == "siblings") {
			rep.Alternatives = c.Related.Beside(v.Category, offered(related))
		}
		return rep
	case knowledge.VerdictDecline:
		return r.declineReply(ctx, lib, q, v)
	}
	if !v.Past {
		intent, rest := smallTalk(c.SmallTalk, q)
		if intent != "" {
			teen := ""
			if v.Teen {
				teen = c.Triage.Teen
			}
			return smallTalkReply(c.SmallTalk, intent, teen)
		}
		q = rest
	}
	switch v.Kind {
	case knowledge.VerdictOutside:
		return knowledge.Reply{Kind: knowledge.KindFallback, Category: v.Category, Message: c.Triage.OutsideReply,
			Referral: c.Referral(knowledge.ReferralDoctor), Shared: r.shared(q), Reason: "outside the corpus: " + v.Pattern}
	}
	if v.Past {
		notice := c.Triage.Past.Notices[v.Category]
		if e, ok := c.Entry(v.Redirect); ok && v.Redirect != "" {
			return knowledge.Reply{Kind: knowledge.KindAnswer, Entry: e, Referral: c.Referral(e.Referral),
				Category: v.Category, Notice: notice, Reason: "past experience: " + v.Category}
		}
		rep := r.retrieve(ctx, lib, c, q)
		rep.Notice = notice
		return rep
	}
	return r.retrieve(ctx, lib, c, q)
}

// crisisReply is the crisis entry for the category and nothing else; in
// Spanish, Portuguese, French or German the reply in that language comes
// first, with the English entry below it. A second crisis the model finds
// likely adds its line of help (English) or its reply in the language.
func crisisReply(c *knowledge.Corpus, v safety.Verdict) knowledge.Reply {
	e, ok := c.Entry(c.Triage.CrisisEntries[v.Category])
	if !ok {
		e = nil // a corpus without its crisis entries still sends the crisis referral
	}
	rep := knowledge.Reply{Kind: knowledge.KindCrisis, Entry: e, Category: v.Category,
		Referral: c.Referral(knowledge.ReferralCrisis), Reason: "triage: " + v.Category + " (" + v.Pattern + ")"}
	if l, ok := c.CrisisLanguages[v.Lang]; ok && l.Replies[v.Category] != "" {
		rep.Lang, rep.Help = v.Lang, l.Replies[v.Category]
		if also := l.Replies[v.Also]; v.Also != "" && also != "" {
			// The second crisis's reply in the same language follows.
			rep.Concern, rep.Help = v.Also, rep.Help+"\n\n"+also
			rep.Reason += ", also " + v.Also
		}
	} else if v.Also != "" && c.Triage.Concern[v.Also] != "" {
		// A second crisis the model finds likely (a partner's violence and
		// thoughts of suicide in one message): its line of help on top.
		rep.Concern, rep.Help = v.Also, c.Triage.Concern[v.Also]
		rep.Reason += ", also " + v.Also
	}
	return rep
}

// declineReply explains what the bot will not do; for a medical question it
// also offers the closest general entries, if any.
func (r *Responder) declineReply(ctx context.Context, lib *Library, q string, v safety.Verdict) knowledge.Reply {
	c := lib.Corpus
	rep := knowledge.Reply{Kind: knowledge.KindDecline, Category: v.Category,
		Message: c.Triage.DeclineReplies[v.Category], Reason: "triage: " + v.Category}
	switch v.Category {
	case "medical-advice":
		rep.Referral = c.Referral(knowledge.ReferralDoctor)
		rep.Alternatives = offered(r.retrieve(ctx, lib, c, q))
	}
	return rep
}

// offered is what a reply from search offers as choices: its entry first,
// if it has one, then its alternatives, at most MaxAlternatives in all.
func offered(rep knowledge.Reply) []knowledge.Alternative {
	var out []knowledge.Alternative
	if rep.Entry != nil {
		out = append(out, knowledge.Alternative{ID: rep.Entry.ID, Title: rep.Entry.Title, Score: rep.Score})
	}
	for _, a := range rep.Alternatives {
		if len(out) < MaxAlternatives {
			out = append(out, a)
		}
	}
	return out
}

// retrieve searches the corpus and applies the confidence rule.
func (r *Responder) retrieve(ctx context.Context, lib *Library, c *knowledge.Corpus, q string) knowledge.Reply {
	q = c.Vocabulary.Plain(q)
	text := q
	if exp := c.Vocabulary.Expand(q); exp != "" {
		text = q + " " + exp
	}
	hits, err := lib.Index.Search(ctx, text, MaxAlternatives+2)
	if err != nil {
		// The error may quote the query, so only its kind is logged.
		r.log.LogAttrs(ctx, slog.LevelError, "search failed", slog.String(LogError, fmt.Sprintf("%T", err)))
		return apology()
	}
	// Only the triage gives crisis replies. A crisis entry ranked first
	// by search is a sign of distress the triage did not call a crisis: it
	// becomes the middle tier (a line of help on top), and crisis entries
	// are never offered as answers or alternatives from search.
	concern := ""
	if len(hits) > 0 {
		if cat := c.CrisisCategoryOf(hits[0].ID); cat != "" {
			concern = cat
		}
	}
	hits = withoutCrisis(c, hits)
	if len(hits) > MaxAlternatives+1 {
		hits = hits[:MaxAlternatives+1]
	}
	rep := r.decide(c, q, text, lib, hits)
	rep.Concern = concern
	return rep
}

// withoutCrisis drops crisis entries from search hits.
func withoutCrisis(c *knowledge.Corpus, hits []index.Hit) []index.Hit {
	out := hits[:0:0]
	for _, h := range hits {
		if c.CrisisCategoryOf(h.ID) == "" {
			out = append(out, h)
		}
	}
	return out
}

// decide applies the confidence rule to the hits.
func (r *Responder) decide(c *knowledge.Corpus, q, text string, lib *Library, hits []index.Hit) knowledge.Reply {
	cov, matched := 0.0, 0
	none, topLearned := -1.0, -1.0 // Decide reads them only when there are hits
	if len(hits) > 0 {
		cov, matched = lib.Index.Overlap(text, hits[0].ID)
		none, topLearned = lib.Index.LearnedOf(q, hits[0].ID)
	}
	decision, reason := r.confidence.Decide(hits, cov, matched, none, topLearned)
	if decision == Confident && len(hits) > 1 && hits[1].Score >= siblingTie*hits[0].Score && c.Related.AreSiblings(hits[0].ID, hits[1].ID) {
		return knowledge.Reply{
			Kind:         knowledge.KindFallback,
			Category:     "siblings",
			Score:        hits[0].Score,
			Alternatives: alternatives(c, hits[:2], 0),
			Referral:     c.Referral(knowledge.ReferralGeneral),
			Message:      "These two are close. Which fits better?",
			Reason:       fmt.Sprintf("siblings nearly tied (%.2f of the top score): %s", hits[1].Score/hits[0].Score, reason),
		}
	}
	switch decision {
	case Confident:
		e, _ := c.Entry(hits[0].ID)
		return knowledge.Reply{
			Kind:         knowledge.KindAnswer,
			Entry:        e,
			Score:        hits[0].Score,
			Alternatives: alternatives(c, hits[1:], hits[0].Score*otherAnswersFloor),
			Referral:     c.Referral(e.Referral),
			Reason:       reason,
		}
	case Unsure:
		return knowledge.Reply{
			Kind:         knowledge.KindFallback,
			Score:        hits[0].Score,
			Alternatives: alternatives(c, hits[:min(len(hits), MaxAlternatives)], hits[0].Score*choicesFloor),
			Referral:     c.Referral(knowledge.ReferralGeneral),
			Shared:       r.shared(q),
			Message:      "I'm not sure I found the right answer. Is your question one of these? Ask it again in other words, or pick one.",
			Reason:       reason,
		}
	}
	score := 0.0
	if len(hits) > 0 {
		score = hits[0].Score
	}
	return knowledge.Reply{
		Kind:     knowledge.KindFallback,
		Shared:   r.shared(q),
		Score:    score,
		Referral: c.Referral(knowledge.ReferralGeneral),
		Message:  "I only answer from a small set of checked, sourced answers about sex, intimacy, sexual health and sex therapy, and none of them fits this question. I'd rather say so than guess.",
		Reason:   reason,
	}
}

// shared is the question as it would be shared with moderators, if sharing is on.
func (r *Responder) shared(q string) string {
	if !r.ShareGaps {
		return ""
	}
	return store.Scrub(q)
}

// Relevance floors, as shares of the top hit's score: "Other answers" under
// a confident answer, and "did you mean" choices, below which an entry is
// not offered at all. Chosen on the development sets.
const (
	otherAnswersFloor = 0.2
	choicesFloor      = 0.1
)

// alternatives offers up to MaxAlternatives of hits scoring at least floor.
func alternatives(c *knowledge.Corpus, hits []index.Hit, floor float64) []knowledge.Alternative {
	out := make([]knowledge.Alternative, 0, len(hits))
	for _, h := range hits {
		if e, ok := c.Entry(h.ID); ok && len(out) < MaxAlternatives && h.Score >= floor {
			out = append(out, knowledge.Alternative{ID: e.ID, Title: e.Title, Score: h.Score})
		}
	}
	return out
}

// apology is the reply when something went wrong on our side.
func apology() knowledge.Reply {
	return knowledge.Reply{Kind: knowledge.KindFallback, Category: "error",
		Message: "Sorry, something went wrong on my side. Please try again in a moment."}
}

// Show returns the reply for one entry by id, for an entry the person (or a
// moderator) chose: "other answers" menus, a numbered choice, topic
// browsing. A crisis entry chosen that way keeps its crisis form; nothing
// the bot decides by itself goes through here to a crisis entry (followTo
// refuses them).
func (r *Responder) Show(id string) (knowledge.Reply, bool) {
	lib := r.lib.Load()
	e, ok := lib.Corpus.Entry(strings.TrimSpace(id))
	if !ok {
		return knowledge.Reply{}, false
	}
	kind := knowledge.KindAnswer
	if e.Referral == knowledge.ReferralCrisis {
		kind = knowledge.KindCrisis
	}
	return knowledge.Reply{Kind: kind, Entry: e, Referral: lib.Corpus.Referral(e.Referral)}, true
}

// Preview is what a moderator sees of how a question would be handled.
type Preview struct {
	Triage safety.Verdict
	// Hits are the five best entries by search, whatever the triage said.
	Hits  []knowledge.Alternative
	Reply knowledge.Reply
}

// Preview runs the pipeline for a moderator and also shows the ranking.
func (r *Responder) Preview(ctx context.Context, message string) Preview {
	lib := r.lib.Load()
	q, _ := knowledge.Clean(message)
	q = StripMentions(q)
	p := Preview{Triage: lib.Triage.Classify(q), Reply: r.respond(ctx, lib, message, "", "")}
	text := q
	if exp := lib.Corpus.Vocabulary.Expand(q); exp != "" {
		text += " " + exp
	}
	if hits, err := lib.Index.Search(ctx, text, 5); err == nil {
		p.Hits = alternatives5(lib.Corpus, hits)
	}
	return p
}

func alternatives5(c *knowledge.Corpus, hits []index.Hit) []knowledge.Alternative {
	var out []knowledge.Alternative
	for _, h := range hits {
		if e, ok := c.Entry(h.ID); ok {
			out = append(out, knowledge.Alternative{ID: e.ID, Title: e.Title, Score: h.Score})
		}
	}
	return out
}
