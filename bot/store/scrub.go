package store

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Removed stands in for Discord mentions, @everyone and @here. Other
// placeholders name the kind of detail that Scrub took out, so that a
// moderator still reads "my ex [name] told me…".
const Removed = "[removed]"

const (
	phName    = "[name]"    // a person's name
	phAddress = "[address]" // a street address, a postcode or a ZIP code
	phPlace   = "[place]"   // a school or a workplace
	phContact = "[contact]" // an e-mail address, a phone number or a handle
	phLink    = "[link]"    // a URL or a domain name
	phNumber  = "[number]"  // an identity, social security or card number
	phDate    = "[date]"    // a date of birth
)

var placeholderRE = regexp.MustCompile(`\[(?:removed|name|address|place|contact|link|number|date)\]`)

// Scrub removes from text what could identify a person and puts a
// placeholder in its stead:
//   - [link]: URLs and domain names, with or without a path;
//   - [contact]: e-mail addresses (also "jo at mail dot com", "jo(at)mail(dot)de"),
//     phone numbers, @handles, name#1234 tags, u/name, and the handle after
//     snap, insta, ig, tiktok, discord, telegram, reddit and the like;
//   - [removed]: Discord mentions, @everyone and @here;
//   - [date]: a date after "born", "birthday", "date of birth" or "DOB";
//   - [address]: house number and street, postcodes and ZIP codes;
//   - [number]: social security, national ID and card numbers, and any run of
//     six or more digits (snowflake IDs among them);
//   - [place]: a school or workplace ("at Lincoln High", "at Tesco in Leeds");
//   - [name]: the name after "my name is", "I'm", "this is", "call me", after
//     "my boyfriend", "my coach"… or a title (Dr, Ms…), and runs of two or
//     more capitalised words that look like a person's name.
//
// Capitalised words that are common, or known names of medicines, brands,
// services, holidays and faiths, never count as a name (see nameBreakers).
// A name in lower case is recognised only after "my name is" or "I go by".
//
// Whitespace is collapsed and Scrub(Scrub(s)) == Scrub(s).
func Scrub(text string) string {
	// What one pass leaves can form a new match ("0000000@mail" loses its
	// digits, then "@mail" reads as a handle): repeat until nothing changes.
	for range 4 {
		next := scrubOnce(text)
		if next == text {
			break
		}
		text = next
	}
	return text
}

