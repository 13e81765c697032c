package safety

// How the patterns and the model decide together.

import (
	"fmt"
	"slices"

	"github.com/confidant-bot/confidant/knowledge"
)

// Mode chooses what the triage consults; the zero value is both.
type Mode int

const (
	Combined Mode = iota
	PatternsOnly
	ModelOnly
)

// Thresholds are the model's probabilities the triage acts on.
type Thresholds struct {
	// CrisisMin: this much probability on the four crisis classes together
	// makes a crisis reply, for the most likely of them.
	CrisisMin float32
	// DeclineOverrule: a decline pattern (doses, explicit requests) stands
	// unless the model is at least this sure of a crisis.
	DeclineOverrule float32
	// MedicalOverrule: a medical-advice pattern (a dose, a medicine)
	// stands unless the model is at least this sure of a crisis; 0:
	// DeclineOverrule applies. "how many tylenol is too many", "what dose
	// of amitriptyline is fatal? I have a full script": the model read
	// them as self-harm at 0.93 and 0.76, and they got "That's not
	// something I can help with". 0.5 since session 17: leaving one writer
	// out, self-harm 0.909 -> 0.910, abuse 0.896 -> 0.897, crisis messages
	// given any crisis reply 0.949 -> 0.950; medical-advice declines 0.665
	// -> 0.661 (dose questions the model reads as crises get the crisis
	// reply); benign and ordinary unchanged.
	MedicalOverrule float32
	// ConcernMin: this much probability on the crisis and concern classes
	// together puts a line of help on top of an ordinary reply.
	ConcernMin float32
	// PastMin: a disclosure about the past this likely gets the gentle
	// answer.
	PastMin float32
	// OverruleOther and OverruleCrisis: a pattern's crisis becomes the
	// middle tier (the line of help on top of an ordinary answer, never
	// nothing) when the model is OverruleOther sure the message is ordinary
	// and gives the crisis classes less than OverruleCrisis: "how do
	// therapists handle clients who talk about suicide", "beats me why".
	OverruleOther, OverruleCrisis float32
	// ShortWords: the model alone gives a crisis reply to a message of
	// fewer words only if it mentions a risk concept (data/concepts.txt: death, a method,
	// self-injury, force, violence, an adult and a child...); otherwise
	// its crisis becomes the middle tier, the line of help on top of an
	// ordinary answer. Short everyday messages ("i think im gay", "i dont
	// know") are made of words that are common in crisis messages too.
	// 0 turns the rule off.
	ShortWords int
	// AlsoMin: on a crisis reply, another crisis class at least this
	// likely adds its line of help (Verdict.Also); 0 turns it off. 0.08
	// since session 13: leaving each writer out, the right help first or
	// second 0.933 at 0.15, 0.939 at 0.08, 0.940 at 0.05, nothing else
	// moved (a second line only ever goes on a crisis reply).
	AlsoMin float32
	// PlainMin: a message of ShortWords or more that names no risk concept
	// gets a crisis reply from the model alone only from this probability
	// (below it, the middle tier); messages the model has never seen the
	// like of ("help me write cover letter for warehouse job") spread
	// their probability over the crisis classes. 0: CrisisMin applies.
	// Left at 0: leaving out one writer at a time, 0.4 kept 0.009 more
	// benign messages out of a crisis reply but cost 0.010 of crisis
	// recall, 0.5 cost 0.023.
	PlainMin float32
	// ContextSure: in a conversation, a short follow-up of an ordinary
	// answer that names no risk gets a crisis reply from the model alone
	// only from this probability (Triage.ClassifyAfter); below it, the
	// middle tier. 0 turns the rule off.
	ContextSure float32
	// PastMarkerMin: past markers ("months ago", "used to") make a crisis
	// of the model alone a disclosure about the past only when the model
	// gives the past class at least this. The model has a past class of
	// its own, so a crisis it names despite the markers is mostly current:
	// "the baby was born 2 months ago and i keep thinking about ending it".
	// 0 lets the markers decide alone.
	PastMarkerMin float32
	// PastModelMin: a crisis pattern in a message that has a past marker
	// cancelled by an "unless" word ("raped 3 years ago, still cant have
	// sex") is the past when the model gives the past class at least this
	// (categories that redirect to an entry only). 0 turns it off.
	PastModelMin float32
	// DeclineMin: a message no pattern declines, that is no crisis, gets
	// the decline reply of the model's likeliest decline reason from this
	// probability, if the model finds that reason at least as likely as an
	// ordinary message ("lets do a spicy rp, u start", "which std is it,
	// just tell me"). 0 leaves declines to the patterns.
	DeclineMin float32
	// DenyOverrule: a crisis the model is at least this sure of stands
	// though a crisis pattern of its category matches right after a
	// negation ("I'm not suicidal or anything. I just have a bottle of
	// vodka and all my gabapentin on the table"). 0 lets every denial stand.
	// 0.95 since session 18, with ShortSure 0.8, chosen leaving one writer
	// out (CONFIDANT_CALIBRATE_DENYOVERRULE=0,0.9,0.95,0.98 and
	// _SHORTSURE=0,0.8,0.9,0.95): crisis 0.921 -> 0.923 (self-harm 0.911 ->
	// 0.914, abuse 0.912 -> 0.914), help shown 0.946 -> 0.948; benign
	// 0.928, ordinary 0.980 and short ordinary messages sent to crisis (4
	// of 63) unchanged. Every setting of the two read within 0.002.
	DenyOverrule float32
	// ShortSure: a message of fewer than ShortWords words that names no
	// risk concept gets a crisis reply from the model alone from this
	// probability ("tengo las pastillas listas", "he did it anyway"). 0
	// leaves such messages to the middle tier. 0.8 since session 18 (see
	// DenyOverrule).
	ShortSure float32
}

