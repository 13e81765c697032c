package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/index"
	"github.com/confidant-bot/confidant/knowledge"
)

// library is the embedded corpus, indexed once for every test.
var library = sync.OnceValues(func() (*bot.Library, error) {
	c, _, err := knowledge.Default()
	if err != nil {
		return nil, err
	}
	return bot.NewLibrary(c, index.DefaultOptions())
})

// mustServer starts the real interaction endpoint on 127.0.0.1, with the
// production rate limit, and returns its URL and the key it trusts.
func mustServer(tb testing.TB) (string, ed25519.PrivateKey) {
	tb.Helper()
	lib, err := library()
	if err != nil {
		tb.Fatalf("embedded library: %v", err)
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		tb.Fatal(err)
	}
	s := &discord.HTTPServer{
		Interactions: &discord.Interactions{Responder: bot.NewResponder(lib, nil), Limits: discord.NewRateLimiter(5, discord.DefaultRefill)},
		PublicKey:    pub,
	}
	srv := httptest.NewServer(s.Handler())
	tb.Cleanup(srv.Close)
	return srv.URL + "/interactions", priv
}

func mustMix(tb testing.TB, s string) Mix {
	tb.Helper()
	m, err := ParseMix(s)
	if err != nil {
		tb.Fatalf("ParseMix(%q): %v", s, err)
	}
	return m
}

// TestRunSmoke loads the real handler briefly: requests happen and none
// fails. It asserts nothing about speed.
func TestRunSmoke(t *testing.T) {
	url, key := mustServer(t)
	rep, err := Run(context.Background(), Config{URL: url, Clients: 4, Duration: 1500 * time.Millisecond,
		Key: key, Mix: mustMix(t, DefaultMix)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if rep.Requests == 0 {
		t.Fatal("no request was sent")
	}
	if n := rep.ErrorCount(); n != 0 {
		t.Errorf("%d of %d requests failed: %v", n, rep.Requests, rep.Errors)
	}
	if rep.SlowDown != 0 {
		t.Errorf("%d questions got the rate limiter's notice, want 0 (a new user per request)", rep.SlowDown)
	}
	for _, k := range kinds {
		if rep.ByKind[k].Requests == 0 && rep.Requests >= 200 {
			t.Errorf("no %s interaction among %d requests", k, rep.Requests)
		}
	}
	if rep.Latency.Max <= 0 || rep.Latency.P50 > rep.Latency.P99 || rep.Latency.P99 > rep.Latency.Max {
		t.Errorf("latency %+v is not ordered", rep.Latency)
	}
}

func TestRunWrongKeyIsUnauthorized(t *testing.T) {
	url, _ := mustServer(t)
	_, other, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{URL: url, Clients: 2, Duration: 10 * time.Second, Requests: 10,
		Key: other, Mix: mustMix(t, "ask=1,ping=1")})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := rep.Errors["status 401"], 10; got != want || rep.Requests != want {
		t.Errorf("401s = %d of %d requests, want %d of %d (errors %v)", got, rep.Requests, want, want, rep.Errors)
	}
}

func TestRunRequestLimit(t *testing.T) {
	url, key := mustServer(t)
	rep, err := Run(context.Background(), Config{URL: url, Clients: 3, Duration: time.Minute, Requests: 25,
		Key: key, Mix: mustMix(t, DefaultMix)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := rep.Requests, 25; got != want {
		t.Errorf("requests = %d, want %d", got, want)
	}
}

func TestRunPaced(t *testing.T) {
	url, key := mustServer(t)
	rep, err := Run(context.Background(), Config{URL: url, Clients: 4, Duration: time.Second, Rate: 100,
		Key: key, Mix: mustMix(t, DefaultMix)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Requests are due every 10ms, and none is due after the first second.
	if rep.Requests == 0 || rep.Requests > 100 {
		t.Errorf("requests = %d, want 1 to 100", rep.Requests)
	}
	if n := rep.ErrorCount(); n != 0 {
		t.Errorf("%d requests failed: %v", n, rep.Errors)
	}
}

func TestRunTransportErrors(t *testing.T) {
	// A listener that was closed: the port refuses connections.
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	_, key, _ := ed25519.GenerateKey(nil)
	rep, err := Run(context.Background(), Config{URL: url, Clients: 1, Duration: 10 * time.Second, Requests: 3,
		Key: key, Mix: mustMix(t, "ping=1")})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := rep.Errors[ErrTransport], 3; got != want {
		t.Errorf("transport errors = %d, want %d (errors %v)", got, want, rep.Errors)
	}
}

func TestConfigRefusesNonLoopback(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080/interactions", true},
		{"http://127.8.9.10/interactions", true},
		{"http://localhost:8080/interactions", true},
		{"http://LOCALHOST/interactions", true},
		{"http://[::1]:8080/interactions", true},
		{"https://127.0.0.1/interactions", true},
		{"http://10.0.0.1:8080/interactions", false},
		{"http://0.0.0.0:8080/interactions", false},
		{"http://example.com/interactions", false},
		{"http://localhost.example.com/interactions", false},
		{"http://127.0.0.1.nip.io/interactions", false},
		{"http://[::ffff:10.0.0.1]/interactions", false},
		{"ftp://127.0.0.1/interactions", false},
		{"127.0.0.1:8080", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			err := Config{URL: tc.url, Clients: 1, Duration: time.Second, Key: key, Mix: Mix{{KindPing, 1}}}.Validate()
			if got := err == nil; got != tc.ok {
				t.Errorf("Validate() = %v, want ok = %v", err, tc.ok)
			}
		})
	}
}

func TestDialRefusesNonLoopback(t *testing.T) {
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8080", true},
		{"[::1]:8080", true},
		{"192.168.1.1:8080", false},
		{"[2001:db8::1]:443", false},
	} {
		err := dialLoopback("tcp", tc.addr, nil)
		if got := err == nil; got != tc.ok {
			t.Errorf("dialLoopback(%q) = %v, want ok = %v", tc.addr, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrNotLoopback) {
			t.Errorf("dialLoopback(%q) = %v, want ErrNotLoopback", tc.addr, err)
		}
	}
}

func TestConfigBounds(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(nil)
	good := Config{URL: "http://127.0.0.1:1/interactions", Clients: 1, Duration: time.Second, Key: key, Mix: Mix{{KindPing, 1}}}
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		field string
	}{
		{"duration over the bound", func(c *Config) { c.Duration = MaxDuration + time.Second }, "duration"},
		{"no duration", func(c *Config) { c.Duration = 0 }, "duration"},
		{"no clients", func(c *Config) { c.Clients = 0 }, "clients"},
		{"too many clients", func(c *Config) { c.Clients = MaxClients + 1 }, "clients"},
		{"negative requests", func(c *Config) { c.Requests = -1 }, "requests"},
		{"returning over 1", func(c *Config) { c.Returning = 1.5 }, "returning"},
		{"negative interval", func(c *Config) { c.Every = -time.Second }, "every"},
		{"no key", func(c *Config) { c.Key = nil }, "key"},
		{"empty mix", func(c *Config) { c.Mix = Mix{{KindAsk, 0}} }, "mix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := good
			tc.edit(&c)
			var fe FieldError
			if err := c.Validate(); !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("Validate() = %v, want a problem with %s", err, tc.field)
			}
		})
	}
	if err := good.Validate(); err != nil {
		t.Errorf("Validate() of a good config = %v", err)
	}
}

