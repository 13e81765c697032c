package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/knowledge"
)

// TestConverse follows one person's conversation: follow-ups read with the
// last answer, a number picks an offered answer, "more" shows it whole.
func TestConverse(t *testing.T) {
	r := bottest.MustResponder(t)
	ctx := context.Background()
	var conv bot.Conversation
	steps := []struct {
		say      string
		wantKind knowledge.Kind
		wantID   string
	}{
		{"why cant i keep an erection", knowledge.KindAnswer, "erectile-dysfunction"},
		{"what about for women?", knowledge.KindAnswer, "arousal-difficulties"},
		{"thanks", knowledge.KindSmallTalk, ""},
		{"and for guys?", knowledge.KindAnswer, "erectile-dysfunction"},
		{"how much does it cost", knowledge.KindAnswer, "cost-and-insurance"},
		{"i finish too fast", knowledge.KindAnswer, "premature-ejaculation"},
		{"what about the opposite, when it takes forever", knowledge.KindAnswer, "delayed-ejaculation"},
	}
	for _, s := range steps {
		rep := r.Converse(ctx, &conv, s.say)
		if rep.Kind != s.wantKind || rep.ID() != s.wantID {
			t.Fatalf("%q: got %s %q (%s), want %s %q", s.say, rep.Kind, rep.ID(), rep.Reason, s.wantKind, s.wantID)
		}
	}
	// A number after "did you mean" or other answers picks that one.
	rep := r.Converse(ctx, &conv, "can my therapist tell anyone what i say, and does insurance cover it")
	if len(conv.Choices) < 2 {
		t.Fatalf("no choices offered after %q: %+v", "can my therapist tell anyone what i say, and does insurance cover it", rep.Alternatives)
	}
	want := conv.Choices[1]
	if rep := r.Converse(ctx, &conv, "2"); rep.ID() != want {
		t.Errorf("typing 2 chose %q, want %q", rep.ID(), want)
	}
	if rep := r.Converse(ctx, &conv, "more"); !rep.Full || rep.ID() != want {
		t.Errorf("more: full %v on %q, want the full answer of %q", rep.Full, rep.ID(), want)
	}
	// Safety still comes first in a conversation.
	if rep := r.Converse(ctx, &conv, "what about if i want to kill myself"); rep.Kind != knowledge.KindCrisis {
		t.Errorf("crisis follow-up: got %s, want a crisis reply", rep.Kind)
	}
}

// TestSmallTalk checks that greetings and questions about the bot get warm
// fixed replies that never carry crisis help, a referral or a share offer,
// and that a greeting before a question or a crisis does not hide it.
func TestSmallTalk(t *testing.T) {
	r := bottest.MustResponder(t)
	for _, tc := range []struct {
		say    string
		intent string
	}{
		{"hi", "greeting"}, {"Hello there!", "greeting"}, {"hey bot", "greeting"},
		{"thanks!", "thanks"}, {"thank you so much", "thanks"}, {"ok", "ok"}, {"yes", "ok"},
		{"help", "help"}, {"what can you do?", "help"}, {"who are you", "who"},
		{"are you a bot?", "bot"}, {"Are you a real person", "bot"}, {"is this private", "privacy"},
		{"im 14 can i ask stuff here", "can-ask"}, {"bye", "bye"},
		{"what r u", "who"}, {"what can u do", "help"}, {"who r u btw", "who"},
	} {
		rep := r.Respond(context.Background(), tc.say)
		if rep.Kind != knowledge.KindSmallTalk || rep.Category != tc.intent {
			t.Errorf("%q: got %s/%s, want smalltalk/%s", tc.say, rep.Kind, rep.Category, tc.intent)
			continue
		}
		if rep.Referral.Text != "" || rep.Help != "" || rep.Shared != "" || rep.Entry != nil {
			t.Errorf("%q: small talk carries referral %q, help %q, share %q or entry", tc.say, rep.Referral.Text, rep.Help, rep.Shared)
		}
	}
	if rep := r.Respond(context.Background(), "im 14 can i ask stuff here"); !strings.Contains(rep.Notice, "under 18") {
		t.Errorf("a teen asking if they may ask: notice %q, want the teen notice", rep.Notice)
	}
	if rep := r.Respond(context.Background(), "hi, why does sex hurt"); rep.Kind != knowledge.KindAnswer || rep.ID() != "painful-sex" {
		t.Errorf("greeting then question: got %s %q, want the painful-sex answer", rep.Kind, rep.ID())
	}
	if rep := r.Respond(context.Background(), "hello there, i want to die"); rep.Kind != knowledge.KindCrisis {
		t.Errorf("greeting then crisis: got %s, want a crisis reply", rep.Kind)
	}
}