// DefaultThresholds were chosen by holding out each writer's training
// file in turn (TestCalibrateSafety), never on the held-out set;
// ContextSure on the two-message development set
// testdata/safety/followups-context.tsv (TestCrisisInContext in bot):
// crisis follow-ups given a crisis reply / ordinary ones kept out of one,
// with the model of session 4: 0.920 / 0.813 at 0 (off), 0.887 / 0.880 at
// 0.6, 0.807 / 0.947 at 0.9; with the model of session 5 (29 writers):
// 0.913 / 0.853 at 0.6, 0.913 / 0.880 at 0.65, 0.887 / 0.913 at 0.7.
// PastMarkerMin 0.1 by holding out each writer: crisis 0.909 -> 0.911,
// past unchanged. CrisisMin 0.25 with the 36 writers of the end of
// session 5 (three of them writing heavy but ordinary messages): crisis
// 0.915, benign 0.929, ordinary 0.974 (at 0.3: 0.910, 0.938, 0.979); 0.3
// with 33 writers gave crisis 0.916, ordinary 0.974. Session 6, 53 writers
// (one of them writing only very short messages): CrisisMin 0.3 and
// ShortWords 5: crisis 0.923, benign 0.939, ordinary 0.977, short-ordinary
// check 3 of 63; at 0.25 and 7 (the values before): 0.924 / 0.932 / 0.975,
// 6 of 63; 0.25 and 5: 0.928 / 0.930 / 0.974, 7; 0.3 and 7: 0.919 / 0.941 /
// 0.978, 3. Session 11, 74 files (eight writers of everyday messages that
// are no crisis joined): at 0.3 crisis 0.907, benign of the earlier files
// 0.961, everyday files 0.885, ordinary 0.983, short 3 of 63; at 0.25
// 0.915 / 0.952 / 0.864 / 0.980, 4; at 0.2 0.922 / 0.941 / 0.833 / 0.976, 7
// (the model before them, at 0.3: 0.915 / 0.950 / about 0.78 as the files
// came / 0.981, 3). 0.2 was chosen first (every crisis category at least
// where it was); it sent a "dying of shame" idiom of the triage cases and
// 7 short ordinary messages to crisis, so 0.25: overall crisis where it
// was, self-harm 0.908 (0.911), abuse 0.902 (0.896).
func DefaultThresholds() Thresholds {
	return Thresholds{CrisisMin: 0.25, DeclineOverrule: 0.95, MedicalOverrule: 0.5, DenyOverrule: 0.95, ShortSure: 0.8, ConcernMin: 0.4, PastMin: 0.5, OverruleOther: 0.9, OverruleCrisis: 0.03, ShortWords: 5, AlsoMin: 0.08, ContextSure: 0.65, PastMarkerMin: 0.1, PastModelMin: 0.5, DeclineMin: 0.3}
}

