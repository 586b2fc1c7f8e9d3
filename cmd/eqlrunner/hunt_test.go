package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/eventgen"
)

// huntEvents writes generated events, with true positives of the built-in
// rule, to dir as one <index>.ndjson per index.
func huntEvents(t *testing.T, dir string, n int) {
	t.Helper()
	opts := eventgen.Options{Seed: 5, Start: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), TruePositiveShare: 0.05}
	if _, err := eventgen.Spool(context.Background(), dir, opts, n); err != nil {
		t.Fatal(err)
	}
}

func TestHuntExitCodes(t *testing.T) {
	dir := t.TempDir()
	events := filepath.Join(dir, "events")
	huntEvents(t, events, 300)
	quiet := filepath.Join(dir, "quiet.ndjson")
	write := func(path, content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(quiet, `{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}`+"\n")
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(bytes.Repeat([]byte(`{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}`+"\n"), 50))
	zw.Close()
	truncated := filepath.Join(dir, "truncated.ndjson.gz")
	write(truncated, gz.String()[:gz.Len()-8])
	brokenRule := filepath.Join(dir, "broken.toml")
	write(brokenRule, "[rule\n")
	out := filepath.Join(dir, "signals.ndjson")

	tests := []struct {
		name       string
		args       []string
		want       int
		wantStderr string
	}{
		{"matches", []string{events}, exitOK, "signals from 1 of 1 rule"},
		{"matches, --fail-on-match", []string{"--fail-on-match", events}, exitProblems, "signals from 1 of 1 rule"},
		{"no match, --fail-on-match", []string{"--fail-on-match", quiet}, exitOK, "0 signals from 0 of 1 rule"},
		{"-o", []string{"-o", out, events}, exitOK, "signals from 1 of 1 rule"},
		{"a truncated gzip file", []string{quiet, truncated}, exitUsage, "truncated.ndjson.gz: unexpected EOF"},
		{"a missing input", []string{filepath.Join(dir, "missing.ndjson")}, exitUsage, "no such file or directory"},
		{"a broken rule", []string{"--rules", brokenRule, quiet}, exitUsage, "1 rule error"},
		{"a missing version lock", []string{"--version-lock", filepath.Join(dir, "nope.json"), quiet}, exitUsage, "read version lock"},
		{"an unknown flag", []string{"--frobnicate", quiet}, exitUsage, "flag provided but not defined"},
		{"no input", nil, exitUsage, "usage: eqlrunner hunt"},
		{"-h", []string{"-h"}, exitOK, "usage: eqlrunner hunt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), append([]string{"hunt"}, tt.args...), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", got, tt.want, &stderr)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr does not say %q:\n%s", tt.wantStderr, &stderr)
			}
		})
	}
	// -o wrote the file in one piece, and nothing to stdout.
	data, err := os.ReadFile(out)
	if err != nil || !bytes.HasPrefix(data, []byte(`{"_index":"eqlrunner-signals-default","_id":"`)) {
		t.Errorf("-o %s: %v %.80q", out, err, data)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".signals.ndjson.*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestHuntOutputIsDeterministic: the same hunt gives the same bytes from
// one worker with large batches and from many with batches of a few lines.
func TestHuntOutputIsDeterministic(t *testing.T) {
	events := filepath.Join(t.TempDir(), "events")
	huntEvents(t, events, 2000)
	base := []string{"hunt", "--now", "2026-12-04T10:05:00Z", "--execution-id", "0b1f7a52-8d0c-4c59-a1a5-3f2e7c9d6b14"}
	var first string
	for i, flags := range [][]string{{"--workers", "1"}, {"--workers", "4", "--batch-size", "300"}, {"--workers", "3", "--batch-size", "1"}} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), append(append(base, flags...), events), &stdout, &stderr); code != exitOK {
			t.Fatalf("%v: exit %d\n%s", flags, code, &stderr)
		}
		if i == 0 {
			first = stdout.String()
			if strings.Count(first, "\n") < 50 {
				t.Fatalf("only %d signals: the case tests little", strings.Count(first, "\n"))
			}
			continue
		}
		if stdout.String() != first {
			t.Errorf("%v: output differs from one worker's", flags)
		}
	}
}
