// Package bot is Confidant's conversation logic: it turns one message into
// one knowledge.Reply (input cleaning, safety triage, search, the confidence
// decision) and carries it to people, on the console and on Discord. It is
// the only package that imports discordgo.
package bot