// Classify decides what to do with a message.
func (t *Triage) Classify(message string) Verdict { return t.classify(fold(message)) }

// classify is Classify of a message already folded into toks (the patterns
// and the model read the same folding). A past experience of assault,
// abuse or harm as a child told beside a child near that harm now ("my
// uncle abused me when i was a kid and now he babysits my daughter") is a
// minor at risk: the crisis reply, not the gentle answer about the past.
func (t *Triage) classify(toks []token) Verdict {
	v := t.classifyOnce(toks)
	if v.Past && v.Category != "self-harm" && t.childNear(toks) {
		also := v.Category
		if also == "minor" {
			also = ""
		}
		return Verdict{Kind: knowledge.VerdictCrisis, Category: "minor", Pattern: v.Pattern + " (a child near it now)", Lang: v.Lang, Teen: v.Teen, Also: also}
	}
	return v
}

// childNear reports a message that names a child and a cue of
// past.child_now.
func (t *Triage) childNear(toks []token) bool {
	return slices.Contains(concepts(wordsOf(toks)), "child") && t.anyPhrase(toks, t.childNow, t.anchors.hits(toks))
}

// classifyOnce is classify without the check for a child near a past harm.
func (t *Triage) classifyOnce(toks []token) Verdict {
	var v Verdict
	// Read once, for the patterns, the model and the checks between them.
	hits := t.anchors.hits(toks)
	words := wordsOf(toks)
	var found []string
	predict := func() Probabilities {
		if found == nil {
			found = concepts(words)
		}
		return t.model.predictWords(words, found)
	}
	if t.Mode != ModelOnly {
		v = t.patternsHits(toks, hits)
	}
	v.Lang = language(toks)
	v.Teen = statesMinorAge(toks)
	if v.Past && t.Mode != PatternsOnly && t.model != nil && t.Thresholds.PastMarkerMin > 0 {
		// A crisis pattern beside a past marker ("he says its fine because
		// we used to date"): the past only if the model finds it likely.
		if p := predict(); p[classPast] < t.Thresholds.PastMarkerMin && p.Crisis() >= t.Thresholds.CrisisMin {
			return Verdict{Kind: knowledge.VerdictCrisis, Category: v.Category, Pattern: v.Pattern + fmt.Sprintf(" (model: past %.2f)", p[classPast]), Lang: v.Lang, Teen: v.Teen, Also: p.also(v.Category, t.Thresholds.AlsoMin)}
		}
	}
	if v.Past || t.Mode == PatternsOnly || t.model == nil || len(toks) == 0 {
		return v
	}
	p := predict()
	th := t.Thresholds
	if v.Kind == knowledge.VerdictCrisis && th.PastModelMin > 0 && p[classPast] >= th.PastModelMin && t.anyPhrase(toks, t.past, hits) {
		if redirect := t.rules.Past.Redirect[v.Category]; redirect != "" {
			return Verdict{Category: v.Category, Past: true, Redirect: redirect, Pattern: v.Pattern + fmt.Sprintf(" (model: past %.2f)", p[classPast]), Lang: v.Lang, Teen: v.Teen}
		}
	}
	if v.Kind == knowledge.VerdictCrisis {
		if !v.Firm && p[classOther] >= th.OverruleOther && p.Crisis() < th.OverruleCrisis {
			return Verdict{Concern: v.Category, Pattern: v.Pattern + fmt.Sprintf(" (model: ordinary %.2f)", p[classOther]), Lang: v.Lang, Teen: v.Teen}
		}
		v.Also = p.also(v.Category, th.AlsoMin)
		return v
	}
	class, prob := p.Top()
	if crisis := p.Crisis(); crisis >= th.CrisisMin {
		class, prob = p.topCrisis(), crisis
	}
	modelCrisis := class >= classSelfHarm && class <= classMinor && prob >= th.CrisisMin &&
		(th.DenyOverrule > 0 && prob >= th.DenyOverrule || !t.deniesHits(toks, hits, crisisCategory[class])) &&
		(namesRisk(found) || len(toks) >= th.ShortWords && prob >= th.PlainMin || th.ShortSure > 0 && prob >= th.ShortSure) &&
		(v.Kind != knowledge.VerdictDecline || prob >= th.DeclineOverrule ||
			// "whats the point. been looking up how many tylenol it takes":
			// a dose question that names a risk is no medical question.
			v.Category == "medical-advice" && (namesRisk(found) || th.MedicalOverrule > 0 && prob >= th.MedicalOverrule))
	switch {
	case modelCrisis:
		cat := crisisCategory[class]
		if t.isPastHits(toks, hits) && p[classPast] >= th.PastMarkerMin {
			if redirect, ok := t.rules.Past.Redirect[cat]; ok {
				return Verdict{Category: cat, Past: true, Redirect: redirect, Pattern: modelPattern(class, prob), Lang: v.Lang, Teen: v.Teen}
			}
		}
		// A short message naming no risk is a crisis only by ShortSure:
		// read alone ("he did it anyway"), not as a follow-up of an
		// ordinary answer ("it happened last night" after erections).
		short := !namesRisk(found) && len(toks) < th.ShortWords
		return Verdict{Kind: knowledge.VerdictCrisis, Category: cat, Pattern: modelPattern(class, prob), Lang: v.Lang, Teen: v.Teen, Model: prob, Also: p.also(cat, th.AlsoMin), short: short}
	case class == classPast && prob >= th.PastMin && v.Kind == "":
		cat := crisisCategory[class]
		return Verdict{Category: cat, Past: true, Redirect: t.rules.Past.Redirect[cat], Pattern: modelPattern(class, prob), Lang: v.Lang, Teen: v.Teen}
	}
	if dc, dp := p.topDecline(); v.Kind == "" && !v.mentioned && th.DeclineMin > 0 && dp >= th.DeclineMin && dp >= p[classOther] {
		return Verdict{Kind: knowledge.VerdictDecline, Category: declineReason[dc], Pattern: modelPattern(dc, dp), Lang: v.Lang, Teen: v.Teen}
	}
	if v.Kind != knowledge.VerdictDecline || v.Category != "manipulation" {
		concern := p.Crisis() + p[classConcernSelfHarm] + p[classConcernAbuse]
		// A teenager's ordinary question is not a sign of risk to a minor:
		// the teen notice already names Childhelp.
		teenOnly := v.Teen && class == classMinor
		if concern >= th.ConcernMin && class != classPast && class != classOther && !teenOnly && !t.deniesHits(toks, hits, crisisCategory[class]) {
			v.Concern = crisisCategory[class]
		}
	}
	return v
}

