package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/cmd")

// testdata is the repository's fixture directory, seen from this package.
const testdata = "../../testdata"

// result is what one run of the command printed and returned.
type result struct {
	out, err string
	code     int
	runErr   error
}

// mustRun runs the command line args with stdin and the environment env
// (nothing else is visible to it).
func mustRun(tb testing.TB, stdin string, env map[string]string, args ...string) result {
	tb.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, getenv)
	return result{out: out.String(), err: errOut.String(), code: exitCode(err), runErr: err}
}

// copyDirs copies the fixture directories, in order, into one new
// directory, later files replacing earlier ones.
func copyDirs(tb testing.TB, dirs ...string) string {
	tb.Helper()
	dst := tb.TempDir()
	for _, src := range dirs {
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(src, path)
			if err != nil {
				return err
			}
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(dst, rel), 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
		})
		if err != nil {
			tb.Fatalf("copy %s: %v", src, err)
		}
	}
	return dst
}

func TestAsk(t *testing.T) {
	res := mustRun(t, "", nil, "ask", "what", "does a sex therapist", "actually do")
	if res.runErr != nil {
		t.Fatalf("ask error: %v\nstderr: %s", res.runErr, res.err)
	}
	for _, want := range []string{"Sources:", "https://"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output does not contain %q:\n%s", want, res.out)
		}
	}
}

// askKeys is the public contract of ask --json.
var askKeys = []string{"alternatives", "id", "kind", "referral", "score", "sources", "text", "title"}

