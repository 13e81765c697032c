package store_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/store"
)

func TestScrub(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"plain", "Is it normal   to bleed\nafter sex?", "Is it normal to bleed after sex?"},
		{"email", "write me at jane.doe+x@example.co.uk please", "write me at [contact] please"},
		{"phone international", "call +1 (555) 123-4567 now", "call [contact] now"},
		{"phone dashes", "my number is 555-123-4567.", "my number is [contact]."},
		{"phone dots", "text 555.123.4567", "text [contact]"},
		{"phone local", "ring 123-4567", "ring [contact]"},
		{"phone plus", "+44 20 7946 0958 is mine", "[contact] is mine"},
		{"url", "see https://example.com/a?b=c and www.foo.org/x", "see [link] and [link]"},
		{"bare domain", "join discord.gg/abc123 for more", "join [link] for more"},
		{"user mention", "ask <@123456789012345678> about it", "ask [removed] about it"},
		{"nick mention", "ask <@!123456789012345678>", "ask [removed]"},
		{"role mention", "<@&123456789012345678> help", "[removed] help"},
		{"channel mention", "in <#123456789012345678> they said", "in [removed] they said"},
		{"short mention", "hi <@123>", "hi [removed]"},
		{"everyone", "@everyone is it ok", "[removed] is it ok"},
		{"here", "hey @here", "hey [removed]"},
		{"handle", "my ex @some_guy said so", "my ex [contact] said so"},
		{"snowflake", "message 987654321098765432 was deleted", "message [number] was deleted"},
		{"six digits", "code 123456", "code [number]"},
		{"adjacent", "<@1> <@2>, <#3>", "[removed]"},
		{"age kept", "I'm 19 and 20 days late", "I'm 19 and 20 days late"},
		{"date kept", "since 2024-01-15 it hurts", "since 2024-01-15 it hurts"},
		{"year range kept", "between 1990-2000", "between 1990-2000"},
		{"five digits kept", "12345 steps", "12345 steps"},
		{"empty", "  ", ""},

		// Names.
		{"my name is", "my name is Priya Raman and the condom broke", "my name is [name] and the condom broke"},
		{"my name is lower case", "my name is jake, is this normal", "my name is [name], is this normal"},
		{"my name is on", "My name is on the lease with my ex", "My name is on the lease with my ex"},
		{"I'm", "I'm Tomasz Kowalski, 24, and nervous", "I'm [name], 24, and nervous"},
		{"this is", "Hello, this is Grace. My period is late", "Hello, this is [name]. My period is late"},
		{"call me", "call me Ishmael", "call me [name]"},
		{"I'm age kept", "I'm 45 and my sex drive dropped", "I'm 45 and my sex drive dropped"},
		{"I'm faith kept", "I'm Catholic and my church says no condoms", "I'm Catholic and my church says no condoms"},
		{"I'm feeling kept", "I'm scared, I'm Scared", "I'm scared, I'm Scared"},
		{"partner", "my boyfriend Tom wants to try anal", "my boyfriend [name] wants to try anal"},
		{"title", "Dr. Patel said it is fine", "Dr. [name] said it is fine"},
		{"run", "me and Jake Morrison hooked up", "me and [name] hooked up"},
		{"run at start", "Rebecca Lindqvist and I have been together", "[name] and I have been together"},
		{"particle", "I dated Ludwig van Beethoven", "I dated [name]"},
		{"possessive", "Oliver Bennett's sister told me", "[name]'s sister told me"},
		{"single word kept", "Samantha from the show makes it look easy", "Samantha from the show makes it look easy"},
		{"known names kept", "Can Planned Parenthood give me Viagra or PrEP before Christmas?", "Can Planned Parenthood give me Viagra or PrEP before Christmas?"},
		{"holiday kept", "We broke up on New Year's Eve", "We broke up on New Year's Eve"},
		{"sentence start kept", "Is Durex Play gel safe? In Sex Education they said so", "Is Durex Play gel safe? In Sex Education they said so"},

		// Places.
		{"street", "I live at 221 Baker Street and", "I live at [address] and"},
		{"street with unit", "come to 1187 Maple Avenue Apt 3B alone", "come to [address] alone"},
		{"street lower case", "i live at 14 elm grove road", "i live at [address]"},
		{"street first", "I live at 9 Rue des Lilas near the station", "I live at [address] near the station"},
		{"street number after", "staying at Calle Mayor 5 in Madrid", "staying at [address] in Madrid"},
		{"compound street", "living at Hauptstraße 12 now", "living at [address] now"},
		{"not a street", "at 12 on the way home, 3 hours drive.", "at 12 on the way home, 3 hours drive."},
		{"uk postcode", "near SW1A 1AA?", "near [address]?"},
		{"canadian postcode", "in H3Z 2Y7 if", "in [address] if"},
		{"zip", "I'm in 90210 and need help", "I'm in [address] and need help"},
		{"zip+4", "my zip is 60614-3307, where", "my zip is [address], where"},
		{"postcode word", "in postcode 2010 who", "in postcode [address] who"},
		{"zip before town", "I live in 10115 Berlin", "I live in [address] Berlin"},
		{"school", "I go to Lincoln High in Springfield", "I go to [place] in Springfield"},
		{"workplace", "I work at Brennan & Co Solicitors in Cork", "I work at [place] in Cork"},
		{"workplace with town", "I work at Tesco in Leeds", "I work at [place] in Leeds"},
		{"generic clinic kept", "at the Sexual Health Clinic in Leeds", "at the Sexual Health Clinic in Leeds"},

		// Contacts.
		{"email at dot", "reach me at jake at gmail dot com, my", "reach me at [contact], my"},
		{"email brackets", "sarahk [at] outlook [dot] com about", "[contact] about"},
		{"email parentheses", "zeb.quill(at)example.com", "[contact]"},
		{"email spaced", "benji1998 @ icloud . com, I keep", "[contact], I keep"},
		{"email plain at", "zeb.quill at example.com", "[contact]"},
		{"site kept apart", "I run a podcast at thesexpositivepod.com about", "I run a podcast at [link] about"},
		{"snap", "add me on snap jakey_99 if", "add me on snap [contact] if"},
		{"insta is", "my insta is lil.mari.xo, dm me", "my insta is [contact], dm me"},
		{"discord colon", "discord: nightowl", "discord: [contact]"},
		{"platform word kept", "My Snapchat streak partner, my insta is private", "My Snapchat streak partner, my insta is private"},
		{"reddit", "find me as u/pinecone_jeremy", "find me as [contact]"},
		{"tag", "my discord is ghostboy#4821, is it", "my discord is [contact], is it"},
		{"phone ten digits", "Ring me on 0612345678, I think", "Ring me on [contact], I think"},
		{"domain with path", "see canary-site.example/yy now", "see [link] now"},
		{"domain known tld", "I write on myblog.net, could", "I write on [link], could"},
		{"file kept", "I sent photo.jpg, e.g. a rash", "I sent photo.jpg, e.g. a rash"},

		// Numbers and dates.
		{"ssn", "my SSN 078-05-1120?", "my SSN [number]?"},
		{"ssn spaces", "SSN 401 22 7788, does", "SSN [number], does"},
		{"national insurance", "my NI number is QQ 12 34 56 C, can", "my NI number is [number], can"},
		{"id with letter", "my DNI is 12345678Z, can", "my DNI is [number], can"},
		{"nhs number", "My NHS number is 943 476 5919, can", "My NHS number is [number], can"},
		{"card", "my card is 4111 1111 1111 1111, can", "my card is [number], can"},
		{"amex", "my Amex 3782 822463 10005 without", "my Amex [number] without"},
		{"born", "I was born 03/14/2001 so", "I was born [date] so"},
		{"dob words", "DOB 14 March 2001, can", "DOB [date], can"},
		{"date of birth", "My date of birth is September 30, 1978 and", "My date of birth is [date] and"},
		{"born year kept", "I was born in 1999 and", "I was born in 1999 and"},
		{"numbers kept", "I'm 16, 1 in 4 people, 400 mg, CD4 of 500, since 2019", "I'm 16, 1 in 4 people, 400 mg, CD4 of 500, since 2019"},
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

