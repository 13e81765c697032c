package knowledge

import (
	"fmt"
	"strings"
)

// Kind is what sort of reply the bot gives.
type Kind string

const (
	// KindAnswer is a confident answer from one entry.
	KindAnswer Kind = "answer"
	// KindFallback is an unsure or out-of-scope reply: "did you mean" choices, or
	// an honest "I don't have a sourced answer for that".
	KindFallback Kind = "fallback"
	// KindDecline is a polite refusal (explicit content, medical advice, rule-breaking).
	KindDecline Kind = "decline"
	// KindCrisis puts crisis resources first and nothing else.
	KindCrisis Kind = "crisis"
	// KindSmallTalk answers a greeting, thanks or a question about the bot.
	KindSmallTalk Kind = "smalltalk"
)

// Alternative is another entry that might be what the person meant.
type Alternative struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

// Reply is everything the bot says in answer to one message. The same Reply
// is rendered as plain text on the console and as an embed on Discord.
type Reply struct {
	Kind Kind
	// Entry is the entry answered from (answer, crisis, and a decline that
	// points to a general entry); nil otherwise.
	Entry *Entry
	Score float64
	// Alternatives are "did you mean" choices (fallback) or other answers.
	Alternatives []Alternative
	Referral     Referral
	// Category is the crisis category or the decline reason, when there is one.
	Category string
	// Message is what the bot says before (or instead of) an entry: the
	// decline explanation, the fallback sentence, a short acknowledgement.
	Message string
	// Reason says why the bot decided as it did (for moderators and eval;
	// never shown to the person asking).
	Reason string
	// Shared is the question as it would be shared with moderators (scrubbed
	// of anything identifying), offered on a fallback; "" otherwise.
	Shared string
	// Notice is an extra line after the answer, such as support lines for a
	// topic that touches on past harm.
	Notice string
	// Concern is the crisis category of the middle tier: distress that is not
	// a clear crisis; on a crisis reply, a second crisis category likely in
	// the same message. Help is the line of help shown at the top for it
	// (or, on a crisis reply in another language, the reply itself).
	Concern string
	Help    string
	// Lang is the language of a crisis reply that is not English.
	Lang string
	// Full asks for the entry's whole answer rather than its summary.
	Full bool
}

// ShowsSummary reports a reply that shows the entry's short summary first;
// the full answer comes on request (Full, "Read the full answer", "more").
// Crisis replies always show everything.
func (r Reply) ShowsSummary() bool {
	return r.Kind == KindAnswer && !r.Full && r.Entry != nil && r.Entry.Summary != ""
}

// ShortReferral is the first sentence of the referral: the one line of
// "who can help" under a summary.
func (r Reply) ShortReferral() string {
	t := strings.TrimSpace(r.Referral.Text)
	if i := strings.Index(t, ". "); i > 0 {
		return t[:i+1]
	}
	return t
}

// MoreHint ends a summary in text replies.
const MoreHint = `Type "more" for the full answer.`

// Disclaimer ends every reply.
const Disclaimer = "General information from an automated bot, not medical advice."

// Title is the heading of the reply.
func (r Reply) Title() string {
	if r.Entry != nil {
		return r.Entry.Title
	}
	switch r.Kind {
	case KindFallback:
		switch r.Category {
		case "empty", "no-words", "too-long", "error":
			return "Could you ask that again?"
		}
		if len(r.Alternatives) > 0 {
			return "Did you mean…"
		}
		return "I don't have a sourced answer for that"
	case KindDecline:
		return "That's not something I can help with"
	case KindCrisis:
		return "Please reach out for help now"
	}
	return ""
}

// Sources are the sources of the entry answered from.
func (r Reply) Sources() []Source {
	if r.Entry == nil {
		return nil
	}
	return r.Entry.Sources
}

// ID is the entry id, or "".
func (r Reply) ID() string {
	if r.Entry == nil {
		return ""
	}
	return r.Entry.ID
}

// ListsChoices reports that the reply's alternatives are listed, numbered,
// in its text: "did you mean" choices, general entries beside a decline,
// and the ordinary answers below a crisis reply. (Under a confident answer
// they are "Other answers", offered apart.)
func (r Reply) ListsChoices() bool {
	return len(r.Alternatives) > 0 && (r.Kind == KindFallback || r.Kind == KindDecline || r.Kind == KindCrisis)
}

// ChoicesHeading is the line above the listed choices, if any.
func (r Reply) ChoicesHeading() string {
	switch r.Kind {
	case KindDecline:
		return "General information that may help:"
	case KindCrisis:
		return "If you were also asking about something else, these answers may fit (type a number or pick one):"
	}
	return ""
}

// Text renders the reply as plain text (with light Markdown), for the
// console and for tests.
func (r Reply) Text() string {
	var b strings.Builder
	if t := r.Title(); t != "" {
		fmt.Fprintf(&b, "**%s**\n\n", t)
	}
	if r.Help != "" {
		b.WriteString(r.Help)
		b.WriteString("\n\n")
	}
	if r.Message != "" {
		b.WriteString(r.Message)
		b.WriteString("\n\n")
	}
	switch {
	case r.ShowsSummary():
		b.WriteString(r.Entry.Summary)
		b.WriteString("\n\n" + MoreHint + "\n\n")
	case r.Entry != nil:
		b.WriteString(r.Entry.Body)
		b.WriteString("\n\n")
	}
	if r.Notice != "" {
		b.WriteString(r.Notice)
		b.WriteString("\n\n")
	}
	if r.ListsChoices() {
		if h := r.ChoicesHeading(); h != "" {
			b.WriteString(h + "\n")
		}
		for i, a := range r.Alternatives {
			fmt.Fprintf(&b, "%d. %s\n", i+1, a.Title)
		}
		b.WriteString("\n")
	}
	if src := r.Sources(); len(src) > 0 {
		b.WriteString("Sources:\n")
		for _, s := range src {
			fmt.Fprintf(&b, "- %s (%s): %s\n", s.Title, s.Publisher, s.URL)
		}
		b.WriteString("\n")
	}
	if r.Referral.Text != "" {
		who := r.Referral.Text
		if r.ShowsSummary() {
			who = r.ShortReferral()
		}
		fmt.Fprintf(&b, "Who can help: %s", who)
		if r.Referral.LinkURL != "" {
			fmt.Fprintf(&b, " %s: %s", r.Referral.LinkTitle, r.Referral.LinkURL)
		}
		b.WriteString("\n\n")
	}
	b.WriteString(Disclaimer)
	if r.Entry != nil && r.Entry.ReviewedDate() != "" {
		fmt.Fprintf(&b, " Reviewed %s.", r.Entry.ReviewedDate())
	}
	return b.String()
}