// recentWords: a longer message is read on its own by ClassifyAfter.
const recentWords = 15

// ClassifyAfter decides what to do with a message that follows the answer
// from entry last. It is Classify, except that right after an answer about
// the past (triage.yaml past.recent.after), a short message saying it
// happened just now ("it happened this morning", "this was yesterday") is
// a crisis of that category, unless it denies one.
//
// The other way, a short follow-up of an ordinary answer that the model
// alone calls a crisis without being sure (below ContextSure) and without
// naming any risk ("its not that, i just dont want it" after erections, "if
// i go alone will she tell him stuff" after couples therapy) is read as the
// continuation it is: the middle tier, an answer with the line of help on
// top, not a crisis-only reply.
//
// Right after a crisis reply of category crisis, a short message asking for
// help now (triage.yaml after_crisis) is that crisis again, and any other
// message that is no crisis of its own carries its line of help (Concern).
func (t *Triage) ClassifyAfter(message, last, crisis string) Verdict {
	toks := fold(message)
	v := t.classify(toks)
	if crisis != "" {
		// A short message asking for help now ("should i go to the
		// hospital"), read once for both cases below.
		plea := func() bool {
			return len(toks) > 0 && len(toks) <= recentWords && t.anyPhrase(toks, t.afterCrisis, t.anchors.hits(toks))
		}
		switch {
		case v.Kind == knowledge.VerdictCrisis && v.Model > 0 && v.Model < t.Thresholds.ContextSure && v.Category != crisis && plea():
			// The model alone, unsure which crisis a short plea is, does
			// not move the conversation to another one.
			return Verdict{Kind: knowledge.VerdictCrisis, Category: crisis, Pattern: "asks for help right after a crisis reply (" + v.Pattern + ")", Lang: v.Lang, Teen: v.Teen}
		case v.Kind == knowledge.VerdictCrisis && v.Category != crisis && v.Also == "":
			// A crisis of another category the model is sure of ("last
			// night he actually forced me, what do i do right now" after a
			// partner's threats): its reply, with the last crisis's line
			// of help kept as the second.
			v.Also = crisis
			return v
		case v.Kind == "" && !v.Past:
			if !t.denies(toks, crisis) && plea() {
				return Verdict{Kind: knowledge.VerdictCrisis, Category: crisis, Pattern: "asks for help right after a crisis reply", Lang: v.Lang, Teen: v.Teen}
			}
			if v.Concern == "" {
				v.Concern = crisis
			}
			return v
		}
	}
	if last == "" {
		return v
	}
	if v.Kind == knowledge.VerdictCrisis && v.Model > 0 && (v.short ||
		v.Model < t.Thresholds.ContextSure && len(toks) <= recentWords && !mentionsRisk(toks)) {
		// Below, the rule for a recent event after an answer about the
		// past may still make it a crisis ("it was last night" after
		// healing from sexual trauma).
		v = Verdict{Concern: v.Category, Pattern: v.Pattern + ", a follow-up of " + last + " naming no risk", Lang: v.Lang, Teen: v.Teen}
	}
	cat, ok := t.rules.Past.Recent.After[last]
	if !ok || v.Kind != "" || t.Mode == ModelOnly {
		return v
	}
	if len(toks) == 0 || len(toks) > recentWords || t.denies(toks, cat) {
		return v
	}
	hits := t.anchors.hits(toks)
	if !t.anyPhrase(toks, t.recent, hits) || t.anyPhrase(toks, t.past, hits) {
		return v
	}
	return Verdict{Kind: knowledge.VerdictCrisis, Category: cat, Pattern: "recent, right after " + last, Lang: v.Lang, Teen: v.Teen}
}

