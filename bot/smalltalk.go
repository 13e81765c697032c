package bot

// Small talk: messages that are not questions get a warm fixed reply from
// the corpus's smalltalk.yaml instead of a search.

import (
	"strings"
	"unicode"

	"github.com/confidant-bot/confidant/knowledge"
)

// talkWords lowercases s and keeps only its words (letters, digits and
// apostrophes dropped inside words: "what's" is "whats"), with the chat
// spellings of talkSpelling written out.
func talkWords(s string) []string {
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "'", ""), "’", ""))
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if full, ok := talkSpelling[w]; ok {
			words[i] = full
		}
	}
	return words
}

// talkSpelling: chat spellings of the words small talk is made of ("what
// can u do", "who r u").
var talkSpelling = map[string]string{"u": "you", "ya": "you", "r": "are", "ur": "your", "wat": "what", "wut": "what", "wht": "what", "cn": "can"}

// smallTalk finds the intent of a message that is only small talk. rest is
// what remains after a leading greeting ("hi, why does it hurt" -> "why
// does it hurt"); when rest is not empty the message is a question.
func smallTalk(st knowledge.SmallTalk, q string) (intent string, rest string) {
	words := talkWords(q)
	filler := map[string]bool{}
	for _, f := range st.Filler {
		filler[f] = true
	}
	keep := func(ws []string) []string {
		var out []string
		for _, w := range ws {
			if !filler[w] && strings.Trim(w, "0123456789") != "" {
				out = append(out, w)
			}
		}
		return out
	}
	kept := keep(words)
	if len(kept) == 0 {
		if len(words) > 0 {
			return "ok", ""
		}
		return "", q
	}
	joined := strings.Join(kept, " ")
	for _, in := range knowledge.SmallTalkIntents {
		for _, p := range st.Intents[in].Phrases {
			if joined == strings.Join(keep(talkWords(p)), " ") {
				return in, ""
			}
		}
	}
	// A greeting, then something else: answer the something else.
	for _, p := range st.Intents["greeting"].Phrases {
		pw := talkWords(p)
		if len(words) > len(pw) && strings.Join(words[:len(pw)], " ") == strings.Join(pw, " ") {
			return "", strings.Join(words[len(pw):], " ")
		}
	}
	return "", q
}

// smallTalkReply is the reply for an intent, with the example questions
// where the intent invites a question.
func smallTalkReply(st knowledge.SmallTalk, intent string, teen string) knowledge.Reply {
	msg := strings.TrimSpace(st.Intents[intent].Reply)
	switch intent {
	case "greeting", "help", "who", "can-ask":
		var b strings.Builder
		b.WriteString(msg)
		for _, ex := range st.Examples {
			b.WriteString("\n- " + ex)
		}
		msg = b.String()
	}
	rep := knowledge.Reply{Kind: knowledge.KindSmallTalk, Category: intent, Message: msg, Reason: "small talk: " + intent}
	if intent == "can-ask" && teen != "" {
		rep.Notice = teen
	}
	return rep
}

// isFollowUp reports a short message that starts like a continuation of
// the previous answer ("what about for women?", "how much does it cost").
func isFollowUp(st knowledge.SmallTalk, q string) bool {
	words := talkWords(q)
	if len(words) == 0 || len(words) > 12 {
		return false
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, cue := range st.FollowupCues {
		if strings.HasPrefix(joined, " "+strings.Join(talkWords(cue), " ")+" ") {
			return true
		}
	}
	// Pronouns with no topic of their own: "does it go away", "is that normal".
	for _, w := range words {
		switch w {
		case "it", "that", "this", "they", "them", "those", "he", "she":
			return len(words) <= 8
		}
	}
	return false
}
