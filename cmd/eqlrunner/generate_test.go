package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestGenerateDefaultStart checks that without --start the events end just
// before now: 100 events at 10 a second cover the last 10 seconds.
func TestGenerateDefaultStart(t *testing.T) {
	var stdout, stderr bytes.Buffer
	before := time.Now()
	if code := run(t.Context(), []string{"generate", "--count", "100", "--rate", "10", "--sources", "defend"}, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d:\n%s", code, &stderr)
	}
	after := time.Now()
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 100 {
		t.Fatalf("%d lines, want 100", len(lines))
	}
	for i, l := range lines {
		var doc struct {
			Timestamp time.Time `json:"@timestamp"`
			Event     struct {
				Ingested time.Time `json:"ingested"`
			} `json:"event"`
		}
		if err := json.Unmarshal([]byte(l), &doc); err != nil {
			t.Fatal(err)
		}
		if i == 0 && doc.Timestamp.Before(before.Add(-15*time.Second)) {
			t.Errorf("first event at %v, more than 15 s before the run at %v", doc.Timestamp, before)
		}
		if doc.Event.Ingested.After(after) {
			t.Errorf("event %d ingested at %v, after the run ended at %v", i, doc.Event.Ingested, after)
		}
	}
}

// TestGenerateAppends checks that -o DIR appends whole lines to the files
// of an earlier run.
func TestGenerateAppends(t *testing.T) {
	dir := t.TempDir()
	generate := func(seed string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		args := []string{"generate", "--count", "500", "--seed", seed, "--start", "2026-12-04T10:00:00Z", "-o", dir}
		if code := run(t.Context(), args, &stdout, &stderr); code != exitOK || stdout.Len() > 0 {
			t.Fatalf("exit %d, stdout %q:\n%s", code, &stdout, &stderr)
		}
	}
	lines := func() int {
		t.Helper()
		files, err := filepath.Glob(filepath.Join(dir, "*.ndjson"))
		if err != nil || len(files) != 5 {
			t.Fatalf("files %v, %v; want 5", files, err)
		}
		n := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(b, []byte("\n")) {
				t.Errorf("%s does not end at a line's end", f)
			}
			n += bytes.Count(b, []byte("\n"))
		}
		return n
	}
	generate("1")
	if n := lines(); n != 500 {
		t.Fatalf("%d lines after one run of 500", n)
	}
	generate("2")
	if n := lines(); n != 1000 {
		t.Errorf("%d lines after two runs of 500, want 1000", n)
	}
}

// TestGenerateRealTimeStopsOnCancel runs --count 0 on the fake clock until
// the context ends (SIGINT in main): it exits 0 with its summary.
func TestGenerateRealTimeStopsOnCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		var stdout, stderr bytes.Buffer
		code := make(chan int)
		go func() {
			code <- run(ctx, []string{"generate", "--count", "0", "--rate", "20", "-o", dir}, &stdout, &stderr)
		}()
		// Halfway between ticks, once the tick at 5 s is written.
		time.Sleep(5*time.Second + 50*time.Millisecond)
		synctest.Wait()
		cancel()
		if c := <-code; c != exitOK {
			t.Fatalf("exit %d, want 0:\n%s", c, &stderr)
		}
		// 20 a second for 5 s, and the first at once.
		if !strings.HasPrefix(stderr.String(), "eqlrunner generate: 101 events, ") {
			t.Errorf("stderr:\n%s\nwant a summary of 101 events", &stderr)
		}
	})
}