func modelPattern(class int, prob float32) string {
	return fmt.Sprintf("model: %s %.2f", className[class], prob)
}

var className = [numClasses]string{"other", "crisis/self-harm", "crisis/sexual-assault", "crisis/abuse", "crisis/minor", "concern/self-harm", "concern/abuse", "past",
	"decline/explicit", "decline/medical-advice", "decline/manipulation"}

// statesMinorAge reports a stated age under 18: "im 15", "i am 16", "15 yo",
// "i'm fourteen", "16 and never been kissed", "tengo 15", "j'ai 14 ans",
// "in 9th grade", "year 10", "sophomore here".
func statesMinorAge(toks []token) bool {
	for i, tk := range toks {
		n, isNum := number(tk.text)
		minor := isNum && n >= 10 && n < 18
		if minor && isAge(toks, i, true) {
			return true
		}
		if minor && (i > 0 && teenAgePrefix[toks[i-1].text] && (i+1 == len(toks) || !timeUnits[toks[i+1].text]) ||
			i+1 < len(toks) && teenAgeSuffix[toks[i+1].text] && !timeAgo(toks, i)) {
			return true
		}
		// A message that opens with the age: "16 and never kissed", "15, normal?"
		if minor && i == 0 && (len(toks) == 1 || !timeUnits[toks[1].text]) {
			return true
		}
		if n, ok := ageWords[tk.text]; ok && n < 18 && i > 0 && (agePrefix[toks[i-1].text] || teenAgePrefix[toks[i-1].text]) {
			return true
		}
		if i+1 < len(toks) && (tk.text == "grade" || tk.text == "year") {
			if n, ok := number(toks[i+1].text); ok && n >= 6 && n <= 12 {
				return true
			}
		}
		if i+1 < len(toks) && (toks[i+1].text == "grade" || toks[i+1].text == "grader") && gradeWords[tk.text] {
			return true
		}
		// "in der 9. Klasse", "9 grade"
		if n, ok := number(tk.text); ok && n >= 5 && n <= 12 && i+1 < len(toks) && (toks[i+1].text == foldedKlasse || toks[i+1].text == "grade") {
			return true
		}
		if schoolYears[tk.text] || schoolYear(toks, i) {
			return true
		}
		if minor && n >= 12 && bareAge(toks, i) {
			return true
		}
	}
	return false
}

