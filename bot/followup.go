package bot

// Follow-ups: a message read together with the entry of the last answer.
// "what about for women?", "how much does it cost" or "is that normal" mean
// little alone; "is that the same as vaginismus?" names a topic of its own
// and is answered as asked.

import (
	"context"
	"slices"
	"strings"

	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// Thresholds of the follow-up rules, chosen on testdata/followups-dev.tsv.
const (
	// sureTopic: the learned model's probability for the entry that best
	// matches the message alone from which the message names that topic.
	sureTopic = 0.5
	// likelyTopic: the probability from which an entry is likely what the
	// message asks about, given some other sign.
	likelyTopic = 0.15
	// followUpNone: the learned model's probability that no entry answers
	// the message alone, from which the context does not make it an answer
	// ("what should I wear on the date").
	followUpNone = 0.7
	// nearShare: a neighbour of the last entry among the message's own
	// matches counts when it scores at least this share of the best match.
	nearShare = 0.75
	// ownTerms: a continuation found only with the last answer's title
	// added must share a word with its answer when the message has this
	// many words of its own (after stop words): on the development sets
	// every such message of four or more was off-topic ("do u think i
	// should drop orgo", "ok lol whats ur fav movie"); of three, two were
	// continuations ("can it come back").
	ownTerms = 4
	// bodyWords: a follow-up of at most this many words that asks about
	// the other body, after an entry related.yaml moves nowhere for it,
	// stays on that entry.
	bodyWords = 4
	// maxFollowUpWords: a longer message is a question of its own.
	maxFollowUpWords = 30
	// bareWords: a message of at most this many words that has no
	// confident answer of its own leans on the last answer even without a
	// pronoun ("how do i stop", "in the uk?")...
	bareWords = 8
	// tinyWords: a follow-up of at most this many words with a pronoun or
	// a cue that shares no more words with the entry it matches alone than
	// with the last one continues the last ("does it hurt", "will it
	// hurt").
	tinyWords = 3
	// shortWords: a message of at most this many words whose confident
	// answer alone rests on one word, a word the last answer has too, and
	// that the learned model does not find likely (under sureTopic)
	// continues the last answer ("when should i worry" after discharge,
	// "what kind of doctor", "like what exactly"). Chosen on the three
	// development follow-up sets: 7 more right, 2 fewer ("is that all
	// private?"); 4, 6 and 8 words read +4 -1, +7 -2 and +7 -2.
	shortWords = 5
	// bareNone: ...unless the learned model's probability that nothing
	// answers it reaches this. Without a pronoun it takes less to read a
	// message as a question of its own ("whats the weather tmrw") than
	// followUpNone.
	bareNone = 0.5
)

// followUp reads message q together with last, the entry of the last
// answer; alone is the reply to q read on its own. It reports false when q
// is best answered alone. In order:
//   - a long message, one that starts a new topic ("different question")
//     or one that names a topic of its own is answered alone, unless last
//     answers that topic itself (related.yaml stay);
//   - a follow-up (a cue, a pronoun, or a short message with no answer of
//     its own) about the other body, the opposite problem, how long it
//     takes or something that just happened moves to the related entry;
//     one about cost or finding someone to the entry on that, unless the
//     last entry answers it;
//   - a close match of q alone that is a neighbour of last (same theme or
//     siblings) is taken even when not sure alone;
//   - any other continuation is searched with last's title added.
func (r *Responder) followUp(ctx context.Context, lib *Library, last, q string, alone knowledge.Reply) (knowledge.Reply, bool) {
	e, ok := lib.Corpus.Entry(last)
	if !ok {
		return knowledge.Reply{}, false
	}
	if n := len(talkWords(q)); n == 0 || n > maxFollowUpWords || alone.Category == "too-long" {
		return knowledge.Reply{}, false
	}
	rel := lib.Corpus.Related
	said := newPhrases(q)
	if said.hasAny(rel.NewTopic) || said.startsWithAny(rel.NewTopicOpeners) {
		return knowledge.Reply{}, false
	}
	text := q
	if exp := lib.Corpus.Vocabulary.Expand(q); exp != "" {
		text += " " + exp
	}
	ev := evidence{ix: lib.Index, text: text, learned: lib.Index.Learned(text)}
	shaped := isFollowUp(lib.Corpus.SmallTalk, q) || refersBack(q) || ev.bare(q, alone, last)
	to, kind := "", ""
	if shaped {
		to, kind = moveOf(rel, last, said)
		if to == "" && len(talkWords(q)) <= bodyWords && (said.hasAny(rel.Words["women"]) || said.hasAny(rel.Words["men"])) {
			// "and for girls?" after condoms: the last entry has no other
			// entry for the other body, so it answers for both.
			return r.followTo(last, "follow-up of "+last+", about the other body, which it answers itself")
		}
	}
	if to == "" && alone.Kind == knowledge.KindAnswer && alone.ID() != last && ev.learned != nil && ev.learned[alone.ID()] < sureTopic && len(talkWords(q)) <= shortWords {
		if withID, withLast := ev.shared(alone.ID(), last); withID <= 1 && withID <= withLast {
			return r.followTo(last, "follow-up of "+last+", a short message whose one word in "+alone.ID()+" is in it too")
		}
	}
	if alone.Kind == knowledge.KindAnswer && alone.ID() != last && ev.namesTopic(alone.ID(), last) {
		if withID, withLast := ev.shared(alone.ID(), last); shaped && len(talkWords(q)) <= tinyWords && withID <= withLast {
			// "does it hurt" after a first time or a test: three words that
			// say no more about pain during sex than about the last
			// answer continue it.
			return r.followTo(last, "follow-up of "+last+", a short question no closer to "+alone.ID())
		}
		if rel.Stays(alone.ID(), last) {
			// "does the hurt go away" after cheating is not about pain
			// during sex.
			return r.followTo(last, "follow-up of "+last+", which answers "+alone.ID()+" itself")
		}
		return knowledge.Reply{}, false
	}
	if to != "" {
		return r.followTo(to, "follow-up ("+kind+") of "+last)
	}
	if ev.learned != nil && ev.learned[""] >= followUpNone && !ev.within(last) {
		return knowledge.Reply{}, false
	}
	// "is that normal" after penis size: no answer of its own and every
	// word it has is in the last entry, so it stays there whatever
	// neighbour also has them.
	stays := shaped && alone.Kind != knowledge.KindAnswer && ev.within(last)
	if !stays {
		if near := nearMatch(ctx, lib, ev, alone, last, shaped); near != "" {
			return r.followTo(near, "follow-up (neighbour "+near+") of "+last)
		}
	}
	if !shaped {
		return knowledge.Reply{}, false
	}
	rep := r.retrieve(ctx, lib, lib.Corpus, q+" "+e.Title)
	if rep.Kind == knowledge.KindFallback && len(rep.Alternatives) > 0 && rep.Alternatives[0].ID == last {
		// Not sure, but the last entry comes first: "how long does it take
		// to get better" is about it.
		return r.followTo(last, "follow-up of "+last+", its best match")
	}
	if rep.Kind != knowledge.KindAnswer {
		return knowledge.Reply{}, false
	}
	if _, n := lib.Index.Overlap(q, rep.ID()); n == 0 && len(lib.Index.Analyze(q)) >= ownTerms {
		// Only the last title's words found it: a message of its own
		// words, none of them in that answer ("can u help me write my cv"
		// after becoming a therapist), is not about it.
		return knowledge.Reply{}, false
	}
	rep.Reason = "follow-up of " + last + ": " + rep.Reason
	return rep, true
}

// moveOf is where a follow-up of last moves by related.yaml: the related
// entry for the other body, the opposite problem or how long it takes, or
// the entry on a topic it asks about ("" when none), and the kind of move.
func moveOf(rel knowledge.Related, last string, said phrases) (to, kind string) {
	for _, kind := range knowledge.MoveKinds {
		if to := rel.Move(kind, last); to != "" && to != last && said.hasAny(rel.Words[kind]) {
			return to, kind
		}
	}
	if to := rel.Topic(last, said.hasAny); to != "" {
		return to, to
	}
	return "", ""
}

// followTo is the answer from entry id, with the reason. Only the triage
// gives crisis replies: a crisis entry is never a follow-up's answer
// (related.yaml cannot name one; a neighbour by theme could).
func (r *Responder) followTo(id, reason string) (knowledge.Reply, bool) {
	rep, ok := r.Show(id)
	if !ok || rep.Kind == knowledge.KindCrisis {
		return knowledge.Reply{}, false
	}
	rep.Reason = reason
	return rep, ok
}

// refersBack reports a longer message that still leans on the last answer
// through a pronoun ("its been 3 times now and it still hurts"), beyond the
// short ones isFollowUp finds.
func refersBack(q string) bool {
	words := talkWords(q)
	if len(words) > 12 {
		return false
	}
	for _, w := range words {
		switch w {
		case "it", "that", "this", "they", "them", "those", "its":
			return true
		}
	}
	return false
}

// evidence is what the index says about one message read alone.
type evidence struct {
	ix      *index.Index
	text    string
	learned map[string]float64 // nil without a learned model
}

// bare reports a short message that has no confident answer of its own
// and that the learned model does not place outside the corpus, or whose
// words are all in last: it leans on the last answer even without a
// pronoun. Without a learned model nothing is bare.
func (ev evidence) bare(q string, alone knowledge.Reply, last string) bool {
	return alone.Kind == knowledge.KindFallback && len(talkWords(q)) <= bareWords &&
		ev.learned != nil && (ev.learned[""] < bareNone || ev.within(last))
}

// within reports whether every topical word of the message is in entry
// last ("how many times a week" after sensate focus): a continuation,
// whatever the learned model says of the message alone.
func (ev evidence) within(last string) bool {
	share, n := ev.ix.Overlap(ev.text, last)
	return n > 0 && share == 1
}

// namesTopic reports whether the message asks about entry id rather than
// continuing last: the learned model is sure of id, or fairly sure while
// the message shares more words with id than with last ("is that the same
// as being asexual?" after low desire). Without a learned model, the
// shared words decide.
func (ev evidence) namesTopic(id, last string) bool {
	withID, withLast := ev.shared(id, last)
	if ev.learned == nil {
		return withID > withLast
	}
	p := ev.learned[id]
	return p >= sureTopic || (p >= likelyTopic && withID > withLast)
}

// shared counts the message's distinct words found in entry id and in
// entry last.
func (ev evidence) shared(id, last string) (withID, withLast int) {
	_, withID = ev.ix.Overlap(ev.text, id)
	_, withLast = ev.ix.Overlap(ev.text, last)
	return withID, withLast
}

// closer reports whether the message leans to entry id at least as much as
// to last, the bar for a neighbour of last: more of its words are in id, or
// as many and the learned model finds id likely. Less than namesTopic asks
// of an entry that is no neighbour.
func (ev evidence) closer(id, last string) bool {
	withID, withLast := ev.shared(id, last)
	return withID > withLast || (withID == withLast && ev.learned[id] >= likelyTopic)
}

// asLikely reports whether the learned model finds entry id at least as
// likely an answer to the message as last: a neighbour the words alone
// point to ("only with my partner tho, alone its fine" after orgasms, which
// shares more words with arousal) is no move. True without a learned
// model.
func (ev evidence) asLikely(id, last string) bool {
	return ev.learned == nil || ev.learned[id] >= ev.learned[last]
}

// nearMatch is the first of the message's own matches (the answer, then
// the choices, best first; the search's hits, if the learned model finds
// them likely, when alone offered none) that scores at least nearShare of
// the best, is a neighbour of last and is closer to the message than last;
// "" when last itself comes first.
func nearMatch(ctx context.Context, lib *Library, ev evidence, alone knowledge.Reply, last string, shaped bool) string {
	var hits []index.Hit
	switch alone.Kind {
	case knowledge.KindAnswer:
		if alone.Entry == nil {
			return ""
		}
		hits = append(hits, index.Hit{ID: alone.Entry.ID, Score: alone.Score})
	case knowledge.KindFallback:
	default:
		return ""
	}
	for _, a := range alone.Alternatives {
		hits = append(hits, index.Hit{ID: a.ID, Score: a.Score})
	}
	fresh := len(hits) == 0
	if fresh {
		found, err := lib.Index.Search(ctx, ev.text, MaxAlternatives)
		if err != nil {
			return ""
		}
		hits = withoutCrisis(lib.Corpus, found)
	}
	for _, h := range hits {
		if h.ID == last || h.Score < nearShare*hits[0].Score {
			return ""
		}
		if (fresh || shaped && alone.Kind != knowledge.KindAnswer) && ev.learned != nil && ev.learned[h.ID] < likelyTopic {
			// Found only by this search, for a message that alone matched
			// nothing ("does it get better"), or offered to a follow-up with
			// no answer of its own, which leans on the last answer ("does it
			// go away" after erections): the model must find it likely, or
			// it is only a word match.
			continue
		}
		if neighbours(lib.Corpus, h.ID, last) && ev.closer(h.ID, last) && ev.asLikely(h.ID, last) {
			return h.ID
		}
	}
	return ""
}

// neighbours reports whether entries a and b share a theme or are siblings.
func neighbours(c *knowledge.Corpus, a, b string) bool {
	if c.Related.AreSiblings(a, b) {
		return true
	}
	for _, th := range c.Themes {
		if slices.Contains(th.Entries, a) && slices.Contains(th.Entries, b) {
			return true
		}
	}
	return false
}

// phrases is a message as its words, for finding phrases in it.
type phrases string

func newPhrases(q string) phrases { return phrases(" " + strings.Join(talkWords(q), " ") + " ") }

// startsWithAny reports whether the message starts with one of the phrases
// as whole words.
func (s phrases) startsWithAny(list []string) bool { return s.anyWhere(list, strings.HasPrefix) }

// hasAny reports whether the message contains one of the phrases as whole words.
func (s phrases) hasAny(list []string) bool { return s.anyWhere(list, strings.Contains) }

// anyWhere reports whether found(message, phrase) holds for one of the
// phrases, both as their words with a space on each side.
func (s phrases) anyWhere(list []string, found func(s, p string) bool) bool {
	for _, p := range list {
		if w := talkWords(p); len(w) > 0 && found(string(s), " "+strings.Join(w, " ")+" ") {
			return true
		}
	}
	return false
}
