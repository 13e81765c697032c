package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeBadToken(t *testing.T) {
	discord := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message": "401: Unauthorized", "code": 0}`, http.StatusUnauthorized)
	}))
	defer discord.Close()
	env := map[string]string{"DISCORD_TOKEN": "not-a-real-token", "CONFIDANT_DISCORD_API": discord.URL,
		"CONFIDANT_DATA": filepath.Join(t.TempDir(), "confidant.db")}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"}, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("err = %v (exit %d), want exit 1", err, exitCode(err))
	}
	if !strings.Contains(err.Error(), "refused the bot token") {
		t.Errorf("error = %q, want a clear token message", err)
	}
	if strings.Contains(err.Error()+out.String()+errOut.String(), "not-a-real-token") {
		t.Error("the token was printed")
	}
}

func TestServeConfigNamesEveryProblem(t *testing.T) {
	env := map[string]string{"CONFIDANT_GUILD_ID": "abc", "CONFIDANT_DISCORD_API": "ftp://x", "DISCORD_PUBLIC_KEY": "zz"}
	err := run(context.Background(), []string{"serve", "--http", ":0", "--gateway=true"}, strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}, func(k string) string { return env[k] })
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("err = %v, want exit 1", err)
	}
	for _, want := range []string{"DISCORD_TOKEN", "CONFIDANT_GUILD_ID", "CONFIDANT_DISCORD_API", "DISCORD_PUBLIC_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
		}
	}))
	defer ok.Close()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck", "--url", ok.URL}, nil, &out, &bytes.Buffer{}, func(string) string { return "" }); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	ok.Close()
	if err := run(context.Background(), []string{"healthcheck", "--url", ok.URL}, nil, &out, &bytes.Buffer{}, func(string) string { return "" }); exitCode(err) != 1 {
		t.Fatalf("stopped server: err %v, want exit 1", err)
	}
}