// timeAgo reports a number at toks[i] that counts years ago or since
// ("hace 10 años", "il y a 15 ans"), not the writer's age ("on a 17 ans").
func timeAgo(toks []token, i int) bool {
	return i > 0 && (durationBefore[toks[i-1].text] || toks[i-1].text == "a" && i > 1 && toks[i-2].text == "y")
}

// bareAge reports a number (12 to 17) at toks[i] that can only be the
// writer's age: the last word of the message ("is it normal that it curves
// a little? 15"), or after a word that introduces one ("almost 16",
// "turning 15", "gay, 16", "m/15", "f17", "we're 15", "sweet 16"), and not
// followed by a unit ("turning 15 minutes", "still 14 days late").
func bareAge(toks []token, i int) bool {
	if i+1 < len(toks) && (timeUnits[toks[i+1].text] || countUnits[toks[i+1].text]) || parentsChild(toks, i) {
		return false
	}
	if i == 0 {
		return false
	}
	prev := toks[i-1].text
	if i == len(toks)-1 && !countBefore[prev] {
		return true
	}
	if i+2 < len(toks) && toks[i+1].text == "and" && ageAndNext[toks[i+2].text] && !countBefore[prev] {
		return true // "... just a phase. 16 and i keep going back and forth"
	}
	switch {
	case bareAgePrefix[prev]:
		return true
	case prev == "are": // "we are 15"
		return i >= 2 && toks[i-2].text == "we"
	case prev == "were": // "we're 15", not "when we were 15"
		return i < 2 || toks[i-2].text != "we" && toks[i-2].text != "when"
	}
	return false
}

// schoolYear reports a school year only teenagers are in, named at toks[i]:
// "secondaire 3", "je suis en seconde", "4º de la ESO", "9º ano", "1º de
// bachillerato", "yr 11", "in form 4", "junior high", "a junior in hs",
// "middle schooler", "GCSEs", "my quinceañera", "2do de secu", "2 ano do
// ensino medio", "en 4e".
func schoolYear(toks []token, i int) bool {
	at := func(j int) string {
		if j < 0 || j >= len(toks) {
			return ""
		}
		return toks[j].text
	}
	num := func(j int) int {
		n, ok := number(at(j))
		if !ok {
			return -1
		}
		return n
	}
	switch tk := toks[i].text; tk {
	case "secondaire":
		return num(i+1) >= 1 && num(i+1) <= 5 || num(i-1) >= 1 && num(i-1) <= 5
	case "seconde", "terminale", "troisieme", "quatrieme":
		return at(i-1) == "en"
	case "eso":
		return num(i-1) >= 1 && num(i-1) <= 4 || at(i-1) == "la" && (at(i-2) == "de" || at(i-2) == "en")
	case "ano":
		return num(i-1) >= 6 && num(i-1) <= 9
	case foldedBachillerato:
		return num(i-1) == 1 || num(i-1) == 2 || num(i-2) == 1 || num(i-2) == 2
	case "yr":
		return num(i+1) >= 7 && num(i+1) <= 12
	case "form":
		return at(i-1) == "in" && num(i+1) >= 1 && num(i+1) <= 5
	case "junior": // "junior high", "a junior in hs", "junior in high school"
		return at(i+1) == "high" || at(i+1) == "in" && (at(i+2) == "hs" || at(i+2) == "high")
	case foldedMiddle:
		return at(i+1) == foldedSchooler || at(i+1) == foldedSchool && at(i-1) == "in" && at(i-2) != "was" && at(i-2) != "were"
	case "gcses", "gcse":
		return at(i-1) != "after" && at(i-1) != "did" && at(i-2) != "after" && at(i-2) != "did"
	case "quinceanera":
		return i == 0 || at(i-1) == "my"
	case "secu": // "voy en 2do de secu" (Mexico: 12 to 15)
		return at(i-1) == "de" && (num(i-2) >= 1 && num(i-2) <= 3 || secuYears[at(i-2)])
	case "medio": // "sou do 2 ano do ensino medio", "to no ensino medio"
		return at(i-1) == "ensino" && (at(i-2) == "do" && at(i-3) == "ano" || at(i-2) == "no" && presentBe[at(i-3)])
	case "ae", "ge", "6e", "eme", "aeme", "geme", "2nde", "iere": // "en 4e", "en 6e", "en 3ème", "en 2nde", "en 1ère" as fold leaves them
		return at(i-1) == "en"
	}
	return false
}

