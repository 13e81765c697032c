package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

const usage = `Usage: confidant-load [flags]
       confidant-load --genkey

Send signed Discord interactions (/ask, "Other answers" picks, /topics,
/help, PING) to "confidant serve --http" on this machine from many clients
at once, then report throughput, latency and errors. Only loopback targets
are allowed (127.0.0.0/8, ::1, localhost), and a run lasts at most 15m.

Each request carries a fresh timestamp and signature and comes from a new
random user ID, or with --returning from someone who already asked in this
run (drawn from thousands, so the server's per-person rate limit seldom
asks anyone to slow down). --every reports each interval of the run, to
see whether throughput and latency hold steady under sustained load.

Steps:
  confidant-load --genkey     # prints DISCORD_PUBLIC_KEY=… and CONFIDANT_LOAD_KEY=…
  DISCORD_PUBLIC_KEY=… CONFIDANT_DATA=$(mktemp -d)/db confidant serve --http 127.0.0.1:8080 &
  confidant-load --key … --duration 10s

By default each client sends its next request when the last is answered,
which finds the most the server can take; --rate asks for a fixed pace
instead, to see the latency at a given load.

Exit status: 0 when every request succeeded, 1 when any failed, 2 for a
mistake in the command line.

Flags:
`

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func exitCode(err error) int {
	var u usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// run parses flags, checks them, and runs the load: a flat sequence of
// steps, long only because each flag is checked with its own message.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("confidant-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	target := fs.String("url", "http://127.0.0.1:8080/interactions", "interaction endpoint `URL` (loopback only)")
	clients := fs.Int("clients", 64, fmt.Sprintf("concurrent clients, at most %d", MaxClients))
	duration := fs.Duration("duration", 10*time.Second, fmt.Sprintf("how long to send, at most %s", MaxDuration))
	requests := fs.Int("requests", 0, "stop after this many requests (0: run for --duration)")
	rate := fs.Float64("rate", 0, "pace all clients together to this many requests per second; latency then counts from when each was due (0: as fast as answered)")
	timeout := fs.Duration("timeout", DefaultTimeout, "how long one request may take")
	key := fs.String("key", "", "Ed25519 private key, `hex` seed (64 digits) or full key (128 digits) (env CONFIDANT_LOAD_KEY)")
	keyFile := fs.String("keyfile", "", "read the hex private key from `FILE`")
	mixText := fs.String("mix", DefaultMix, "interactions to send, `kind=weight,…` with kinds "+kindList())
	seed := fs.Uint64("seed", 0, "seed of the interaction sequence (0: random)")
	returning := fs.Float64("returning", 0, "share of interactions from people who already asked in this run, 0 to 1 (0: a new person each time)")
	every := fs.Duration("every", 0, "also report each interval of this length, e.g. 1m (0: the whole run only)")
	genKey := fs.Bool("genkey", false, "print a new key pair for DISCORD_PUBLIC_KEY and --key, then exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"confidant-load takes no arguments"}
	}
	if *genKey {
		return printKeyPair(stdout)
	}

	// Every problem at once: what the flags could not parse, then what the
	// configuration lacks besides.
	var problems []error
	reported := map[string]bool{}
	fail := func(field string, err error) {
		problems = append(problems, FieldError{field, err})
		reported[field] = true
	}
	if *keyFile != "" {
		if isSet(fs, "key") {
			fail("key", errors.New("give --key or --keyfile, not both"))
		}
		data, err := os.ReadFile(*keyFile)
		if err != nil {
			fail("keyfile", err)
		}
		*key = string(data)
	}
	if *key == "" && *keyFile == "" {
		// Not the flag's default, which -h would print.
		*key = getenv("CONFIDANT_LOAD_KEY")
	}
	priv, err := ParseKey(*key)
	if err != nil {
		fail("key", err)
	}
	mix, err := ParseMix(*mixText)
	if err != nil {
		fail("mix", err)
	}
	cfg := Config{URL: *target, Clients: *clients, Duration: *duration, Requests: *requests,
		Rate: *rate, Timeout: *timeout, Key: priv, Mix: mix, Seed: *seed, Returning: *returning, Every: *every}
	for _, e := range unwrapJoined(cfg.Validate()) {
		var fe FieldError
		if errors.As(e, &fe) && reported[fe.Field] {
			continue
		}
		problems = append(problems, e)
	}
	if len(problems) > 0 {
		return usageError{"configuration:\n" + errors.Join(problems...).Error()}
	}

	pace := "unpaced"
	if cfg.Rate > 0 {
		pace = fmt.Sprintf("paced to %g/s", cfg.Rate)
	}
	fmt.Fprintf(stdout, "target    %s (%d clients, %s, %s, mix %s, returning %g)\n", cfg.URL, cfg.Clients, cfg.Duration, pace, cfg.Mix, cfg.Returning)
	fmt.Fprintf(stdout, "key       public %s\n", hex.EncodeToString(priv.Public().(ed25519.PublicKey)))
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	printReport(stdout, rep)
	if n := rep.ErrorCount(); n > 0 {
		msg := fmt.Sprintf("%d of %d requests failed", n, rep.Requests)
		if rep.Errors["status 401"] == n {
			msg += " (all 401: does the server's DISCORD_PUBLIC_KEY match the public key above?)"
		}
		return errors.New(msg)
	}
	if rep.Requests == 0 {
		return errors.New("no request finished")
	}
	return nil
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// unwrapJoined lists the errors joined in err (none for nil).
func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}