func TestParseKey(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(nil)
	_, other, _ := ed25519.GenerateKey(nil)
	mismatched := append(append([]byte{}, priv.Seed()...), other.Public().(ed25519.PublicKey)...)
	for _, tc := range []struct {
		name string
		in   string
		ok   bool
	}{
		{"seed", hex.EncodeToString(priv.Seed()), true},
		{"full key", hex.EncodeToString(priv), true},
		{"seed with newline", hex.EncodeToString(priv.Seed()) + "\n", true},
		{"mismatched public half", hex.EncodeToString(mismatched), false},
		{"public key length but not hex", strings.Repeat("zz", 32), false},
		{"wrong length", "abcd", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey(tc.in)
			if got := err == nil; got != tc.ok {
				t.Fatalf("ParseKey = %v, want ok = %v", err, tc.ok)
			}
			if tc.ok && !k.Equal(priv) {
				t.Error("ParseKey returned another key")
			}
			if err != nil && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) && tc.in != "" {
				t.Errorf("error %q repeats the key", err)
			}
		})
	}
}

func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" for an error
	}{
		{DefaultMix, DefaultMix},
		{" ask = 3 , ping=1", "ask=3,ping=1"},
		{"ask=0,alt=2", "ask=0,alt=2"},
		{"ask=0", ""},
		{"ask=1,ask=2", ""},
		{"delete=1", ""},
		{"ask", ""},
		{"ask=-1", ""},
		{"", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			m, err := ParseMix(tc.in)
			if tc.want == "" {
				if err == nil {
					t.Errorf("ParseMix = %v, want an error", m)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMix: %v", err)
			}
			if got := m.String(); got != tc.want {
				t.Errorf("ParseMix = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDefaultEntryIDsExist(t *testing.T) {
	c, _, err := knowledge.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range defaultEntryIDs {
		if _, ok := c.Entry(id); !ok {
			t.Errorf("entry %q is not in the embedded corpus", id)
		}
	}
}

// TestCommandGenkeyThenRun follows the documented steps: a key pair from
// --genkey, the server trusting its public half, a run with its private half.
func TestCommandGenkeyThenRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--genkey"}, &out, &out, noEnv); err != nil {
		t.Fatalf("--genkey: %v", err)
	}
	vars := map[string]string{}
	for line := range strings.Lines(out.String()) {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		vars[k] = v
	}
	pub, err := discord.ParsePublicKey(vars["DISCORD_PUBLIC_KEY"])
	if err != nil {
		t.Fatalf("DISCORD_PUBLIC_KEY from --genkey: %v", err)
	}
	priv, err := ParseKey(vars["CONFIDANT_LOAD_KEY"])
	if err != nil {
		t.Fatalf("CONFIDANT_LOAD_KEY from --genkey: %v", err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("--genkey printed keys of two different pairs")
	}

	lib, err := library()
	if err != nil {
		t.Fatal(err)
	}
	s := &discord.HTTPServer{Interactions: &discord.Interactions{Responder: bot.NewResponder(lib, nil)}, PublicKey: pub}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	out.Reset()
	env := func(k string) string {
		if k == "CONFIDANT_LOAD_KEY" {
			return vars[k]
		}
		return ""
	}
	err = run(context.Background(), []string{"--url", srv.URL + "/interactions", "--clients", "2", "--requests", "40"}, &out, &out, env)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	for _, want := range []string{"requests  40 in", "req/s", "p99", "errors    none"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestCommandUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"remote target", []string{"--key", strings.Repeat("ab", 32), "--url", "http://192.0.2.1/interactions"}, "only loopback"},
		{"too long", []string{"--key", strings.Repeat("ab", 32), "--duration", "16m"}, "duration"},
		{"no key", nil, "key: missing"},
		{"key and keyfile", []string{"--key", strings.Repeat("ab", 32), "--keyfile", "/dev/null"}, "not both"},
		{"argument", []string{"now"}, "no arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tc.args, &out, &out, noEnv)
			if got, want := exitCode(err), 2; got != want {
				t.Fatalf("exit %d (%v), want %d", got, err, want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to mention %q", err, tc.want)
			}
		})
	}
}

func noEnv(string) string { return "" }

// TestRunIntervals: with Every, the run is cut into intervals that add up
// to the whole, and returning people get answers like new ones.
func TestRunIntervals(t *testing.T) {
	url, key := mustServer(t)
	rep, err := Run(context.Background(), Config{URL: url, Clients: 4, Duration: 1500 * time.Millisecond,
		Key: key, Mix: mustMix(t, "ask=1"), Returning: 0.5, Every: 500 * time.Millisecond})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := rep.ErrorCount(); n != 0 {
		t.Errorf("%d of %d requests failed: %v", n, rep.Requests, rep.Errors)
	}
	if len(rep.Intervals) < 3 || len(rep.Intervals) > 4 {
		t.Fatalf("%d intervals of 500ms in a %s run, want 3 or 4", len(rep.Intervals), rep.Elapsed)
	}
	sum := 0
	for _, iv := range rep.Intervals {
		sum += iv.Requests
	}
	if sum != rep.Requests {
		t.Errorf("intervals hold %d requests, the run %d", sum, rep.Requests)
	}
}

// TestReturningPeople: the share of interactions from people seen before
// is about what was asked for.
func TestReturningPeople(t *testing.T) {
	for _, want := range []float64{0, 0.3, 0.9} {
		g := newGenerator(Config{Mix: Mix{{KindAsk, 1}}, Questions: []string{"q"}, Returning: want}, rand.New(rand.NewPCG(1, 2)))
		seen := map[string]bool{}
		again := 0
		const n = 5000
		for range n {
			_, body := g.next()
			var i interaction
			if err := json.Unmarshal(body, &i); err != nil {
				t.Fatal(err)
			}
			if seen[i.Member.User.ID] {
				again++
			}
			seen[i.Member.User.ID] = true
		}
		if got := float64(again) / n; got < want-0.03 || got > want+0.03 {
			t.Errorf("returning %g: %.3f of interactions from people seen before", want, got)
		}
	}
}

// TestRunCountsBusyReplies: interactions the server sheds (one answered
// at a time, none waiting) are counted as busy, not as answers or errors.
func TestRunCountsBusyReplies(t *testing.T) {
	lib, err := library()
	if err != nil {
		t.Fatalf("embedded library: %v", err)
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &discord.HTTPServer{
		Interactions: &discord.Interactions{Responder: bot.NewResponder(lib, nil), Limits: discord.NewRateLimiter(5, discord.DefaultRefill)},
		PublicKey:    pub, MaxAnswering: 1, MaxWait: time.Nanosecond,
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	rep, err := Run(context.Background(), Config{URL: srv.URL + "/interactions", Clients: 16, Duration: time.Minute, Requests: 400,
		Key: priv, Mix: mustMix(t, "ask=1")})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := rep.ErrorCount(); n != 0 {
		t.Errorf("%d of %d requests failed: %v", n, rep.Requests, rep.Errors)
	}
	if rep.Busy == 0 || rep.Busy == rep.Requests {
		t.Errorf("busy replies = %d of %d, want some but not all (one answered at a time, 16 clients)", rep.Busy, rep.Requests)
	}
}
