package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

const healthcheckUsage = `Usage: confidant healthcheck [--url URL]

Ask a running "confidant serve --http" whether it is alive, for container
images without a shell. Exits 0 when /healthz answers 200, 1 otherwise.

`

func runHealthcheck(ctx context.Context, args []string, s stdio, getenv env) error {
	fs := newFlagSet("healthcheck", healthcheckUsage, s)
	def := "http://127.0.0.1:8080"
	if addr := getenv("CONFIDANT_HTTP"); addr != "" {
		def = "http://" + strings.Replace(addr, "0.0.0.0", "127.0.0.1", 1)
		if strings.HasPrefix(addr, ":") {
			def = "http://127.0.0.1" + addr
		}
	}
	base := fs.String("url", def, "base `URL` of the HTTP listener")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageError{"healthcheck takes no arguments"}
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(*base, "/")+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy: /healthz answered %d", resp.StatusCode)
	}
	fmt.Fprintln(s.out, "healthy")
	return nil
}