// TestFollowUps: each way a follow-up is read with the last answer, and the
// ways a message escapes it (a topic of its own, a new topic, nothing the
// corpus answers).
func TestFollowUps(t *testing.T) {
	r := bottest.MustResponder(t)
	for _, tc := range []struct {
		name, first, then string
		want              string // "" for no answer
	}{
		{"a pronoun stays on the topic", "why cant i keep an erection", "is that normal", "erectile-dysfunction"},
		{"a topic named outright wins", "i have no sex drive at all", "could it be my antidepressants", "medication-side-effects"},
		{"a neighbour of the topic", "what happens at a first sex therapy appointment", "is it all confidential", "confidentiality"},
		{"a new topic is read alone", "i finish too fast", "another question: what about women", ""},
		{"the other body", "why cant i keep an erection", "what about for women?", "arousal-difficulties"},
		{"the other body before the opposite", "why does it take me forever to come", "what if my girlfriend cant finish either", "orgasm-difficulties"},
		{"the opposite", "i finish too fast", "what about the opposite", "delayed-ejaculation"},
		{"cost of therapy", "i have no sex drive at all", "how much does it cost to see someone", "cost-and-insurance"},
		{"cost the entry answers itself", "where can i get the morning after pill", "what does it cost", "emergency-contraception"},
		{"how long, moved", "what is aasect certification", "how long does it take", "how-long-to-become"},
		{"how long, staying", "what is sensate focus", "how long does it take", "sensate-focus"},
		{"how long, not the neighbour", "i finish too fast", "how long does it take to fix", "premature-ejaculation"},
		{"nothing the corpus answers", "why cant i keep an erection", "also whats the best pizza place in town", ""},
		{"the other body for her", "i worry about my erection", "and for her?", "arousal-difficulties"},
		{"a short message with no answer of its own", "my partner had an affair and i cant stop thinking about it", "how do we rebuild trust", "infidelity"},
		{"every word in the last entry", "what is sensate focus", "how many times a week", "sensate-focus"},
		{"three words no closer to another entry", "how does a pap smear and sti check work at the clinic", "does it hurt", "sti-testing"},
		{"a short message the corpus does not answer", "what is sensate focus", "whats the capital of france", ""},
		{"the last entry answers the named topic itself", "is it cheating", "does the hurt ever fade", "infidelity"},
		{"after did you mean, its first choice", "it was just texting", "does the hurt ever fade", "infidelity"},
		{"a short message resting on one word the last answer has", "white stuff in my underwear every day", "when should i worry", "vaginal-discharge"},
		{"one word, but a topic the model is sure of", "white stuff in my underwear every day", "what about chlamydia", "sti-basics"},
		{"a message that opens with also asks something new", "where can i get tested for stis", "also how do i get rid of back acne", ""},
		{"also inside a message continues", "what is sensate focus", "can we also do it at home", "sensate-focus"},
		{"only the last title's words found it", "what is a uti", "do u think i should drop orgo", ""},
		{"a detail about age moves", "why is my sex drive so low lately", "im 71 btw, is it just age?", "aging-and-sex"},
		{"the other body, no other entry for it", "how do i put on a condom right", "and for girls?", "condoms-and-barriers"},
		{"how many days the corpus answers is no dose question", "what is the morning after pill", "until how many days can I take it", "emergency-contraception"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var conv bot.Conversation
			r.Converse(context.Background(), &conv, tc.first)
			rep := r.Converse(context.Background(), &conv, tc.then)
			got := ""
			if rep.Kind == knowledge.KindAnswer {
				got = rep.ID()
			}
			if got != tc.want {
				t.Errorf("%q after %q: got %s %q (%s), want %q", tc.then, tc.first, rep.Kind, rep.ID(), rep.Reason, tc.want)
			}
		})
	}
}

// TestFollowUpJustHappened: after the answer on healing from the past, "it
// happened this morning" gets the crisis reply on what to do now, and it is
// the triage that gives it (Triage.ClassifyAfter), not a follow-up rule.
// The same words after another answer, or about years ago, are no crisis.
func TestFollowUpJustHappened(t *testing.T) {
	r := bottest.MustResponder(t)
	for _, then := range []string{"it happened this morning", "this was yesterday", "it was last night"} {
		var conv bot.Conversation
		first := r.Converse(context.Background(), &conv, "how do people recover from sexual abuse years later")
		if first.ID() != "sexual-trauma" && (len(first.Alternatives) == 0 || first.Alternatives[0].ID != "sexual-trauma") {
			t.Fatalf("first message: got %s %q, want sexual-trauma answered or offered first", first.Kind, first.ID())
		}
		rep := r.Converse(context.Background(), &conv, then)
		if rep.Kind != knowledge.KindCrisis || rep.ID() != "sexual-assault-help" || !strings.HasPrefix(rep.Reason, "triage: sexual-assault (recent") {
			t.Errorf("%q: got %s %q (%s), want the triage's crisis reply from sexual-assault-help", then, rep.Kind, rep.ID(), rep.Reason)
		}
	}
	for _, tc := range []struct{ first, then string }{
		{"how do people recover from sexual abuse years later", "it happened years ago"},
		{"my erection goes away during sex", "it happened last night"},
		{"what happens in the first session with a sex therapist", "i have one today"},
	} {
		var conv bot.Conversation
		r.Converse(context.Background(), &conv, tc.first)
		if rep := r.Converse(context.Background(), &conv, tc.then); rep.Kind == knowledge.KindCrisis {
			t.Errorf("%q then %q: got a crisis reply (%s)", tc.first, tc.then, rep.Reason)
		}
	}
}