// maxInnocentChanged is the share of innocent rows of testdata/scrub.tsv that
// Scrub may change at all (any placeholder, anywhere in the sentence). Scrub
// removes 120 of 120 identifying details and changes 6 of 120 innocent rows
// (5.0%): each of the 6 has a public figure's or a character's name (Freddie
// Mercury, Taylor Swift…). Scrub cannot tell those from anyone else's name and
// removes them on purpose.
const maxInnocentChanged = 0.05

// TestScrubSet runs Scrub over testdata/scrub.tsv, a set written apart from
// Scrub: every "identifying" row's third column must be gone from the
// result, and at most maxInnocentChanged of the "innocent" rows may change.
func TestScrubSet(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "scrub.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		identifying, removed, innocent, changed int
		sc                                      = bufio.NewScanner(f)
	)
	for line := 0; sc.Scan(); {
		line++
		if line == 1 {
			if sc.Text() != "kind\ttext\tmust_not_contain" {
				t.Fatalf("scrub.tsv: unexpected header %q", sc.Text())
			}
			continue
		}
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != 3 {
			t.Fatalf("scrub.tsv:%d: %d columns, want 3", line, len(cols))
		}
		kind, text, secret := cols[0], cols[1], cols[2]
		got := store.Scrub(text)
		if again := store.Scrub(got); again != got {
			t.Errorf("scrub.tsv:%d: Scrub is not idempotent: %q then %q", line, got, again)
		}
		switch kind {
		case "identifying":
			if secret == "" {
				t.Fatalf("scrub.tsv:%d: identifying row without must_not_contain", line)
			}
			identifying++
			if strings.Contains(strings.ToLower(got), strings.ToLower(secret)) {
				t.Errorf("scrub.tsv:%d: %q survives: %q", line, secret, got)
				continue
			}
			removed++
		case "innocent":
			innocent++
			if got != strings.Join(strings.Fields(text), " ") {
				changed++
				t.Logf("scrub.tsv:%d: innocent row changed: %q", line, got)
			}
		default:
			t.Fatalf("scrub.tsv:%d: unknown kind %q", line, kind)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if identifying < 100 || innocent < 100 {
		t.Fatalf("scrub.tsv holds %d identifying and %d innocent rows, want at least 100 of each", identifying, innocent)
	}
	rate := float64(changed) / float64(innocent)
	t.Logf("identifying removed: %d of %d (%.1f%%)", removed, identifying, 100*float64(removed)/float64(identifying))
	t.Logf("innocent changed: %d of %d (%.1f%%, at most %.0f%% allowed)", changed, innocent, 100*rate, 100*maxInnocentChanged)
	if rate > maxInnocentChanged {
		t.Errorf("%d of %d innocent rows changed (%.1f%%), more than %.0f%%", changed, innocent, 100*rate, 100*maxInnocentChanged)
	}
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{"my name is Priya Raman", "call 555-123-4567", "jo at gmail dot com", "snap: jo_99", "born 03/14/2001", "221 Baker Street", "at Lincoln High in Springfield"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := store.Scrub(s)
		if again := store.Scrub(got); again != got {
			t.Errorf("Scrub(%q) = %q, then %q", s, got, again)
		}
	})
}