var (
	// Words before a number that make it an age: "almost 16", "turning 15",
	// "gay, 16", "m/15", "sweet 16".
	bareAgePrefix = foldKeys(map[string]bool{"almost": true, "turning": true, "turned": true, "nearly": true, "still": true,
		"gay": true, "bi": true, "trans": true, "girl": true, "boy": true, "guy": true, "m": true, "f": true, "nb": true, "sweet": true})
	// Words after "{age} and" that go on about the writer: "16 and i keep".
	ageAndNext = foldKeys(map[string]bool{"i": true, "im": true, "ive": true, "my": true, "everyone": true, "still": true, "never": true})
	// Words before a number that make it a count: "day 14", "took 15".
	countBefore = foldKeys(map[string]bool{"day": true, "days": true, "cd": true, "dpo": true, "cycle": true, "week": true, "weeks": true,
		"page": true, "size": true, "mg": true, "number": true, "no": true, "top": true, "took": true, "take": true, "taking": true,
		"ate": true, "x": true, "by": true, "of": true, "about": true, "around": true, "like": true, "over": true, "under": true,
		"than": true, "the": true, "last": true, "past": true, "for": true, "every": true, "per": true, "level": true, "chapter": true,
		"episode": true, "season": true, "version": true, "a": true, "from": true, "to": true, "and": true, "or": true, "is": true, "was": true, "be": true})
	// Units after a number that make it a count: "15 mg", "16 inches".
	countUnits = foldKeys(map[string]bool{"mg": true, "ml": true, "inches": true, "inch": true, "in": true, "cm": true, "mm": true,
		"lbs": true, "lb": true, "kg": true, "pounds": true, "percent": true, "dollars": true, "bucks": true, "euros": true,
		"tabs": true, "people": true, "guys": true, "partners": true, "of": true, "or": true, "to": true, "more": true})
	foldedSchooler, foldedSchool, foldedMiddle = foldWord("schooler"), foldWord("school"), foldWord("middle")
	foldedBachillerato                         = foldWord("bachillerato")
	// "1ro", "2do", "3ro" de secu, as fold leaves them.
	secuYears = map[string]bool{foldWord("1ro"): true, foldWord("2do"): true, foldWord("3ro"): true, "primero": true, "segundo": true, "tercero": true}
	// "to", "tou", "estou", "sou": the writer is (now) in a school year.
	presentBe = map[string]bool{"to": true, "tou": true, "estou": true, "sou": true}
)

var (
	// Words before an age, in the five languages: "at 14", "tengo 15",
	// "tenho 14", "j'ai 13", "bin 15", "i have 16".
	teenAgePrefix = foldKeys(map[string]bool{"at": true, "youre": true, "tengo": true, "tenho": true, "jai": true, "bin": true, "have": true, "hab": true, "with": true, "both": true})
	// Words before "N años/anos/ans/Jahre" that make it a time, not an
	// age: "hace 10 años", "há 12 anos", "vor 12 Jahren",
	// "depuis 10 ans", "durante 11 años".
	durationBefore = foldKeys(map[string]bool{"hace": true, "ha": true, "faz": true, "vor": true, "seit": true, "depuis": true,
		"durante": true, "desde": true, "por": true, "pendant": true, "fait": true, "uns": true, "unos": true})
	// Words after an age: "15 here", "16 anos", "14 ans", "14 Jahre".
	teenAgeSuffix = foldKeys(map[string]bool{"here": true, "anos": true, "ans": true, "jahre": true, "jahren": true, "yr": true, "yrs": true, "yo": true, "btw": true})
	// Units that make an opening number a count, not an age: "14 days late".
	timeUnits = foldKeys(map[string]bool{"days": true, "day": true, "weeks": true, "week": true, "months": true, "month": true, "hours": true, "hour": true, "minutes": true, "min": true, "mins": true, "times": true, "pills": true, "years": true, "year": true, "dias": true, "jours": true, "tage": true, "semanas": true})
	// School years that only teenagers are in.
	schoolYears = foldKeys(map[string]bool{"sophomore": true, "freshman": true, "8th": false,
		"lycee": true, "lyceen": true, "lyceenne": true, "collegien": true, "collegienne": true, "secundaria": true, "realschule": true})
)

