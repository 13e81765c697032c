// Package discord carries the conversation to Discord and is the only
// package that imports discordgo: the gateway (direct messages), the
// interaction handler shared by the gateway and the HTTP endpoint, rendering
// a reply into embeds and components, the per-person rate limit, and the
// /faq moderator commands (one file per command family).
package discord
