package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/confidant-bot/confidant/bot/cluster"
	"github.com/confidant-bot/confidant/bot/discord"
	"github.com/confidant-bot/confidant/bot/store/postgres"
	"github.com/confidant-bot/confidant/bot/store/postgres/pgtest"
)

// BenchmarkSharedLimiter is the cost of one question budget decision:
// shared through PostgreSQL (one upsert), against one process's memory,
// with several goroutines deciding at once as an HTTP replica's
// interactions do. Each decision is for a new person, as in the load
// generator's default. It reports decisions per second, the latency of
// one decision (p50, p99) and the share of decisions that took over the
// 500 ms after which a process decides alone.
func BenchmarkSharedLimiter(b *testing.B) {
	u := pgtest.SchemaURL(b)
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		b.Fatalf("Open: %v", err)
	}
	b.Cleanup(func() { db.Close() })
	people, err := cluster.NewPeople(db, secret, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		limits discord.Limiter
	}{
		{"local", discord.NewRateLimiter(5, discord.DefaultRefill)},
		{"shared", people.Limiter(5, discord.DefaultRefill)},
	} {
		for _, parallel := range []int{1, 8, 32} {
			b.Run(fmt.Sprintf("%s/at-once=%d", tc.name, parallel), func(b *testing.B) {
				benchTakes(b, tc.limits, parallel)
			})
		}
	}
}

var benchUser atomic.Int64

func benchTakes(b *testing.B, limits discord.Limiter, parallel int) {
	var (
		mu    sync.Mutex
		took  []time.Duration
		next  atomic.Int64
		slow  atomic.Int64
		wg    sync.WaitGroup
		start = time.Now()
	)
	b.ResetTimer()
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for next.Add(1) <= int64(b.N) {
				user := fmt.Sprintf("%d", 100000000000000000+benchUser.Add(1))
				t0 := time.Now()
				limits.Take(user)
				d := time.Since(t0)
				if d > 500*time.Millisecond {
					slow.Add(1)
				}
				mine = append(mine, d)
			}
			mu.Lock()
			took = append(took, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(took)
	at := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "decisions/s")
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(slow.Load())/float64(b.N), "over-500ms")
}