func TestAskJSON(t *testing.T) {
	res := mustRun(t, "is sex therapy confidential\n", nil, "ask", "--json")
	if res.runErr != nil {
		t.Fatalf("ask --json error: %v\nstderr: %s", res.runErr, res.err)
	}
	lines := strings.Split(strings.TrimSuffix(res.out, "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("got %d lines, want 1:\n%s", len(lines), res.out)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &obj); err != nil {
		t.Fatalf("decode %s: %v", lines[0], err)
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if got, want := strings.Join(keys, ","), strings.Join(askKeys, ","); got != want {
		t.Errorf("keys = %s, want %s", got, want)
	}
	var reply struct {
		Kind    string
		ID      string
		Sources []struct{ Title, URL string }
		Text    string
	}
	if err := json.Unmarshal([]byte(lines[0]), &reply); err != nil {
		t.Fatal(err)
	}
	if got, want := reply.ID, "confidentiality"; got != want {
		t.Errorf("id = %q, want %q (kind %s)", got, want, reply.Kind)
	}
	if len(reply.Sources) == 0 || !strings.HasPrefix(reply.Sources[0].URL, "https://") {
		t.Errorf("sources = %+v, want https sources", reply.Sources)
	}
	if !strings.Contains(reply.Text, "Sources:") {
		t.Errorf("text is not the rendered reply: %q", reply.Text)
	}
}

// TestAskJSONLines checks one line per input line, whatever the input, and
// empty lists rather than null.
func TestAskJSONLines(t *testing.T) {
	in := "is sex therapy confidential\n\n😀\nI want to kill myself\r\nwhat is the capital of France"
	res := mustRun(t, in, nil, "ask", "--json")
	if res.runErr != nil {
		t.Fatalf("ask --json error: %v", res.runErr)
	}
	lines := strings.Split(strings.TrimSuffix(res.out, "\n"), "\n")
	if got, want := len(lines), 5; got != want {
		t.Fatalf("got %d lines, want %d:\n%s", got, want, res.out)
	}
	for i, line := range lines {
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, k := range []string{"alternatives", "sources"} {
			if _, isList := obj[k].([]any); !isList {
				t.Errorf("line %d: %s = %v, want a list", i+1, k, obj[k])
			}
		}
	}
}

// TestAskHugeLine: a line of 6 MB gets the kind "too long" reply and the
// lines after it are still answered (bufio.Scanner's limit once ended the
// run with "token too long" and nothing answered).
func TestAskHugeLine(t *testing.T) {
	in := strings.Repeat("a", 6<<20) + "\nwhat is aasect certification\n"
	res := mustRun(t, in, nil, "ask", "--json")
	if res.runErr != nil {
		t.Fatalf("ask --json error: %v", res.runErr)
	}
	lines := strings.Split(strings.TrimSuffix(res.out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2:\n%.300s", len(lines), res.out)
	}
	var first, second askJSON
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &second); err != nil {
		t.Fatal(err)
	}
	if first.Kind != "fallback" || !strings.Contains(first.Text, "longer than I can read") {
		t.Errorf("huge line: got %s %.80q, want the too-long fallback", first.Kind, first.Text)
	}
	if second.Kind != "answer" || second.ID != "aasect-certification" {
		t.Errorf("line after it: got %s %q, want the aasect-certification answer", second.Kind, second.ID)
	}
}

func TestList(t *testing.T) {
	res := mustRun(t, "", nil, "list", "--json")
	if res.runErr != nil {
		t.Fatalf("list --json error: %v", res.runErr)
	}
	lines := strings.Split(strings.TrimSuffix(res.out, "\n"), "\n")
	if got, want := len(lines), 62; got < want {
		t.Errorf("got %d entries, want at least %d", got, want)
	}
	for i, line := range lines {
		var e struct {
			ID, Title, Referral, Reviewed string
			Sources                       []struct{ Title, Publisher, URL string }
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if e.ID == "" || e.Title == "" || e.Referral == "" || e.Reviewed == "" || len(e.Sources) == 0 {
			t.Errorf("line %d lacks a field: %s", i+1, line)
		}
	}
	plain := mustRun(t, "", nil, "list")
	if got, want := strings.Count(plain.out, "\n"), len(lines); got != want {
		t.Errorf("plain list has %d lines, want %d", got, want)
	}
}

func TestLintEmbedded(t *testing.T) {
	res := mustRun(t, "", nil, "lint")
	if res.runErr != nil {
		t.Fatalf("lint error: %v\n%s", res.runErr, res.out)
	}
	if !strings.Contains(res.out, "ok") {
		t.Errorf("output = %q, want it to say ok", res.out)
	}
}

// TestLintErrors lints the valid fixture corpus with the several-errors
// case laid over it, and compares the output with a golden file.
func TestLintErrors(t *testing.T) {
	dir := copyDirs(t, filepath.Join(testdata, "corpus", "valid"), filepath.Join(testdata, "corpus", "several-errors"))
	golden := filepath.Join(testdata, "cmd", "lint-several-errors.golden")
	var first string
	for i := range 2 { // a second run proves the output is stable
		res := mustRun(t, "", nil, "lint", "--corpus", dir)
		if res.runErr == nil {
			t.Fatalf("lint returned nil, want an error\n%s", res.out)
		}
		if got, want := res.code, 1; got != want {
			t.Errorf("exit code = %d, want %d", got, want)
		}
		if i == 0 {
			first = res.out
		} else if res.out != first {
			t.Errorf("second run printed\n%s\nfirst run\n%s", res.out, first)
		}
	}
	if *update {
		if err := os.WriteFile(golden, []byte(first), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if first != string(want) {
		t.Errorf("lint output\n%s\nwant (%s)\n%s", first, golden, want)
	}
	for _, line := range []string{"faq/painful-sex.md:4: has 2 question(s)", "faq/vaginismus.md:1: missing field \"id\""} {
		if !strings.Contains(first, line) {
			t.Errorf("output does not contain %q", line)
		}
	}
}

// TestLintFromEnv checks CONFIDANT_CORPUS, and that a flag wins over it.
func TestLintFromEnv(t *testing.T) {
	bad := filepath.Join(testdata, "corpus", "no-front-matter")
	env := map[string]string{"CONFIDANT_CORPUS": bad}
	if res := mustRun(t, "", env, "lint"); res.code != 1 || !strings.Contains(res.out, "faq/painful-sex.md:1:") {
		t.Errorf("lint with CONFIDANT_CORPUS: code %d, output\n%s\nwant code 1 and the file's problem", res.code, res.out)
	}
	if res := mustRun(t, "", env, "lint", "--corpus", filepath.Join(testdata, "corpus", "valid")); res.runErr != nil {
		t.Errorf("lint --corpus valid with CONFIDANT_CORPUS set: %v\n%s", res.runErr, res.out)
	}
}

// TestLintSynonymWarnings checks that synonyms search cannot use are
// warnings: printed, but lint succeeds.
func TestLintSynonymWarnings(t *testing.T) {
	dir := copyDirs(t, filepath.Join(testdata, "corpus", "valid"))
	vocab := "synonyms:\n  - [libido, desire]\n  - [the, a]\n  - [run, running]\n"
	if err := os.WriteFile(filepath.Join(dir, "vocabulary.yaml"), []byte(vocab), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, "", nil, "lint", "--corpus", dir)
	if res.runErr != nil {
		t.Fatalf("lint error: %v\n%s", res.runErr, res.out)
	}
	for _, want := range []string{
		`vocabulary.yaml:3: warning: synonym "the" is not one searchable word`,
		"vocabulary.yaml:4: warning: synonym group [run running] has fewer than two usable distinct words",
		"ok: 4 entries, 4 warning(s)",
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output does not contain %q:\n%s", want, res.out)
		}
	}
	// The corpus still serves, with the unusable groups left out.
	ask := mustRun(t, "", nil, "ask", "--corpus", dir, "the running libido")
	if ask.runErr != nil {
		t.Errorf("ask on that corpus: %v", ask.runErr)
	}
}

func TestEval(t *testing.T) {
	res := mustRun(t, "", nil, "eval", "--baseline", filepath.Join(testdata, "cmd", "eval-small.tsv"))
	if res.runErr != nil {
		t.Fatalf("eval error: %v\n%s", res.runErr, res.err)
	}
	for _, want := range []string{"confidant", "baseline", "Recall@1", "Recall@3", "MRR", "in-scope rows 4", "(1 rows)"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("output does not contain %q:\n%s", want, res.out)
		}
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"bad flag", []string{"ask", "--nope"}, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"eval without file", []string{"eval"}, 2},
		{"lint with argument", []string{"lint", "x"}, 2},
		{"list with argument", []string{"list", "x"}, 2},
		{"chat with argument", []string{"chat", "x"}, 2},
		{"serve with argument", []string{"serve", "x"}, 2},
		{"version with argument", []string{"version", "x"}, 2},
		{"command help", []string{"ask", "-h"}, 0},
		{"help", []string{"help"}, 0},
		{"version", []string{"version"}, 0},
		{"missing corpus", []string{"lint", "--corpus", filepath.Join(testdata, "no-such-dir")}, 1},
		{"missing eval file", []string{"eval", filepath.Join(testdata, "no-such-file.tsv")}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := mustRun(t, "", nil, tt.args...)
			if res.code != tt.code {
				t.Errorf("exit code = %d (%v), want %d", res.code, res.runErr, tt.code)
			}
			if tt.code == 2 && res.err == "" && res.runErr.Error() == "" {
				t.Error("a usage error says nothing: no usage on stderr, no message")
			}
		})
	}
}

func TestVersion(t *testing.T) {
	res := mustRun(t, "", nil, "version")
	if got, want := res.out, "confidant dev\n"; got != want {
		t.Errorf("version printed %q, want %q", got, want)
	}
}

// TestServeKeepsTokenSecret checks that a configuration error stops serve
// before any connection, without printing the token.
func TestServeKeepsTokenSecret(t *testing.T) {
	const token = "secret-token-b9f1"
	env := map[string]string{"DISCORD_TOKEN": token, "CONFIDANT_GUILD_ID": "not-a-number"}
	res := mustRun(t, "", env, "serve")
	if res.runErr == nil {
		t.Fatal("serve with a bad guild id returned nil, want a configuration error")
	}
	for where, s := range map[string]string{"stdout": res.out, "stderr": res.err, "error": res.runErr.Error()} {
		if strings.Contains(s, token) {
			t.Errorf("%s contains the token: %q", where, s)
		}
	}
	if res := mustRun(t, "", nil, "serve"); res.runErr == nil || !strings.Contains(res.runErr.Error(), "DISCORD_TOKEN") {
		t.Errorf("serve without a token: %v, want an error naming DISCORD_TOKEN", res.runErr)
	}
}

func TestChat(t *testing.T) {
	res := mustRun(t, "hello\n/quit\nis sex therapy confidential\n", nil, "chat")
	if res.runErr != nil {
		t.Fatalf("chat error: %v", res.runErr)
	}
	if strings.TrimSpace(res.out) == "" {
		t.Error("chat printed nothing")
	}
	if strings.Contains(res.out, "Will a sex therapist keep") {
		t.Errorf("chat answered after /quit:\n%s", res.out)
	}
}

// TestNoArgsRunsChat checks that without DISCORD_TOKEN the bare command is
// the console chat, which ends at the end of its input.
func TestNoArgsRunsChat(t *testing.T) {
	res := mustRun(t, "is sex therapy confidential\n", nil)
	if res.runErr != nil {
		t.Fatalf("run() error: %v", res.runErr)
	}
	if !strings.Contains(res.out, "Will a sex therapist keep") {
		t.Errorf("output is not a chat answer:\n%s", res.out)
	}
	if res := mustRun(t, "", nil); res.runErr != nil {
		t.Errorf("run() on empty input: %v", res.runErr)
	}
}

// TestNothingWrittenToDisk runs ask and chat in an empty working directory
// and checks it is still empty: nothing a person types is stored.
func TestNothingWrittenToDisk(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	runs := [][]string{
		{"ask", "I was raped years ago and now sex is hard for me"},
		{"ask", "--json", "is sex therapy confidential"},
		{"chat"},
		nil,
	}
	for _, args := range runs {
		if res := mustRun(t, "what does a sex therapist actually do\nI want to kill myself\n", nil, args...); res.runErr != nil {
			t.Fatalf("%v: %v", args, res.runErr)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("working directory holds %v, want nothing", names)
	}
}
