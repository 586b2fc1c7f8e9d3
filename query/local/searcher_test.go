package local

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/query"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// fileEvent is a line the seed rule matches (or not, with another process).
func fileEvent(name, process string, ts, ingested time.Time) string {
	ing := ""
	if !ingested.IsZero() {
		ing = fmt.Sprintf(`,"ingested":%q`, ingested.Format(time.RFC3339Nano))
	}
	return fmt.Sprintf(`{"@timestamp":%q,"event":{"category":["file"],"type":["creation"]%s},"host":{"os":{"type":"windows"}},"process":{"name":%q},"file":{"name":%q,"extension":"dll","path":"C:\\Temp\\%s"}}`,
		ts.Format(time.RFC3339Nano), ing, process, name, name)
}

func write(t *testing.T, path string, lines ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	data := []byte(strings.Join(lines, "\n") + "\n")
	if strings.HasSuffix(path, ".gz") {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		_, _ = gz.Write(data)
		_ = gz.Close()
		data = buf.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(resp *query.Response) []string {
	var out []string
	for _, ev := range resp.Events {
		i := bytes.Index(ev.Source, []byte(`"file":{"name":"`))
		rest := ev.Source[i+len(`"file":{"name":"`):]
		out = append(out, string(rest[:bytes.IndexByte(rest, '"')]))
	}
	return out
}

func TestSearchSelectsFilesByIndexPatternAndEventsByWindow(t *testing.T) {
	dir := t.TempDir()
	rule := seedrule.Rule(t)
	from, to := t0.Add(-9*time.Minute), t0
	write(t, filepath.Join(dir, "endpoint", "logs-endpoint.events.file-default.ndjson"),
		fileEvent("in.dll", "lsass.exe", t0.Add(-time.Hour), t0.Add(-time.Minute)),  // ingested in the window
		fileEvent("out.dll", "lsass.exe", t0.Add(-time.Minute), t0.Add(-time.Hour)), // ingested before it
		fileEvent("fallback.dll", "lsass.exe", t0.Add(-2*time.Minute), time.Time{}), // judged by @timestamp
		fileEvent("benign.dll", "chrome.exe", t0.Add(-3*time.Minute), time.Time{}),  // no match
		fileEvent("bound.dll", "lsass.exe", t0.Add(-time.Hour), from),               // bounds are inclusive
		`{"broken json`,
	)
	write(t, filepath.Join(dir, "winlogbeat-8.17.4-2026.12.04.ndjson.gz"),
		fileEvent("gz.dll", "services.exe", t0.Add(-4*time.Minute), time.Time{}))
	write(t, filepath.Join(dir, "logs-endpoint.events.process-default.ndjson"), // not an index of the rule
		fileEvent("other-index.dll", "lsass.exe", t0.Add(-4*time.Minute), time.Time{}))

	s := New(dir, zerolog.Nop())
	resp, err := s.Search(context.Background(), query.Request{Rule: rule, Window: query.Window{From: from, To: to}, Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(names(resp), " ")
	if want := "in.dll bound.dll gz.dll fallback.dll"; got != want {
		t.Errorf("found %q, want %q (in @timestamp order, then input order)", got, want)
	}
	for _, ev := range resp.Events {
		if ev.ID != query.FileEventID(ev.Source) {
			t.Errorf("id %s is not the line's id", ev.ID)
		}
	}
	if resp.Events[0].Index != "logs-endpoint.events.file-default" {
		t.Errorf("index %q, want the file's base name", resp.Events[0].Index)
	}

	// Tail and exclusion, as Elasticsearch pages.
	resp, _ = s.Search(context.Background(), query.Request{Rule: rule, Window: query.Window{From: from, To: to}, Size: 2,
		Exclude: []query.EventRef{{Index: "winlogbeat-8.17.4-2026.12.04", ID: resp.Events[2].ID}}})
	if got := strings.Join(names(resp), " "); got != "bound.dll fallback.dll" {
		t.Errorf("size 2 without gz.dll: %q, want the newest two of the rest", got)
	}
}

func TestSearchWithNoMatchingFileReportsNoIndices(t *testing.T) {
	s := New(filepath.Join(t.TempDir(), "does-not-exist"), zerolog.Nop())
	resp, err := s.Search(context.Background(), query.Request{Rule: seedrule.Rule(t), Window: query.Window{From: t0, To: t0}, Size: 10})
	if err != nil || !resp.NoIndices {
		t.Fatalf("resp %+v, err %v; want NoIndices", resp, err)
	}
}

func TestAGrowingFilesLastLineWaitsForItsNewline(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs-endpoint.events.file-default.ndjson")
	whole := fileEvent("whole.dll", "lsass.exe", t0.Add(-time.Minute), time.Time{})
	half := fileEvent("half.dll", "lsass.exe", t0.Add(-time.Minute), time.Time{})
	if err := os.WriteFile(path, []byte(whole+"\n"+half[:40]), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	s := New(dir, zerolog.New(&logs))
	resp, err := s.Search(context.Background(), query.Request{Rule: seedrule.Rule(t), Window: query.Window{From: t0.Add(-9 * time.Minute), To: t0}, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(resp), " "); got != "whole.dll" || logs.Len() != 0 {
		t.Errorf("found %q, logged %q; want whole.dll and no complaint about the half line", got, logs.String())
	}
}

func TestBadLinesAreReportedOnceWithFileAndLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs-endpoint.events.file-default.ndjson")
	write(t, path, fileEvent("a.dll", "lsass.exe", t0.Add(-time.Minute), time.Time{}), `{"oops":`)
	var logs bytes.Buffer
	s := New(dir, zerolog.New(&logs))
	req := query.Request{Rule: seedrule.Rule(t), Window: query.Window{From: t0.Add(-9 * time.Minute), To: t0}, Size: 10}
	for range 2 {
		if _, err := s.Search(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), "bad event line"); n != 1 || !strings.Contains(logs.String(), `"line":2`) {
		t.Errorf("logged %d times:\n%s", n, logs.String())
	}
}