func scrubOnce(text string) string {
	text = replaceTrimmed(urlRE, text, phLink)
	text = emailRE.ReplaceAllString(text, " "+phContact+" ")
	text = obfuscatedEmailRE.ReplaceAllStringFunc(text, func(s string) string {
		if !strings.Contains(s, "@") && !obfuscatedWordRE.MatchString(s) {
			// "jo.smith at mail.com", "jo at gmail.com": a plain "at" only
			// with a local part that looks like one or a known mail
			// provider, so that "a podcast at mypod.com" keeps its words.
			at := plainAtRE.FindStringIndex(s)
			local, domain := s[:at[0]], strings.ToLower(s[at[1]:])
			provider, _, _ := strings.Cut(domain, ".")
			if !strings.ContainsAny(local, "0123456789._%+-") && !mailProviders[strings.TrimSpace(provider)] {
				return s
			}
		}
		return " " + phContact + " "
	})
	text = tagRE.ReplaceAllString(text, " "+phContact+" ")
	text = redditRE.ReplaceAllString(text, "$1 "+phContact+" ")
	text = scrubSocial(text)
	text = scrubDomains(text)
	text = mentionRE.ReplaceAllString(text, " "+Removed+" ")
	text = everyoneRE.ReplaceAllString(text, " "+Removed+" ")
	text = replaceTrimmed(handleRE, text, phContact)

	text = birthRE.ReplaceAllString(text, "$1 "+phDate+" ")

	text = scrubStreets(text)
	text = postcodeWordRE.ReplaceAllString(text, "$1 "+phAddress+" ")
	text = ukPostcodeRE.ReplaceAllString(text, " "+phAddress+" ")
	text = caPostcodeRE.ReplaceAllString(text, " "+phAddress+" ")
	text = zip4RE.ReplaceAllString(text, " "+phAddress+" ")
	text = scrubZIPs(text)

	text = niRE.ReplaceAllString(text, " "+phNumber+" ")
	text = replaceNumbers(text)
	text = digitsRE.ReplaceAllString(text, " "+phNumber+" ")

	text = scrubPlaces(text)
	text = scrubNames(text)

	text = repeatsRE.ReplaceAllStringFunc(text, func(s string) string {
		var kept []string
		for _, p := range placeholderRE.FindAllString(s, -1) {
			if len(kept) == 0 || kept[len(kept)-1] != p {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " ")
	})
	text = strings.Join(strings.Fields(text), " ")
	return punctRE.ReplaceAllString(text, "$1$2")
}

var (
	urlRE   = regexp.MustCompile(`(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+`)
	emailRE = regexp.MustCompile(`(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+`)
	// "jo dot smith at mail dot co dot uk", "jo [at] mail [dot] com",
	// "jo(at)mail(dot)de", "jo @ mail . com". The "." between labels takes
	// spaces on both sides or none, so "at home. Then" is no address.
	obfuscatedEmailRE = regexp.MustCompile(`(?i)\b[a-z0-9_%+-]+(?:` + dotSep + `[a-z0-9_%+-]+)*` +
		`(?:\s+@\s+|\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)` +
		`[a-z0-9-]+(?:` + dotSep + `[a-z0-9-]+)*` + dotSep + `[a-z]{2,24}\b`)
	plainAtRE        = regexp.MustCompile(`(?i)\s+at\s+`)
	mailProviders    = words(`gmail googlemail hotmail outlook live msn yahoo ymail icloud me mac aol proton protonmail pm gmx web yandex mail zoho fastmail tutanota hey`)
	obfuscatedWordRE = regexp.MustCompile(`(?i)[\[(]\s*at\s*[\])]|\sdot\s|[\[(]\s*dot\s*[\])]`)
	// name#1234, Discord's old tags.
	tagRE    = regexp.MustCompile(`[\w.]{2,32}#\d{4}\b`)
	redditRE = regexp.MustCompile(`(^|[^\w/])[uU]/[\w-]{3,20}`)
	// <@123> <@!123> <@&123> <#123>, custom emoji <:name:123>, <t:123:R>
	mentionRE  = regexp.MustCompile(`<(?:@[!&]?|#|a?:\w+:|t:)\d+(?::\w)?>`)
	everyoneRE = regexp.MustCompile(`(?i)@(?:everyone|here)\b`)
	handleRE   = regexp.MustCompile(`\B@[\w.]{2,32}`)
)

const dotSep = `(?:\.|\s+\.\s+|\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+)`

// replaceTrimmed replaces each match of re by ph, leaving out trailing
// punctuation that ends the sentence rather than the URL or handle.
func replaceTrimmed(re *regexp.Regexp, text, ph string) string {
	return re.ReplaceAllStringFunc(text, func(s string) string {
		t := strings.TrimRight(s, `.,;:!?)]}'"’`)
		return " " + ph + " " + s[len(t):]
	})
}

// Social handles after the name of a platform: "snap jakey_99", "my insta
// is lil.mari.xo", "discord: nightowl_sam".
var (
	socialRE = regexp.MustCompile(`(?i)\b(snap(?:chat)?|sc|insta(?:gram)?|ig|tik ?tok|discord|telegram|tg|reddit|twitter|twitch|kik|threads|bluesky|bsky|x|fb|facebook|wechat|line|signal|skype|steam|psn|xbox|roblox|hinge|tinder|grindr|bumble)\b`)
	// After these the handle must look like one even after "is" or ":".
	socialAmbiguous = map[string]bool{"x": true, "line": true, "signal": true, "threads": true, "tg": true, "sc": true,
		"tinder": true, "grindr": true, "hinge": true, "bumble": true, "steam": true}
	socialFiller    = words(`handle username user name tag id account acc is its it's at`)
	socialTokenRE   = regexp.MustCompile(`^@?[\w.]*\w`)
	socialNotHandle = words(`a an the my your his her our their is it its not no private public down same below above
		here there this that open closed locked deleted banned gone new old and or but so if to too for with
		on in at of as about app account acc group server chat dm dms message messages streak streaks story
		stories post posts page profile friend friends request requests call calls video videos live`)
)

func scrubSocial(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range socialRE.FindAllStringSubmatchIndex(text, -1) {
		if m[0] < last {
			continue
		}
		kw := strings.ToLower(strings.ReplaceAll(text[m[2]:m[3]], " ", ""))
		// Skip what may stand between the platform and the handle: spaces,
		// ":", "=", "-", "is", "handle is", "at".
		pos, explicit, sep := m[1], false, false
		for {
			rest := text[pos:]
			trimmed := strings.TrimLeft(rest, " \t")
			if len(trimmed) < len(rest) {
				sep = true
			}
			pos += len(rest) - len(trimmed)
			if trimmed == "" {
				break
			}
			if c := trimmed[0]; c == ':' || c == '=' || c == '-' {
				explicit, sep = true, true
				pos++
				continue
			}
			w := strings.ToLower(socialTokenRE.FindString(trimmed))
			if !sep || !socialFiller[w] {
				break
			}
			if w == "is" || w == "its" || w == "it's" {
				explicit = true
			}
			pos += len(w)
			sep = false
		}
		tok := socialTokenRE.FindString(text[pos:])
		if !sep || tok == "" || strings.HasPrefix(tok, "@") {
			continue // an @handle is scrubbed on its own
		}
		if socialNotHandle[strings.ToLower(tok)] || !handleLike(tok) && (!explicit || socialAmbiguous[kw]) {
			continue
		}
		b.WriteString(text[last:pos])
		b.WriteString(" " + phContact + " ")
		last = pos + len(tok)
	}
	b.WriteString(text[last:])
	return b.String()
}

// handleLike is a word with a digit, an underscore or a dot inside.
func handleLike(s string) bool {
	return strings.ContainsAny(s, "0123456789_") || strings.Contains(strings.Trim(s, "."), ".")
}

// Domain names: with a path any top-level domain counts ("canary.example/x");
// without one, a two-letter or a known one.
var (
	domainRE = regexp.MustCompile(`(?i)\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.([a-z]{2,24})\b(/\S*)?`)
	tlds     = words(`com net org edu gov mil int info biz name pro mobi app dev io ai co me tv gg ly
		xyz art blog site online shop store club page link live fun life space tech website web cloud
		world social chat email news media studio design photo photos video click top icu vip wiki
		family love sex xxx porn adult dating cam`)
)

func scrubDomains(text string) string {
	return domainRE.ReplaceAllStringFunc(text, func(s string) string {
		m := domainRE.FindStringSubmatch(s)
		tld, path := m[1], m[2]
		host := s[:len(s)-len(path)]
		if !strings.ContainsFunc(strings.TrimSuffix(host, "."+tld), unicode.IsLetter) {
			return s
		}
		if path == "" && (tld != strings.ToLower(tld) || len(tld) != 2 && !tlds[tld]) {
			return s
		}
		t := strings.TrimRight(s, `.,;:!?)]}'"’`)
		return " " + phLink + " " + s[len(t):]
	})
}

// Dates of birth: the date after "born", "birthday", "date of birth",
// "DOB". Other dates ("since 2024-01-15") are kept, and so is a year alone.
const month = `(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var birthRE = regexp.MustCompile(`(?i)\b(born(?:\s+(?:on|in))?|birth ?day(?:\s+is)?|b-?day(?:\s+is)?|date of birth(?:\s+is)?|d\.?\s?o\.?\s?b\.?(?:\s+is)?)\s*[:=-]?\s*` +
	`(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{8}|` +
	`\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?` + month + `,?(?:\s+\d{2,4})?|` +
	month + `\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{2,4})?)\b`)

// Street addresses.
var (
	// "221 Baker Street", "14 elm grove road", "1187 Maple Avenue Apt 3B".
	streetRE = regexp.MustCompile(`(?i)(^|[\s,(])(\d{1,5}[a-z]?,?\s+((?:[\p{L}'’.-]+\s+){1,4})` +
		`(?:street|st|road|rd|avenue|ave|lane|ln|way|drive|dr|grove|terrace|close|court|ct|place|pl|crescent|cres|boulevard|blvd|gardens|square|sq|hill|row|walk|parade|mews|park|highway|hwy|circle|cir|trail|parkway|pkwy|alley|wynd|vale|rise|green)\b` +
		`(?:,?\s*(?:apt|apartment|unit|flat|suite|ste|#)\.?\s*\w+)?)`)
	// "9 Rue des Lilas", "12 Via Roma".
	streetFirstRE = regexp.MustCompile(`(?:^|\b)\d{1,4}[a-z]?,?\s+(?:Rue|Avenue|Av\.|Boulevard|Bd|Chemin|Allée|Impasse|Quai|Calle|Avenida|Via|Viale|Piazza|Rua|Carrer|Plaza|Paseo|Ulica|Ul\.)` +
		`(?:\s+(?:de|des|du|la|le|les|d'|l'|del|della|di|do|da|dos|das|y|e))*\s+[\p{Lu}][\p{L}'’-]*(?:\s+[\p{Lu}][\p{L}'’-]*){0,2}`)
	// "Calle Mayor 5", "Rue de la Paix 3".
	streetNumberAfterRE = regexp.MustCompile(`(?:Rue|Avenue|Boulevard|Chemin|Allée|Calle|Avenida|Viale|Piazza|Rua|Carrer|Plaza|Paseo|Ulica)` +
		`(?:\s+(?:de|des|du|la|le|les|d'|l'|del|della|di|do|da|dos|das|y|e))*\s+[\p{Lu}][\p{L}'’-]*(?:\s+[\p{Lu}][\p{L}'’-]*){0,2},?\s+\d{1,4}[a-z]?\b`)
	// "Hauptstraße 12", "Keizersgracht 123", "Storgatan 5".
	streetCompoundRE = regexp.MustCompile(`[\p{Lu}][\p{L}-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|straat|laan|gracht|plein|kade|steeg|singel|vej|gade|gatan|gata|vägen|veien|katu|tie|ulica)\s+\d{1,4}[a-z]?\b`)
	streetContext    = words(`at on is to address live lives living stay staying`)
	plainStreetWords = words(`street st road rd avenue ave lane ln boulevard blvd terrace crescent grove parkway highway`)
)

func scrubStreets(text string) string {
	text = streetFirstRE.ReplaceAllString(text, " "+phAddress+" ")
	text = streetNumberAfterRE.ReplaceAllString(text, " "+phAddress+" ")
	text = streetCompoundRE.ReplaceAllString(text, " "+phAddress+" ")
	var b strings.Builder
	last := 0
	for _, m := range streetRE.FindAllStringSubmatchIndex(text, -1) {
		middle := strings.Fields(text[m[6]:m[7]])
		capitalised := true
		ok := true
		for _, w := range middle {
			lw := strings.ToLower(strings.Trim(w, "'’.-"))
			if functionWords[lw] || lw == "" {
				ok = false
			}
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
				capitalised = false
			}
		}
		if !ok {
			continue
		}
		if !capitalised {
			// In lower case only an unambiguous street word, after "at",
			// "live", "address"…: "at 12 on the way" and "3 hours drive" stay.
			sw := strings.ToLower(strings.Fields(text[m[7]:m[5]])[0])
			if !plainStreetWords[sw] {
				continue
			}
			prev := strings.Fields(text[max(0, m[4]-40):m[4]])
			if len(prev) == 0 || !streetContext[strings.ToLower(strings.Trim(prev[len(prev)-1], ":,"))] {
				continue
			}
		}
		b.WriteString(text[last:m[4]])
		b.WriteString(" " + phAddress + " ")
		last = m[5]
	}
	b.WriteString(text[last:])
	return b.String()
}

// Postcodes and ZIP codes.
var (
	postcodeWordRE = regexp.MustCompile(`(?i)\b((?:zip|zip ?code|post ?code|postal ?code|code postal|pin ?code)(?:\s+is|\s*[:=-])?)\s*` +
		`(?:[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}|[a-z]\d[a-z]\s?\d[a-z]\d|(?-i:\d{4}\s?[A-Z]{2})|\d{3,6}(?:-\d{4})?)\b`)
	ukPostcodeRE = regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b`)
	caPostcodeRE = regexp.MustCompile(`\b[A-Z]\d[A-Z]\s?\d[A-Z]\d\b`)
	zip4RE       = regexp.MustCompile(`\b\d{5}-\d{4}\b`)
	// Five digits after "in", "near"… or before a town: "in 90210 and",
	// "10115 Berlin"; "12345 steps" is kept.
	zipRE      = regexp.MustCompile(`\b\d{5}\b`)
	zipBefore  = words(`in near around from at to area live lives living`)
	zipAfterOK = words(`and or but so for with is area where what how if please pls can could would i i'm im we
		zip postcode`)
)

func scrubZIPs(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range zipRE.FindAllStringIndex(text, -1) {
		prev := strings.Fields(text[max(0, m[0]-40):m[0]])
		after := strings.Fields(text[m[1]:min(len(text), m[1]+40)])
		next := ""
		if len(after) > 0 {
			next = after[0]
		}
		nextWord := strings.ToLower(strings.TrimRight(next, ".,;:!?"))
		r, _ := utf8.DecodeRuneInString(next)
		town := unicode.IsUpper(r) && len(next) > 2 && !commonWords[nextWord]
		switch {
		case town:
		case len(prev) > 0 && zipBefore[strings.ToLower(prev[len(prev)-1])] &&
			(next == "" || strings.IndexAny(text[m[1]:min(m[1]+1, len(text))], ".,;:!?)") == 0 || zipAfterOK[nextWord]):
		default:
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(" " + phAddress + " ")
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// Numbers: phoneRE finds candidates; classifyNumber decides, so that dates
// and ages ("2024-01-15", "18 19 20") survive.
var (
	// British National Insurance numbers: QQ 12 34 56 C.
	niRE      = regexp.MustCompile(`\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b`)
	phoneRE   = regexp.MustCompile(`\+?\(?\d[\d ().-]{5,}\d`)
	localRE   = regexp.MustCompile(`^\d{3}[ .-]\d{4}$`)
	ssnRE     = regexp.MustCompile(`^\d{3}[ -]\d{2}[ -]\d{4}$`)
	digitsRE  = regexp.MustCompile(`\b\w*\d{6,}\w*`)
	repeatsRE = regexp.MustCompile(`(\[(?:removed|name|address|place|contact|link|number|date)\])(?:[\s.,;:/-]*\[(?:removed|name|address|place|contact|link|number|date)\])+`)
	punctRE   = regexp.MustCompile(`(\[(?:removed|name|address|place|contact|link|number|date)\]) ([.,;:!?)])`)
)

// idContextRE names an identity or card number just before the digits, so
// that "NHS number is 943 476 5919" is a [number], not a phone [contact].
var idContextRE = regexp.MustCompile(`(?i)\b(?:ssn|sin|nhs|nino|aadhaar|aadhar|id|identity|passport|licen[cs]e|card|visa|amex|mastercard|account|personnummer|dni|nie|social security|national insurance|tax)\b[^.!?\d]{0,20}$`)

func replaceNumbers(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range phoneRE.FindAllStringIndex(text, -1) {
		p := classifyNumber(text[m[0]:m[1]])
		if p == "" {
			continue
		}
		if p == phContact && idContextRE.MatchString(text[max(0, m[0]-40):m[0]]) {
			p = phNumber
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(" " + p + " ")
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// classifyNumber returns the placeholder for a run of digits, or "" to keep it.
func classifyNumber(s string) string {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	switch {
	case n < 7:
		return ""
	case (s[0] == '+' || strings.Contains(s, "(")) && n <= 15:
		return phContact
	case ssnRE.MatchString(s), n >= 13:
		return phNumber // social security, card and long ID numbers
	case n >= 10, localRE.MatchString(s):
		return phContact
	case n >= 9:
		return phNumber // SIN, SSN without dashes
	}
	return ""
}

// Schools and workplaces: "at Lincoln High", "at Brennan & Co Solicitors",
// "I work at Tesco in Leeds".
var (
	placeRE = regexp.MustCompile(`(?i:\b(at|to|from|in|attend|attends|attending|attended)\s+(?:the\s+)?)` +
		`((?:[\p{Lu}][\p{L}'’.]*|&)(?:\s+(?:[\p{Lu}][\p{L}'’.]*|&|of|and|the|de|on))*)`)
	placeTownRE = regexp.MustCompile(`^\s+in\s+[\p{Lu}][\p{Ll}]`)
	institution = words(`high school academy college university uni primary secondary elementary middle
		institute polytechnic hospital general infirmary clinic surgery practice centre center medical
		dental care pharmacy café cafe coffee restaurant bar pub hotel bank store stores shop market
		supermarket mall solicitors lawyers law ltd limited inc llc plc co company group corp corporation
		church mosque synagogue temple gym salon studio library council factory warehouse garage
		bakery diner grill kitchen motors office offices services agency partners associates`)
)

func scrubPlaces(text string) string {
	var b strings.Builder
	last := 0
	for _, m := range placeRE.FindAllStringSubmatchIndex(text, -1) {
		run := text[m[4]:m[5]]
		ws := strings.Fields(run)
		// Cut after the last institution word, if there is one.
		cut, end := -1, 0
		for i, off := 0, 0; i < len(ws); i++ {
			j := strings.Index(run[off:], ws[i]) + off
			off = j + len(ws[i])
			if institution[strings.ToLower(strings.TrimRight(ws[i], ".'’"))] {
				cut, end = i, off
			}
		}
		name := ws
		if cut >= 0 {
			name = ws[:cut]
		} else {
			// No institution word: only "at X in Town".
			if strings.ToLower(text[m[2]:m[3]]) != "at" || !placeTownRE.MatchString(text[m[5]:]) {
				continue
			}
			end = len(run)
		}
		distinctive := false
		for _, w := range name {
			lw := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s"))
			if lw != "&" && lw != "of" && lw != "and" && lw != "the" && lw != "de" && lw != "on" && !nameBreakers[lw] && !institution[lw] {
				distinctive = true
			}
		}
		if !distinctive {
			continue
		}
		b.WriteString(text[last:m[4]])
		b.WriteString(phPlace)
		last = m[4] + end
	}
	b.WriteString(text[last:])
	return b.String()
}

// Names.
var (
	nameWord = `(?:[\p{Lu}]['’])?[\p{Lu}][\p{Ll}]+(?:[\p{Lu}][\p{Ll}]+)*(?:-[\p{Lu}]?[\p{Ll}]+)*`
	particle = `(?:van|von|de|der|den|del|della|da|di|du|la|le|bin|ibn|al|el|ten|ter|dos|das)`
	// A run of capitalised words, with particles and initials inside.
	nameRunRE  = regexp.MustCompile(nameWord + `(?:\s+(?:` + particle + `\s+)*(?:[\p{Lu}]\.\s+)?` + nameWord + `)*`)
	nameWordRE = regexp.MustCompile(nameWord)
	titleRE    = regexp.MustCompile(`\b(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Mister|Sir|Madam|Doctor|Nurse|Coach|Professor)\.?\s+$`)
	// What comes before a name: "my name is", "I'm", "my boyfriend".
	introRE = regexp.MustCompile(`(?i)\b(?:my name is|my name's|my names|name's|names|i am|i'm|i’m|im|this is|it's|it’s|its|` +
		`call me|they call me|i go by|known as|name\s*:|(?:my|his|her|their|our|your)\s+(?:` +
		`ex|ex-boyfriend|ex-girlfriend|ex-husband|ex-wife|boyfriend|girlfriend|bf|gf|husband|wife|partner|fianc[eé]e?|spouse|crush|date|` +
		`friend|best friend|bestie|mate|roommate|flatmate|housemate|coworker|co-worker|colleague|boss|manager|teacher|coach|tutor|` +
		`professor|lecturer|therapist|neighbou?r|cousin|brother|sister|step-?(?:brother|sister|dad|mom|mum|father|mother)|` +
		`uncle|aunt|auntie|classmate|pastor|priest|imam|rabbi|landlord|landlady|son|daughter|niece|nephew|kid|child)|` +
		`(?:guy|girl|man|woman|boy|dude|person|someone|lady|bloke|kid|student|teacher)\s+(?:called|named))\s*,?\s+`)
	// After these a lower-case word is taken as a name too: "my name is jake".
	introAnyCase = regexp.MustCompile(`(?i)(?:my name is|my name's|my names|name's|i go by|name\s*:)\s*$`)
)

func scrubNames(text string) string {
	// 1. A name after a title or an introduction, even a single word.
	var b strings.Builder
	last := 0
	for _, m := range introRE.FindAllStringIndex(text, -1) {
		if m[0] < last {
			continue
		}
		if end := introName(text, m[1], introAnyCase.MatchString(text[m[0]:m[1]])); end > m[1] {
			b.WriteString(text[last:m[1]])
			b.WriteString(phName)
			last = end
		}
	}
	b.WriteString(text[last:])
	text = b.String()

	// 2. Runs of capitalised words, and a capitalised word after a title.
	b.Reset()
	last = 0
	for _, m := range nameRunRE.FindAllStringIndex(text, -1) {
		if !boundary(text, m[0], m[1]) {
			continue
		}
		run := text[m[0]:m[1]]
		titleNext := titleRE.MatchString(text[max(0, m[0]-12):m[0]])
		segStart, segEnd, count, segTitle := -1, -1, 0, false
		flush := func() {
			if count >= 2 || segTitle && count >= 1 {
				b.WriteString(text[last : m[0]+segStart])
				b.WriteString(phName)
				last = m[0] + segEnd
			}
			segStart, segEnd, count, segTitle = -1, -1, 0, false
		}
		for _, w := range nameWordRE.FindAllStringIndex(run, -1) {
			lw := strings.ToLower(run[w[0]:w[1]])
			if titles[lw] || nameBreakers[lw] {
				flush()
				titleNext = titles[lw]
				continue
			}
			if segStart < 0 {
				segStart, segTitle = w[0], titleNext
			}
			titleNext = false
			segEnd = w[1]
			count++
		}
		flush()
	}
	b.WriteString(text[last:])
	return b.String()
}

// introName returns where the name after an introduction ends, or at if
// there is none: up to three capitalised words that are not common words,
// faiths, nationalities or feelings ("I'm Catholic", "I'm Scared").
func introName(text string, at int, anyCase bool) int {
	end := at
	for i := 0; i < 3; i++ {
		rest := text[end:]
		if i > 0 {
			trimmed := strings.TrimLeft(rest, " ")
			if len(trimmed) == len(rest) {
				break
			}
			end += len(rest) - len(trimmed)
			rest = trimmed
		}
		loc := nameWordRE.FindStringIndex(rest)
		if loc == nil || loc[0] != 0 || !boundary(text, end, end+loc[1]) {
			if i == 0 && anyCase {
				w := lowerWordRE.FindString(rest)
				if w != "" && !functionWords[w] && !commonWords[w] && !notNames[w] && !nameBreakers[w] {
					return end + len(w)
				}
			}
			break
		}
		w := strings.ToLower(rest[:loc[1]])
		if nameBreakers[w] || notNames[w] {
			break
		}
		end += loc[1]
	}
	if end == at {
		return at
	}
	// Give back the space taken after the last word.
	return at + len(strings.TrimRight(text[at:end], " "))
}

var lowerWordRE = regexp.MustCompile(`^[a-z][a-z'-]*[a-z]`)

// boundary reports whether text[i:j] is not glued to letters or digits.
func boundary(text string, i, j int) bool {
	if r, _ := utf8.DecodeLastRuneInString(text[:i]); i > 0 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '@' || r == '#') {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(text[j:]); j < len(text) && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '#') {
		return false
	}
	return true
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// functionWords never belong to a street or a name.
var functionWords = words(`a an the i me my mine we us our you your he him his she her they them their it its
	this that these those there here what when where why how who which if and but or nor so yet as at by
	for from in into of off on onto out over to up with without about after before since until while
	because is are am was were be been do does did have has had can could will would shall should may
	might must not no yes`)

// commonWords are capitalised at the start of a sentence, in titles or for
// emphasis, and are not names.
var commonWords = words(`a an the i i'm me my mine we us our you your he him his she her they them their
	it it's its this that these those there here what what's when where why how who which if and but or
	nor so yet also then than as at by for from in into of off on onto out over to up with within without
	about after before since until while because though although like unlike is are am was were be been
	being do does did done doing have has had having can could will would shall should may might must not
	no yes ok okay hi hello hey dear thanks thank please sorry anyway well oh lol omg pls plz btw fyi
	all any some every each both either neither many much more most few less least other another such
	same own only just even still already again ever never always sometimes often usually once twice
	now today tonight tomorrow yesterday last next first second third new old good bad big small long
	short young early late real true false great best better worse worst free full whole really maybe
	one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
	seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
	monday tuesday wednesday thursday friday saturday sunday january february march april may june july
	august september october november december jan feb mar apr jun jul aug sep sept oct nov dec
	year years year's day days week weeks weekend month months morning night evening afternoon eve
	people person man men woman women boy boys girl girls guy guys friend friends family kids
	normal question questions help advice safe safer love life world time way thing things part
	sex sexual sexuality health healthcare clinic centre center service services education therapy
	therapist counselling counseling medicine medical doctor nurse hospital pharmacy school
	relationship relationships partner partners dating mom mum dad mother father mother's father's
	north south east west northern southern eastern western united states kingdom great
	street road avenue lane drive urgent emergency planning student community natural method methods
	cycle cycles scale test tests disease diseases syndrome disorder infection virus pill pills app
	position positions island las los san santa saint`)

// knownNames are names of medicines, brands, services, platforms, holidays,
// faiths and conditions: capitalised, but never a person's name.
var knownNames = words(`planned parenthood nhs brook boots superdrug walgreens cvs durex trojan skyn lifestyles
	viagra cialis levitra stendra truvada descovy apretude gardasil cervarix valtrex acyclovir flagyl
	metronidazole doxycycline azithromycin mirena kyleena jaydess skyla liletta paragard nexplanon
	implanon depo provera sayana nuvaring annovera xulane evra yaz yasmin microgynon rigevidon cerazette
	cerelle levonelle ella ellaone opill slynd addyi vyleesi plan grindr tinder hinge bumble feeld
	instagram insta snapchat snap discord reddit tiktok twitter facebook whatsapp telegram youtube
	onlyfans pornhub google netflix amazon apple android iphone medicaid medicare obamacare kegel pap
	covid mpox monkeypox chlamydia gonorrhea gonorrhoea syphilis herpes trichomoniasis scabies hepatitis
	marie stopes msi terrence higgins trust scarleteen kama sutra kinsey christmas xmas easter halloween thanksgiving
	hanukkah chanukah diwali ramadan eid passover lent valentine valentine's pride god jesus christ
	allah lord bible quran koran torah church mosque temple synagogue gum gp`)

// titles come before a name: "Dr Patel" is a name, and so is "Coach Carter".
var titles = words(`mr mrs ms mx miss dr prof mister sir madam doctor nurse coach professor`)

// nameBreakers end a run of capitalised words.
var nameBreakers = union(commonWords, knownNames, titles)

// notNames are not taken as a name after "I'm", "this is" or "it's".
var notNames = words(`catholic christian muslim jewish hindu buddhist sikh mormon atheist agnostic pagan
	protestant orthodox evangelical baptist methodist lutheran quaker american british english scottish
	welsh irish canadian australian indian pakistani bangladeshi chinese japanese korean filipino
	vietnamese thai indonesian malaysian african nigerian kenyan ghanaian ethiopian somali mexican
	brazilian argentinian colombian spanish french german italian dutch polish russian ukrainian turkish
	greek arab arabic persian iranian egyptian moroccan latino latina latinx hispanic asian black white
	european jamaican caribbean portuguese swedish norwegian danish finnish romanian hungarian czech
	gay lesbian bi bisexual pan pansexual ace asexual aro aromantic trans transgender nonbinary
	non-binary queer straight cis intersex deaf autistic disabled scared worried afraid anxious nervous
	confused curious sure single married pregnant engaged divorced fine tired ready done back home
	desperate embarrassed ashamed lost stuck unsure horny sick ill virgin male female okay`)

func union(sets ...map[string]bool) map[string]bool {
	m := map[string]bool{}
	for _, s := range sets {
		for w := range s {
			m[w] = true
		}
	}
	return m
}

// stopWords carry no topic, so questions that differ only in them are one
// gap. Negations and question words are kept: they change the question.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the is are am was were be been being i im me my mine
		it its this that these those to of in on at for with about and or but so
		do does did can could would should will may might must just really very
		please hi hello hey um uh like ok okay thanks thank anyone someone quick
		question there here have has had get got`) {
		stopWords[w] = true
	}
}

// groupKey folds scrubbed text into the key that near-identical questions
// share: lowercase, no accents, apostrophes, punctuation or placeholders,
// no stop words, a plural "s" dropped.
func groupKey(text string) string {
	var b strings.Builder
	text = placeholderRE.ReplaceAllString(text, " ")
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’':
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	all := strings.Fields(b.String())
	var words []string
	for _, w := range all {
		if stopWords[w] {
			continue
		}
		if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-1]
		}
		words = append(words, w)
	}
	if len(words) == 0 {
		words = all
	}
	return strings.Join(words, " ")
}
