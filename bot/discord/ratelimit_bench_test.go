package discord

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// Benchmarks of the rate limiter with about 1,000, 100,000 and 1,000,000
// people tracked, in a steady state: on a simulated clock, new people
// arrive at the pace that keeps that many tracked (n per minute, the time
// after which a default budget is full again and its owner forgotten), and
// every other question comes from someone who asked within that minute:
//
//	go test ./bot/discord -run '^$' -bench RateLimiter -benchtime 1000000x
//
// A question should cost the same whatever the number of people tracked.
// B/person is the heap the table takes per person tracked.
func BenchmarkRateLimiter(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		b.Run("tracked="+benchCount(n), func(b *testing.B) {
			p, bytes := newPopulation(n)
			lat := make([]time.Duration, b.N)
			rng := rand.New(rand.NewPCG(1, 2))
			b.ResetTimer()
			for i := range b.N {
				id := p.next(i, rng)
				t0 := time.Now()
				p.l.Take(id)
				lat[i] = time.Since(t0)
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
			b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			b.ReportMetric(bytes, "B/person")
			b.ReportMetric(float64(p.l.Len()), "tracked")
		})
		b.Run("tracked="+benchCount(n)+"/parallel", func(b *testing.B) {
			p, _ := newPopulation(n)
			var seq atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				rng := rand.New(rand.NewPCG(uint64(seq.Add(1<<40)), 3))
				for pb.Next() {
					p.l.Take(p.next(int(seq.Add(1)), rng))
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(p.l.Len()), "tracked")
		})
	}
}

// population is the people asking a limiter, on a simulated clock.
type population struct {
	l       *RateLimiter
	n       int
	arrived atomic.Int64 // people who asked so far; person j arrives at j×gap
	gap     time.Duration
	origin  time.Time
}

// newPopulation fills a limiter with the n people of the last minute and
// reports the heap per person.
func newPopulation(n int) (*population, float64) {
	before := heapInUse()
	p := &population{n: n, gap: time.Minute / time.Duration(n), origin: time.Unix(1_800_000_000, 0)}
	p.l = NewRateLimiter(5, DefaultRefill)
	p.l.max = 4 * n
	p.l.now = func() time.Time { return p.origin.Add(time.Duration(p.arrived.Load()) * p.gap) }
	for range n {
		p.l.Take(p.person(p.arrived.Add(1) - 1))
	}
	return p, (float64(heapInUse()) - float64(before)) / float64(n)
}

// next is, for even i, a new person and, for odd i, one who asked within
// the last minute.
func (p *population) next(i int, rng *rand.Rand) string {
	if i%2 == 0 {
		return p.person(p.arrived.Add(1) - 1)
	}
	return p.person(p.arrived.Load() - 1 - rng.Int64N(int64(p.n)))
}

func (p *population) person(j int64) string { return "person-" + strconv.FormatInt(j, 10) }

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func benchCount(n int) string {
	switch {
	case n >= 1_000_000:
		return strconv.Itoa(n/1_000_000) + "M"
	case n >= 1_000:
		return strconv.Itoa(n/1_000) + "k"
	}
	return strconv.Itoa(n)
}
