package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are Confidant's Prometheus metrics. No label carries content,
// entry text or any ID of a person: only kinds, categories and outcomes.
type Metrics struct {
	Registry      *prometheus.Registry
	questions     *prometheus.CounterVec
	latency       prometheus.Histogram
	corpusEntries prometheus.Gauge
	reloadTime    prometheus.Gauge
	reloads       *prometheus.CounterVec
	discordErrors *prometheus.CounterVec
	repliesLost   *prometheus.CounterVec
	shed          *prometheus.CounterVec
}

// New registers the metrics on a new registry.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confidant_questions_total", Help: "Replies given, by kind and triage category.",
		}, []string{"kind", "category"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "confidant_answer_seconds", Help: "Time to build a reply (triage, search, confidence, rendering).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25},
		}),
		corpusEntries: prometheus.NewGauge(prometheus.GaugeOpts{Name: "confidant_corpus_entries", Help: "Entries in the served corpus."}),
		reloadTime:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "confidant_corpus_last_reload_timestamp_seconds", Help: "When the corpus was last (re)loaded."}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confidant_corpus_reloads_total", Help: "Corpus reloads by result (ok, invalid, error).",
		}, []string{"result"}),
		discordErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confidant_discord_errors_total", Help: "Failed calls to Discord, by kind (http status class, transport).",
		}, []string{"kind"}),
		repliesLost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confidant_discord_replies_dropped_total",
			Help: "Direct-message replies never delivered, by reason (refused: Discord answered 4xx; full: too many replies already waiting to be retried; gave-up: Discord still failing after the retry time; shutdown).",
		}, []string{"reason"}),
		shed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "confidant_interactions_shed_total",
			Help: "HTTP interactions answered \"busy, please retry\" instead of being answered, by reason (wait: no turn within the wait; queue: too many already waiting).",
		}, []string{"reason"}),
	}
	m.Registry.MustRegister(m.questions, m.latency, m.corpusEntries, m.reloadTime, m.reloads, m.discordErrors, m.repliesLost, m.shed,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Reply counts one reply. Safe on a nil *Metrics.
func (m *Metrics) Reply(kind, category string, took time.Duration) {
	if m == nil {
		return
	}
	if category == "" {
		category = "none"
	}
	m.questions.WithLabelValues(kind, category).Inc()
	m.latency.Observe(took.Seconds())
}

// CorpusLoaded records a served corpus. Safe on a nil *Metrics.
func (m *Metrics) CorpusLoaded(entries int, result string) {
	if m == nil {
		return
	}
	m.reloads.WithLabelValues(result).Inc()
	if result == "ok" {
		m.corpusEntries.Set(float64(entries))
		m.reloadTime.SetToCurrentTime()
	}
}

// DiscordError counts a failed Discord call. Safe on a nil *Metrics.
func (m *Metrics) DiscordError(kind string) {
	if m == nil {
		return
	}
	m.discordErrors.WithLabelValues(kind).Inc()
}

// ReplyDropped counts a reply that was finally not delivered, by reason.
// Safe on a nil *Metrics.
func (m *Metrics) ReplyDropped(reason string) {
	if m == nil {
		return
	}
	m.repliesLost.WithLabelValues(reason).Inc()
}

// Shed counts an interaction answered "busy" instead, by reason. Safe on a
// nil *Metrics.
func (m *Metrics) Shed(reason string) {
	if m == nil {
		return
	}
	m.shed.WithLabelValues(reason).Inc()
}
