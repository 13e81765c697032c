package store_test

import (
	"testing"

	"github.com/confidant-bot/confidant/bot/store"
)

func TestScrub(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "Is it normal   to bleed\nafter sex?", "Is it normal to bleed after sex?"},
		{"email", "write me at jane.doe+x@example.co.uk please", "write me at [removed] please"},
		{"phone international", "call +1 (555) 123-4567 now", "call [removed] now"},
		{"phone dashes", "my number is 555-123-4567.", "my number is [removed]."},
		{"phone dots", "text 555.123.4567", "text [removed]"},
		{"phone local", "ring 123-4567", "ring [removed]"},
		{"phone plus", "+44 20 7946 0958 is mine", "[removed] is mine"},
		{"url", "see https://example.com/a?b=c and www.foo.org/x", "see [removed] and [removed]"},
		{"bare domain", "join discord.gg/abc123 for more", "join [removed] for more"},
		{"user mention", "ask <@123456789012345678> about it", "ask [removed] about it"},
		{"nick mention", "ask <@!123456789012345678>", "ask [removed]"},
		{"role mention", "<@&123456789012345678> help", "[removed] help"},
		{"channel mention", "in <#123456789012345678> they said", "in [removed] they said"},
		{"short mention", "hi <@123>", "hi [removed]"},
		{"everyone", "@everyone is it ok", "[removed] is it ok"},
		{"here", "hey @here", "hey [removed]"},
		{"handle", "my ex @some_guy said so", "my ex [removed] said so"},
		{"snowflake", "message 987654321098765432 was deleted", "message [removed] was deleted"},
		{"six digits", "code 123456", "code [removed]"},
		{"adjacent", "<@1> <@2>, <#3>", "[removed]"},
		{"age kept", "I'm 19 and 20 days late", "I'm 19 and 20 days late"},
		{"date kept", "since 2024-01-15 it hurts", "since 2024-01-15 it hurts"},
		{"year range kept", "between 1990-2000", "between 1990-2000"},
		{"five digits kept", "12345 steps", "12345 steps"},
		{"empty", "  ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := store.Scrub(tc.in)
			if got != tc.want {
				t.Errorf("Scrub(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := store.Scrub(got); again != got {
				t.Errorf("Scrub(Scrub(%q)) = %q, want %q", tc.in, again, got)
			}
		})
	}
}