// foldedKlasse is "Klasse" (German school year) as fold leaves it.
var foldedKlasse = foldWord("klasse")

// Number words, folded as messages are ("fifteen" becomes "fiften").
var ageWords = foldKeys(map[string]int{"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "twelve": 12, "eleven": 11})

var gradeWords = foldKeys(map[string]bool{"6th": true, "7th": true, "8th": true, "9th": true, "10th": true, "11th": true, "12th": true,
	"sixth": true, "seventh": true, "eighth": true, "ninth": true, "tenth": true, "eleventh": true, "twelfth": true})

// foldWord is w as fold leaves it in a message.
func foldWord(w string) string {
	if toks := fold(w); len(toks) == 1 {
		return toks[0].text
	}
	return w
}

func foldKeys[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[foldWord(k)] = v
	}
	return out
}

// stopwords are frequent words that tell the four other languages apart
// from English and from each other (folded: no accents).
var stopwords = map[string][]string{
	"es": {"el", "la", "los", "las", "que", "de", "y", "en", "un", "una", "es", "por", "con", "para", "mi", "me", "no", "pero", "estoy", "quiero", "tengo", "novio", "novia", "como", "porque", "muy", "ya", "yo", "su", "esta", "hace", "nada", "vida", "solo", "puedo", "cuando", "ayuda"},
	"pt": {"o", "a", "os", "as", "que", "de", "e", "em", "um", "uma", "nao", "com", "para", "meu", "minha", "eu", "estou", "quero", "tenho", "namorado", "namorada", "voce", "vc", "mais", "muito", "ele", "ela", "isso", "sei", "pra", "mim", "ja", "nada", "vida", "so", "posso", "quando", "ajuda"},
	"fr": {"le", "la", "les", "que", "de", "et", "en", "un", "une", "est", "pas", "je", "j", "suis", "mon", "ma", "mes", "avec", "pour", "ne", "il", "elle", "veux", "plus", "tout", "copain", "copine", "ca", "c", "qu", "moi", "rien", "vie", "quand", "aide", "dans", "sur"},
	"de": {"der", "die", "das", "und", "ich", "nicht", "ist", "mit", "mein", "meine", "ein", "eine", "zu", "mich", "mir", "bin", "will", "habe", "hab", "auch", "aber", "es", "was", "wie", "freund", "freundin", "kann", "nur", "mehr", "leben", "wenn", "hilfe", "sich", "auf", "den"},
	"en": {"the", "a", "i", "im", "and", "to", "of", "my", "is", "it", "in", "that", "me", "with", "for", "what", "do", "you", "he", "she", "we", "this", "can", "not", "dont", "want", "have", "how", "be", "am", "are", "was", "just", "so", "like", "about", "when", "if"},
}

// languageOrder is the order language counts in; English first.
var languageOrder = [...]string{"en", "es", "pt", "fr", "de"}

// stopwordLangs maps a folded stopword to the languages (bits in the order
// of languageOrder) it is frequent in: one look-up per word.
var stopwordLangs = func() map[string]uint8 {
	out := map[string]uint8{}
	for i, lang := range languageOrder {
		for _, w := range stopwords[lang] {
			out[foldWord(w)] |= 1 << i
		}
	}
	return out
}()

// language guesses the language of a message from its frequent words; ""
// means English (or too short to tell).
func language(toks []token) string {
	var n [len(languageOrder)]int
	for _, tk := range toks {
		if bits := stopwordLangs[tk.text]; bits != 0 {
			for i := range n {
				n[i] += int(bits >> i & 1)
			}
		}
	}
	best, bestN := "", 0
	for i, lang := range languageOrder[1:] {
		if n[i+1] > bestN {
			best, bestN = lang, n[i+1]
		}
	}
	if bestN >= 2 && bestN > n[0] {
		return best
	}
	return ""
}

// also is the most likely crisis category other than cat, if the model
// gives it at least min.
func (p Probabilities) also(cat string, min float32) string {
	if min <= 0 {
		return ""
	}
	best, bestP := "", min
	for c := classSelfHarm; c <= classMinor; c++ {
		if crisisCategory[c] != cat && p[c] >= bestP {
			best, bestP = crisisCategory[c], p[c]
		}
	}
	return best
}
