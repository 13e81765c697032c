package bot_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/confidant-bot/confidant/bot/bottest"
	"github.com/confidant-bot/confidant/bot/metrics"
)

func TestMetricsPresentAndFreeOfContent(t *testing.T) {
	r := bottest.MustResponder(t)
	m := metrics.New()
	r.Metrics = m
	for _, q := range []string{"is sex therapy confidential", "i want to k1ll mys3lf", "how many mg of viagra", "marmalade quokka 555123"} {
		r.Respond(context.Background(), q)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{
		`confidant_questions_total{category="self-harm",kind="crisis"} 1`,
		`confidant_questions_total{category="medical-advice",kind="decline"} 1`,
		`confidant_answer_seconds_count 4`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, bad := range []string{"marmalade", "quokka", "555123", "viagra", "confidential", "k1ll"} {
		if strings.Contains(out, bad) {
			t.Errorf("metrics contain %q", bad)
		}
	}
}