// ParseKey reads an Ed25519 private key in hex: the 32-byte seed or the
// 64-byte key (seed then public key). The key never appears in an error.
func ParseKey(s string) (ed25519.PrivateKey, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("missing: give --key, --keyfile or CONFIDANT_LOAD_KEY (make one with --genkey)")
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, errors.New("not hexadecimal")
	}
	switch len(b) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case ed25519.PrivateKeySize:
		k := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
		if !bytes.Equal(k, b) {
			return nil, errors.New("the last 32 bytes are not the public key of the first 32")
		}
		return k, nil
	}
	return nil, fmt.Errorf("%d bytes, want a %d-byte seed or a %d-byte key", len(b), ed25519.SeedSize, ed25519.PrivateKeySize)
}

// printKeyPair prints a new key pair as shell assignments: the public key
// for the server, the seed for this tool.
func printKeyPair(w io.Writer) error {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "DISCORD_PUBLIC_KEY=%s\nCONFIDANT_LOAD_KEY=%s\n", hex.EncodeToString(pub), hex.EncodeToString(priv.Seed()))
	return err
}

func printReport(w io.Writer, r Report) {
	fmt.Fprintf(w, "requests  %d in %.2fs: %.0f req/s\n", r.Requests, r.Elapsed.Seconds(), r.Throughput())
	fmt.Fprintf(w, "latency   %s\n", formatLatency(r.Latency))
	for _, k := range kinds {
		if kr, ok := r.ByKind[k]; ok {
			fmt.Fprintf(w, "  %-7s %8d  %s\n", k, kr.Requests, formatLatency(kr.Latency))
		}
	}
	fmt.Fprintf(w, "slow down %d (rate limiter notices instead of answers)\n", r.SlowDown)
	fmt.Fprintf(w, "busy      %d (shed under overload: \"very busy\" replies instead of answers)\n", r.Busy)
	if len(r.Intervals) > 0 {
		fmt.Fprintf(w, "intervals %8s %8s %9s %7s %5s %7s  latency\n", "from", "requests", "req/s", "errors", "slow", "busy")
		for _, iv := range r.Intervals {
			fmt.Fprintf(w, "          %8s %8d %9.0f %7d %5d %7d  %s\n", iv.Start, iv.Requests, iv.Throughput(), iv.Errors, iv.SlowDown, iv.Busy, formatLatency(iv.Latency))
		}
	}
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors    none")
		return
	}
	names := make([]string, 0, len(r.Errors))
	for k := range r.Errors {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s: %d", k, r.Errors[k])
	}
	fmt.Fprintf(w, "errors    %s\n", strings.Join(parts, ", "))
}

func formatLatency(l Latency) string {
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  max %s", ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
}
