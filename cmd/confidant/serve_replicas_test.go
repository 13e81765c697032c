package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
	"github.com/confidant-bot/confidant/knowledge/knowledgetest"
)

// editServedWithin is how soon after a moderator is told "Saved" the other
// replicas must serve the edit (slower under the race detector).
var editServedWithin = map[bool]time.Duration{false: time.Second, true: 20 * time.Second}[raceEnabled]

// syncBuffer is a log that several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveProc is one serve process, run in this test process.
type serveProc struct {
	log    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs serve with args and env until the test ends or stop.
func startServe(t *testing.T, env map[string]string, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &serveProc{log: new(syncBuffer), cancel: cancel, done: make(chan error, 1)}
	go func() {
		p.done <- run(ctx, append([]string{"serve"}, args...), strings.NewReader(""), new(syncBuffer), p.log, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop ends the process as SIGTERM would and waits for it.
func (p *serveProc) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	if err := <-p.done; err != nil {
		t.Errorf("serve: %v\n%s", err, p.log)
	}
	p.done <- nil // a second stop returns at once
}

const testSharedKey = "a-test-secret-of-at-least-32-characters"

// TestServeGatewayFailsOver: two serve processes run the gateway on one
// PostgreSQL database: one connects, the other takes over within seconds
// when it stops, and no direct message is answered twice, not even one
// Discord delivers again to the new holder.
func TestServeGatewayFailsOver(t *testing.T) {
	f := newFakeDiscord(t)
	env := map[string]string{"DISCORD_TOKEN": "test-token", "CONFIDANT_DISCORD_API": f.srv.URL,
		"CONFIDANT_DATA": pgtest.SchemaURL(t), "CONFIDANT_METRICS_ADDR": "off", "CONFIDANT_SHARED_KEY": testSharedKey}
	procs := []*serveProc{startServe(t, env), startServe(t, env)}
	bottest.WaitFor(t, "one process to connect to the gateway", func() bool { live, _, _ := f.state(); return live == 1 })
	time.Sleep(3 * time.Second) // the other keeps waiting
	if live, identifies, _ := f.state(); live != 1 || identifies != 1 {
		t.Fatalf("%d connections, %d identified in all; want 1 and 1", live, identifies)
	}
	f.dm("5000000000000000001", "c1", "what is vaginismus")
	bottest.WaitFor(t, "the reply", func() bool { _, _, posts := f.state(); return posts["c1"] == 1 })

	holder := -1
	for i, p := range procs {
		if strings.Contains(p.log.String(), "event=lock-held") {
			holder = i
		}
	}
	if holder < 0 {
		t.Fatal("no process logged that it holds the gateway lock")
	}
	start := time.Now()
	procs[holder].stop(t)
	bottest.WaitFor(t, "the other process to connect", func() bool { live, identifies, _ := f.state(); return live == 1 && identifies == 2 })
	t.Logf("the other process connected %v after the holder was stopped", time.Since(start))

	f.dm("5000000000000000002", "c2", "how do I find a sex therapist")
	f.dm("5000000000000000001", "c1", "what is vaginismus") // delivered again
	bottest.WaitFor(t, "the reply to the new message", func() bool { _, _, posts := f.state(); return posts["c2"] == 1 })
	time.Sleep(500 * time.Millisecond)
	if _, _, posts := f.state(); posts["c1"] != 1 || posts["c2"] != 1 {
		t.Errorf("replies per channel = %v, want one each: a message was answered twice", posts)
	}
}

// replica is a serve --http process seen from Discord: its address, and
// the key Discord signs with.
type replica struct {
	t    *testing.T
	proc *serveProc
	url  string
	priv ed25519.PrivateKey
	// discord receives what the replica sends after a deferred response.
	discord *fakeDiscord
}

var listenAddr = regexp.MustCompile(`event=http-listen addr=(\S+)`)

// startReplicas starts n serve --http processes on the environment env.
func startReplicas(t *testing.T, n int, env map[string]string, priv ed25519.PrivateKey, f *fakeDiscord) []*replica {
	t.Helper()
	var rs []*replica
	for range n {
		p := startServe(t, env, "--http", "127.0.0.1:0")
		rs = append(rs, &replica{t: t, proc: p, priv: priv, discord: f})
	}
	for _, r := range rs {
		bottest.WaitFor(t, "the replica to listen", func() bool {
			m := listenAddr.FindStringSubmatch(r.proc.log.String())
			if m != nil {
				r.url = "http://" + m[1]
			}
			return m != nil
		})
	}
	return rs
}

var interactionIDs atomic.Int64

// post sends a signed interaction built from the JSON fields and returns
// the status and body of the answer. Each gets a new interaction id unless
// fields holds one.
func (r *replica) post(fields string) (int, string) {
	r.t.Helper()
	body := fields
	if !strings.HasPrefix(fields, `{"id":`) {
		body = fmt.Sprintf(`{"id":"77%d",%s`, interactionIDs.Add(1), strings.TrimPrefix(fields, "{"))
	}
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, r.url+"/interactions", strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(r.priv, []byte(stamp+body))))
	req.Header.Set("X-Signature-Timestamp", stamp)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

const moderator = `"guild_id":"42","member":{"user":{"id":"700000000000000001"},"permissions":"32","roles":[]}`

// faq runs /faq sub with its options (JSON) as a moderator.
func (r *replica) faq(sub, options string) string {
	r.t.Helper()
	_, body := r.post(`{"application_id":"900","type":2,"token":"t","version":1,` + moderator +
		`,"data":{"id":"c","name":"faq","type":1,"options":[{"name":"` + sub + `","type":1,"options":[` + options + `]}]}}`)
	return body
}

// ask runs /ask as person user.
func (r *replica) ask(user, question string) string {
	r.t.Helper()
	q, _ := json.Marshal(question)
	_, body := r.post(`{"application_id":"900","type":2,"token":"t","version":1,"user":{"id":"` + user + `"}` +
		`,"data":{"id":"c","name":"ask","type":1,"options":[{"name":"question","type":3,"value":` + string(q) + `}]}}`)
	return body
}

// openEdit opens the edit form of entry id and returns its custom id and
// the values of its inputs.
func (r *replica) openEdit(id string) (customID string, values map[string]string) {
	r.t.Helper()
	var resp struct {
		Type int `json:"type"`
		Data struct {
			CustomID   string `json:"custom_id"`
			Components []struct {
				Components []struct {
					CustomID string `json:"custom_id"`
					Value    string `json:"value"`
				} `json:"components"`
			} `json:"components"`
		} `json:"data"`
	}
	body := r.faq("edit", `{"name":"id","type":3,"value":"`+id+`"}`)
	if err := json.Unmarshal([]byte(body), &resp); err != nil || resp.Type != 9 {
		r.t.Fatalf("/faq edit: %s, want a form", body)
	}
	values = map[string]string{}
	for _, row := range resp.Data.Components {
		for _, c := range row.Components {
			values[c.CustomID] = c.Value
		}
	}
	return resp.Data.CustomID, values
}

// submit sends the form customID with values, and returns what the
// moderator is told: a save is answered at once with a deferred response,
// and its result follows once saved.
func (r *replica) submit(customID string, values map[string]string) string {
	r.t.Helper()
	var rows []any
	for k, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []any{map[string]any{"type": 4, "custom_id": k, "value": v}}})
	}
	data, _ := json.Marshal(map[string]any{"custom_id": customID, "components": rows})
	token := fmt.Sprintf("form-%d", interactionIDs.Add(1))
	_, body := r.post(`{"application_id":"900","type":5,"token":"` + token + `","version":1,` + moderator + `,"data":` + string(data) + `}`)
	if !strings.HasPrefix(body, `{"type":5`) {
		r.t.Fatalf("form sent: %s, want a deferred response", body)
	}
	deadline := time.Now().Add(2 * time.Minute) // a save under the race detector on 2 busy cores
	for time.Now().Before(deadline) {
		if got, ok := r.discord.followup(token); ok {
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatal("no follow-up after the form was sent")
	return ""
}

// share presses "Share this question" under a reply that offered question.
func (r *replica) share(user, question string) string {
	r.t.Helper()
	field, _ := json.Marshal("```\n" + question + "\n```")
	_, body := r.post(fmt.Sprintf(`{"application_id":"900","type":3,"token":"t","version":1,"user":{"id":"%s"},`+
		`"message":{"id":"88%d","channel_id":"c","embeds":[{"fields":[{"name":"Your question, as it would be shared","value":%s}]}]},`+
		`"data":{"custom_id":"gap-share","component_type":2}}`, user, interactionIDs.Add(1), field))
	return body
}

// TestServeReplicasShareEverything runs three serve processes on one
// PostgreSQL database, as the README's "Many servers" does: an edit through
// one is answered by the others within a second; of two simultaneous edits
// of one entry one is saved and one refused; statistics and shared
// questions are the union of all three; a person's budget and replay
// protection hold across them.
func TestServeReplicasShareEverything(t *testing.T) {
	u := pgtest.SchemaURL(t)
	if res := mustRun(t, "", map[string]string{"CONFIDANT_DATA": u}, "corpus", "import", knowledgetest.CopyDefault(t)); res.runErr != nil {
		t.Fatalf("corpus import: %v", res.runErr)
	}
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newFakeDiscord(t)
	env := map[string]string{"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub), "CONFIDANT_DATA": u, "CONFIDANT_METRICS_ADDR": "off",
		"CONFIDANT_SHARED_KEY": testSharedKey, "CONFIDANT_MODERATION_GUILDS": "42",
		"DISCORD_TOKEN": "test-token", "CONFIDANT_DISCORD_API": f.srv.URL}
	rs := startReplicas(t, 3, env, priv, f)
	asked := 0

	// An edit through one replica is answered by the others.
	customID, values := rs[0].openEdit("confidentiality")
	const title = "Does a sex therapist keep private what I tell them?"
	values["title"] = title
	sent := time.Now()
	if got := rs[0].submit(customID, values); !strings.Contains(got, "Saved") {
		t.Fatalf("save through replica 0: %s", got)
	}
	// The moderator is told "Saved" once the change is committed and the
	// saving replica serves it; the others, told at the commit, rebuild
	// meanwhile.
	saved := time.Now()
	for i, r := range rs[1:] {
		bottest.WaitFor(t, "the other replicas to serve the edit", func() bool {
			return strings.Contains(r.faq("show", `{"name":"id","type":3,"value":"confidentiality"}`), title)
		})
		t.Logf("replica %d serves the edit %v after the form was sent, %v after replica 0 answered Saved",
			i+1, time.Since(sent), time.Since(saved))
	}
	if took := time.Since(saved); took > editServedWithin {
		t.Errorf("the other replicas served the edit %v after the save was answered, want within %v", took, editServedWithin)
	}
	for i, r := range rs {
		if got := r.ask(fmt.Sprintf("60000000000000000%d", i), "is sex therapy confidential"); !strings.Contains(got, title) {
			t.Errorf("/ask on replica %d does not answer with the edited entry:\n%.300s", i, got)
		}
		asked++
	}

	// Simultaneous edits of one entry: one saved, one refused.
	id1, v1 := rs[1].openEdit("confidentiality")
	id2, v2 := rs[2].openEdit("confidentiality")
	v1["title"], v2["title"] = "Is what I say to a sex therapist kept private? (one)", "Is what I say to a sex therapist kept private? (two)"
	answers := make([]string, 2)
	var wg sync.WaitGroup
	for n, r := range []*replica{rs[1], rs[2]} {
		id, v := []string{id1, id2}[n], []map[string]string{v1, v2}[n]
		wg.Add(1)
		go func() { defer wg.Done(); answers[n] = r.submit(id, v) }()
	}
	wg.Wait()
	saves, refusals := 0, 0
	for _, a := range answers {
		switch {
		case strings.Contains(a, "Saved"):
			saves++
		case strings.Contains(a, "changed since you opened it"):
			refusals++
		}
	}
	if saves != 1 || refusals != 1 {
		t.Errorf("simultaneous edits: %d saved and %d refused, want 1 and 1:\n%s\n%s", saves, refusals, answers[0], answers[1])
		for i, r := range rs {
			t.Logf("replica %d log:\n%s", i, r.proc.log)
		}
	}

	// One person's budget across replicas: 5 at once, then a notice.
	for n := range 6 {
		got := rs[n%3].ask("610000000000000000", "what is vaginismus")
		if over := strings.Contains(got, "faster than I can answer"); over != (n == 5) {
			t.Errorf("question %d of one person, through replica %d: over the budget = %v, want %v", n+1, n%3, over, n == 5)
		}
		if n < 5 {
			asked++
		}
	}

	// A request replayed to another replica is refused.
	body := `{"id":"990001","application_id":"900","type":2,"token":"t","version":1,"user":{"id":"620000000000000000"},"data":{"id":"c","name":"help","type":1}}`
	if status, got := rs[0].post(body); status != http.StatusOK {
		t.Fatalf("first request: %d %s", status, got)
	}
	if status, _ := rs[1].post(body); status != http.StatusUnauthorized {
		t.Errorf("the same request replayed to another replica: status %d, want 401", status)
	}

	// Shared questions and statistics are the union.
	for i, q := range []string{"can my tractor engine run on olive oil", "which bicycle gear is best uphill"} {
		if got := rs[i].share(fmt.Sprintf("63000000000000000%d", i), q); !strings.Contains(strings.ToLower(got), "shared") {
			t.Errorf("share through replica %d: %s", i, got)
		}
	}
	bottest.WaitFor(t, "the shared questions of every replica in the list", func() bool {
		_, got := rs[2].post(`{"application_id":"900","type":2,"token":"t","version":1,` + moderator +
			`,"data":{"id":"c","name":"faq","type":1,"options":[{"name":"gaps","type":2,"options":[{"name":"list","type":1,"options":[]}]}]}}`)
		return strings.Contains(got, "tractor") && strings.Contains(got, "bicycle")
	})
	want := fmt.Sprintf("%d questions", asked)
	var stats string
	bottest.WaitFor(t, "the statistics of every replica", func() bool {
		stats = rs[1].faq("stats", "")
		return strings.Contains(stats, want)
	})
}

// TestComposeTopology: docker-compose.yml runs what the README says (two
// HTTP replicas and a gateway pair on one PostgreSQL, sharing a key), with
// commands and settings that serve knows.
func TestComposeTopology(t *testing.T) {
	data, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatal(err)
	}
	http, gateways := 0, 0
	for name, s := range compose.Services {
		if len(s.Command) == 0 || name == "postgres" {
			continue
		}
		if _, ok := commands()[s.Command[0]]; !ok {
			t.Errorf("service %s runs %q, not a command", name, s.Command[0])
		}
		for _, key := range []string{"CONFIDANT_DATA", "CONFIDANT_SHARED_KEY"} {
			if s.Environment[key] == "" {
				t.Errorf("service %s does not set %s", name, key)
			}
		}
		if !isPostgresURL(s.Environment["CONFIDANT_DATA"]) {
			t.Errorf("service %s: CONFIDANT_DATA is not a postgres:// URL", name)
		}
		switch {
		case s.Command[0] == "serve" && slices.Contains(s.Command, "--http"):
			http++
		case s.Command[0] == "serve":
			gateways++
		}
		if s.Command[0] == "serve" {
			if res := mustRun(t, "", nil, append(s.Command, "-h")...); res.code != 0 {
				t.Errorf("service %s: %v -h: exit %d (%v), its flags are not known", name, s.Command, res.code, res.runErr)
			}
		}
	}
	if http != 2 || gateways != 2 {
		t.Errorf("%d HTTP replicas and %d gateway processes, want 2 and 2", http, gateways)
	}
}