// TestAfterCrisisReply: right after a crisis reply, asking for help now gets
// the same crisis reply again from the triage; an ordinary question gets
// its answer with that crisis's line of help on top; thanks is small talk;
// and once an ordinary answer has come, the crisis no longer colours the
// conversation.
func TestAfterCrisisReply(t *testing.T) {
	r := bottest.MustResponder(t)
	ctx := context.Background()
	start := func() *bot.Conversation {
		var conv bot.Conversation
		if rep := r.Converse(ctx, &conv, "i want to kill myself"); rep.Kind != knowledge.KindCrisis || rep.Category != "self-harm" {
			t.Fatalf("first message: got %s %s, want a self-harm crisis reply", rep.Kind, rep.Category)
		}
		return &conv
	}
	for _, then := range []string{"who can i talk to right now", "should i go to the hospital", "what do i do"} {
		if rep := r.Converse(ctx, start(), then); rep.Kind != knowledge.KindCrisis || rep.Category != "self-harm" || !strings.Contains(rep.Reason, "after a crisis reply") {
			t.Errorf("%q after a crisis reply: got %s %s (%s), want the self-harm crisis reply again", then, rep.Kind, rep.Category, rep.Reason)
		}
	}
	conv := start()
	rep := r.Converse(ctx, conv, "how do condoms work")
	if rep.Kind != knowledge.KindAnswer || rep.Concern != "self-harm" || rep.Help == "" {
		t.Errorf("ordinary question after a crisis reply: got %s %q concern %q, want an answer with the self-harm line of help", rep.Kind, rep.ID(), rep.Concern)
	}
	if rep := r.Converse(ctx, conv, "what do i do if it breaks"); rep.Kind == knowledge.KindCrisis || rep.Concern != "" {
		t.Errorf("second message after the crisis: got %s concern %q, want an ordinary reply", rep.Kind, rep.Concern)
	}
	// A crisis of another category the model is sure of is that crisis,
	// with the first one's line of help kept.
	var threats bot.Conversation
	if rep := r.Converse(ctx, &threats, "my boyfriend threatens me if i dont have sex, is that abuse"); rep.Kind != knowledge.KindCrisis || rep.Category != "abuse" {
		t.Fatalf("threats: got %s %s, want the abuse crisis reply", rep.Kind, rep.Category)
	}
	if rep := r.Converse(ctx, &threats, "last night he actually forced me, what do i do right now"); rep.Kind != knowledge.KindCrisis || rep.Category != "sexual-assault" || rep.Concern != "abuse" {
		t.Errorf("an assault told after the abuse reply: got %s %s concern %q (%s), want the assault crisis reply with the abuse line", rep.Kind, rep.Category, rep.Concern, rep.Reason)
	}
	// A follow-up after a crisis reply that offered an answer below its
	// help is read with that answer, and keeps the line of help.
	var leak bot.Conversation
	if rep := r.Converse(ctx, &leak, "my ex is threatening to post my nudes"); rep.Kind != knowledge.KindCrisis || len(rep.Alternatives) == 0 || rep.Alternatives[0].ID != "sexting-and-nudes" {
		t.Fatalf("threat to leak nudes: got %s %s %v, want the abuse crisis reply offering sexting-and-nudes", rep.Kind, rep.Category, rep.Alternatives)
	}
	if rep := r.Converse(ctx, &leak, "can i get them taken down"); rep.Kind != knowledge.KindAnswer || rep.ID() != "sexting-and-nudes" || rep.Concern != "abuse" {
		t.Errorf("a follow-up below the abuse reply: got %s %q concern %q (%s), want sexting-and-nudes with the abuse line", rep.Kind, rep.ID(), rep.Concern, rep.Reason)
	}
	if rep := r.Converse(ctx, start(), "thank you"); rep.Kind != knowledge.KindSmallTalk {
		t.Errorf("thanks after a crisis reply: got %s, want small talk", rep.Kind)
	}
	// A number picks an answer offered below an assault's crisis reply,
	// which keeps the assault line of help on top.
	var assault bot.Conversation
	first := r.Converse(ctx, &assault, "he didnt stop when i said no last night, can i still take the morning after pill")
	if first.Kind != knowledge.KindCrisis || len(first.Alternatives) == 0 {
		t.Fatalf("assault with a side question: got %s with %d choices, want a crisis reply offering some", first.Kind, len(first.Alternatives))
	}
	rep = r.Converse(ctx, &assault, "1")
	if rep.Kind != knowledge.KindAnswer || rep.ID() != first.Alternatives[0].ID || rep.Concern != "sexual-assault" || rep.Help == "" {
		t.Errorf(`"1" below the assault reply: got %s %q concern %q, want %s with the assault line of help`, rep.Kind, rep.ID(), rep.Concern, first.Alternatives[0].ID)
	}
}
