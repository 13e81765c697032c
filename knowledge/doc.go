// Package knowledge holds Confidant's curated corpus: the FAQ entries, the
// referral wording, the search vocabulary and the safety triggers, how they
// are loaded from Markdown and YAML files, how they are validated, and the
// Reply that the bot renders from them.
//
// It imports neither bleve nor discordgo: search lives in package index and
// Discord in package bot/discord.
package knowledge
