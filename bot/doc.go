// Package bot is Confidant's conversation, independent of any chat service:
// a Responder turns one message into one knowledge.Reply (cleaning, safety
// triage, search, the confidence decision). It also holds the operations
// around that conversation: swapping in a reloaded corpus (Reloader) and
// counting replies for the statistics (Tally). It imports no discordgo.
package bot
