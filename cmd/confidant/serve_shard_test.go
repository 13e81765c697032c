package main

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

// TestServeOneGatewayPerShard: four serve processes on one PostgreSQL
// database, two for shard 0 and two for shard 1 of 2. One process per
// shard connects (two connections, never three), and when shard 1's
// holder stops, the other shard 1 process takes over while shard 0 stays.
func TestServeOneGatewayPerShard(t *testing.T) {
	f := newFakeDiscord(t)
	base := map[string]string{"DISCORD_TOKEN": "test-token", "CONFIDANT_DISCORD_API": f.srv.URL,
		"CONFIDANT_DATA": pgtest.SchemaURL(t), "CONFIDANT_METRICS_ADDR": "off", "CONFIDANT_SHARED_KEY": testSharedKey,
		"CONFIDANT_SHARD_COUNT": "2"}
	shard := func(id string) map[string]string {
		env := maps.Clone(base)
		env["CONFIDANT_SHARD_ID"] = id
		return env
	}
	procs := []*serveProc{startServe(t, shard("0")), startServe(t, shard("0")), startServe(t, shard("1")), startServe(t, shard("1"))}
	bottest.WaitFor(t, "a process per shard to connect", func() bool { live, _, _ := f.state(); return live == 2 })
	time.Sleep(3 * time.Second) // the two others keep waiting
	if live, identifies, _ := f.state(); live != 2 || identifies != 2 {
		t.Fatalf("%d connections, %d identified in all; want 2 and 2", live, identifies)
	}
	holder := map[string]int{} // the process connected, by shard
	for i, p := range procs {
		for _, id := range []string{"0", "1"} {
			if strings.Contains(p.log.String(), "event=connected shard="+id+" shards=2") {
				if _, twice := holder[id]; twice {
					t.Fatalf("two processes connected shard %s", id)
				}
				holder[id] = i
			}
		}
	}
	if len(holder) != 2 {
		t.Fatalf("processes connected by shard: %v, want one for shard 0 and one for shard 1", holder)
	}

	procs[holder["1"]].stop(t)
	bottest.WaitFor(t, "the other shard 1 process to connect", func() bool { live, identifies, _ := f.state(); return live == 2 && identifies == 3 })
	other := 5 - holder["1"] // the shard 1 process that waited: 2 + 3 - holder
	// The fake gateway counts the identify before the process logs READY:
	// on busy cores the line can come seconds later (CI, 2026-12-02).
	logged := func() bool { return strings.Contains(procs[other].log.String(), "event=connected shard=1 shards=2") }
	for deadline := time.Now().Add(30 * time.Second); !logged() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !logged() {
		t.Errorf("process %d (shard 1) did not log its connection:\n%s", other, procs[other].log)
	}
}

// TestServeNamesShardProblems: shard settings that are not numbers, or a
// shard beyond the count, are named with the other configuration problems.
func TestServeNamesShardProblems(t *testing.T) {
	for _, tc := range []struct {
		name      string
		id, count string
		want      []string
	}{
		{"not numbers", "first", "two", []string{`CONFIDANT_SHARD_ID "first"`, `CONFIDANT_SHARD_COUNT "two"`, "DISCORD_TOKEN"}},
		{"beyond the count", "2", "2", []string{"CONFIDANT_SHARD_ID 2 must be below CONFIDANT_SHARD_COUNT 2", "DISCORD_TOKEN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustRun(t, "", map[string]string{"CONFIDANT_SHARD_ID": tc.id, "CONFIDANT_SHARD_COUNT": tc.count}, "serve")
			if res.code != 1 || res.runErr == nil {
				t.Fatalf("serve: exit %d (%v), want 1", res.code, res.runErr)
			}
			for _, want := range tc.want {
				if !strings.Contains(res.runErr.Error(), want) {
					t.Errorf("error does not name %s:\n%v", want, res.runErr)
				}
			}
		})
	}
}
