package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/internal/estest"
	"github.com/eqlrunner/eqlrunner/internal/golden"
	"github.com/eqlrunner/eqlrunner/query/eql"
)

// These tests run the eqlrunner command, once and run, against the
// in-process Elasticsearch test server, and assert the requests it sends
// and the documents it writes.

const (
	testAPIKey   = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="
	eventsIndex  = "logs-endpoint.events.file-default"
	signalsIndex = "eqlrunner-signals-default"
	runsIndex    = "eqlrunner-runs-default"
)

var t0 = time.Date(2026, 12, 4, 10, 5, 0, 123_000_000, time.UTC)

type cli struct {
	t   *testing.T
	es  *estest.Server
	env map[string]string
}

// engineMatcher decides which events the test server's EQL searches match
// with eqlrunner's own EQL engine, standing in for Elasticsearch's.
func engineMatcher() estest.Option {
	var mu sync.Mutex
	progs := map[string]*eql.Program{}
	return estest.WithEQL(func(text string, source map[string]any) (bool, error) {
		mu.Lock()
		prog, ok := progs[text]
		if !ok {
			var err error
			if prog, err = eql.Compile(text, eql.Options{}); err != nil {
				mu.Unlock()
				return false, err
			}
			progs[text] = prog
		}
		mu.Unlock()
		if prog.Kind != eql.EventKind {
			return true, nil
		}
		line, err := json.Marshal(source)
		if err != nil {
			return false, err
		}
		dec, err := eql.NewDecoder(prog.Fields(), nil)
		if err != nil {
			return false, err
		}
		doc := eql.NewDoc(prog.Fields())
		if err := dec.Decode(line, doc); err != nil {
			return false, err
		}
		return prog.Match(doc), nil
	})
}

func newCLI(t *testing.T, opts ...estest.Option) *cli {
	t.Helper()
	es := estest.New(t, append([]estest.Option{estest.WithAPIKey(testAPIKey), engineMatcher()}, opts...)...)
	c := &cli{t: t, es: es, env: map[string]string{
		"ELASTICSEARCH_URL":     es.URL(),
		"ELASTICSEARCH_API_KEY": testAPIKey,
	}}
	saved := env
	env = func(k string) string { return c.env[k] }
	t.Cleanup(func() { env = saved })
	return c
}

// config writes a YAML config with fast retries and returns its path.
func (c *cli) config() string {
	path := filepath.Join(c.t.TempDir(), "eqlrunner.yaml")
	if err := os.WriteFile(path, []byte("elasticsearch:\n  retry_wait_min: 1ms\n  retry_wait_max: 5ms\n"), 0o600); err != nil {
		c.t.Fatal(err)
	}
	return path
}

type result struct {
	code           int
	stdout, stderr string
}

// once runs "eqlrunner once" as if the clock read at.
func (c *cli) once(at time.Time, args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	all := append([]string{"once", "--config", c.config(), "--now", at.Format(time.RFC3339Nano)}, args...)
	code := run(context.Background(), all, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// runSummaries returns the "rule run" log events of a command's stderr.
func runSummaries(t *testing.T, stderr string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(stderr, "\n") {
		var ev map[string]any
		if json.Unmarshal([]byte(line), &ev) == nil && ev["message"] == "rule run" {
			out = append(out, ev)
		}
	}
	return out
}

// fileEvent is a file event the built-in rule matches, at @timestamp ts,
// ingested at ingested (none when zero).
func fileEvent(name string, ts, ingested time.Time) map[string]any {
	ev := map[string]any{
		"@timestamp": ts.Format(time.RFC3339Nano),
		"event":      map[string]any{"category": []any{"file"}, "type": []any{"creation"}, "kind": "event"},
		"host":       map[string]any{"name": "ws-1", "os": map[string]any{"type": "windows"}},
		"process":    map[string]any{"name": "lsass.exe"},
		"file":       map[string]any{"name": name, "extension": "dll", "path": `C:\Windows\Temp\` + name},
	}
	if !ingested.IsZero() {
		ev["event"].(map[string]any)["ingested"] = ingested.Format(time.RFC3339Nano)
	}
	return ev
}

// at adds n events, one per second from start, ingested 2 s later.
func (c *cli) addEvents(prefix string, n int, start time.Time) {
	for i := range n {
		ts := start.Add(time.Duration(i) * time.Second)
		c.es.AddEvents(eventsIndex, fileEvent(fmt.Sprintf("%s-%03d.dll", prefix, i), ts, ts.Add(2*time.Second)))
	}
}

func (c *cli) signals() []estest.Doc { return c.es.Docs(signalsIndex) }

func (c *cli) eqlRequests() []estest.Request { return c.es.RequestsTo("/_eql/search") }

func TestOnceSendsKibanasEQLRequestForTheSeedRule(t *testing.T) {
	c := newCLI(t)
	c.es.CreateIndex(eventsIndex)
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	reqs := c.eqlRequests()
	if len(reqs) != 1 {
		t.Fatalf("%d EQL requests, want 1", len(reqs))
	}
	req := reqs[0]
	wantPath := "/winlogbeat-*,logs-endpoint.events.file-*,logs-windows.sysmon_operational-*,endgame-*,logs-m365_defender.event-*,logs-sentinel_one_cloud_funnel.*,logs-crowdstrike.fdr*/_eql/search"
	if req.Method != http.MethodPost || req.Path != wantPath {
		t.Errorf("%s %s, want POST %s", req.Method, req.Path, wantPath)
	}
	if q := req.Query; q.Get("allow_no_indices") != "true" || q.Get("ignore_unavailable") != "true" {
		t.Errorf("query string %v, want allow_no_indices=true&ignore_unavailable=true", q)
	}
	golden.Check(t, filepath.Join("testdata", "seed_eql_request.golden.json"), append(req.Body, '\n'))

	// Before searching: the templates and indices, then the checkpoints.
	var order []string
	for _, r := range c.es.Requests() {
		order = append(order, r.Method+" "+r.Path)
	}
	for _, want := range []string{
		"PUT /_index_template/" + signalsIndex, "PUT /" + signalsIndex,
		"PUT /_index_template/" + runsIndex, "PUT /" + runsIndex,
		"POST /" + runsIndex + "," + runsIndex + "-*/_search",
	} {
		if !strings.Contains(strings.Join(order, "\n"), want) {
			t.Errorf("no request %q among:\n%s", want, strings.Join(order, "\n"))
		}
	}
}

func TestOverlappingRunsSignalEachEventOnce(t *testing.T) {
	c := newCLI(t)
	benign := fileEvent("benign.dll", t0.Add(-4*time.Minute), t0.Add(-4*time.Minute))
	benign["process"] = map[string]any{"name": "chrome.exe"}
	c.es.AddEvents(eventsIndex, benign) // The rule's query leaves it out.
	c.addEvents("early", 3, t0.Add(-8*time.Minute))
	c.addEvents("late", 2, t0.Add(-2*time.Minute))
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("first run exit %d:\n%s", r.code, r.stderr)
	}
	c.addEvents("next", 2, t0.Add(time.Minute))
	c.es.Reset()
	r := c.once(t0.Add(5 * time.Minute))
	if r.code != 0 {
		t.Fatalf("second run exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(c.signals()); n != 7 {
		t.Fatalf("%d signals, want 7: one per event", n)
	}
	sum := runSummaries(t, r.stderr)
	if len(sum) != 1 || sum[0]["new"] != 2.0 || sum[0]["duplicates"] != 2.0 {
		t.Errorf("second run summary %v, want 2 new and the 2 late events of the overlap as duplicates", sum)
	}
	// The dedup search asked about the candidates; the bulk wrote only the new.
	dedup := c.es.RequestsTo(signalsIndex + "-*/_search")
	bulk := c.es.RequestsTo("/_bulk")
	if len(dedup) != 1 || len(bulk) != 1 {
		t.Fatalf("%d dedup searches and %d bulks, want one of each", len(dedup), len(bulk))
	}
	if ids := dedup[0].JSON()["query"].(map[string]any)["ids"].(map[string]any)["values"].([]any); len(ids) != 4 {
		t.Errorf("dedup asked about %d ids, want the 4 candidates", len(ids))
	}
	lines := bulk[0].NDJSON()
	if len(lines) != 4 {
		t.Fatalf("bulk of %d lines, want 2 create actions and 2 documents", len(lines))
	}
	for i := 0; i < len(lines); i += 2 {
		if _, ok := lines[i]["create"]; !ok {
			t.Errorf("bulk action %v, want create", lines[i])
		}
	}
}

func TestBusyWindowWrites100NowAndTheOther50NextRun(t *testing.T) {
	c := newCLI(t)
	c.addEvents("busy", 150, t0.Add(-8*time.Minute))
	r := c.once(t0)
	if r.code != 1 {
		t.Errorf("exit %d, want 1: the run is partial", r.code)
	}
	if n := len(c.signals()); n != 100 {
		t.Fatalf("first run wrote %d signals, want 100", n)
	}
	sum := runSummaries(t, r.stderr)
	if len(sum) != 1 || sum[0]["backlog"] != 50.0 || sum[0]["level"] != "warn" ||
		!strings.Contains(fmt.Sprint(sum[0]["warnings"]), "50 more new matches wait for the next run") {
		t.Errorf("summary %v, want a warning with a backlog of 50", sum)
	}
	if r := c.once(t0.Add(5 * time.Minute)); r.code != 0 {
		t.Fatalf("second run exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(c.signals()); n != 150 {
		t.Errorf("after the second run %d signals, want all 150", n)
	}
}

func TestFailedRunIsSearchedAgain40MinutesLater(t *testing.T) {
	c := newCLI(t)
	c.addEvents("before", 1, t0.Add(-time.Minute))
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	c.addEvents("during", 2, t0.Add(2*time.Minute))
	c.es.FailNext(estest.MatchPath("/_eql/search"), http.StatusBadRequest)
	if r := c.once(t0.Add(5 * time.Minute)); r.code != 1 || !strings.Contains(r.stderr, `"status":"failed"`) {
		t.Fatalf("exit %d, want a failed run:\n%s", r.code, r.stderr)
	}
	c.es.Reset()
	r := c.once(t0.Add(45 * time.Minute))
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(c.signals()); n != 3 {
		t.Errorf("%d signals, want 3: the failed run's events too", n)
	}
	reqs := c.eqlRequests()
	first := reqs[0].JSON()["filter"].(map[string]any)["bool"].(map[string]any)["filter"].([]any)[0]
	if !strings.Contains(fmt.Sprint(first), t0.Format("2006-01-02T15:04:05.000Z")) {
		t.Errorf("first window of the catch-up %v does not start at the checkpoint %v", first, t0)
	}
	if len(reqs) != 5 {
		t.Errorf("%d searches for 45 minutes from the checkpoint, want 5 windows of at most 9 minutes", len(reqs))
	}
}

func TestTransientErrorsAreRetriedOthersFailTheRun(t *testing.T) {
	c := newCLI(t)
	c.addEvents("a", 1, t0.Add(-time.Minute))
	c.es.FailNext(estest.MatchPath("/_eql/search"), http.StatusTooManyRequests, http.StatusServiceUnavailable)
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d after 429 and 503, want retries then success:\n%s", r.code, r.stderr)
	}
	if n := len(c.eqlRequests()); n != 3 {
		t.Errorf("%d EQL requests, want 3: two retried failures and the success", n)
	}

	c.es.Reset()
	c.addEvents("b", 1, t0.Add(4*time.Minute))
	c.es.FailNext(estest.MatchPath("/_eql/search"), http.StatusBadRequest)
	r := c.once(t0.Add(5 * time.Minute))
	if r.code != 1 {
		t.Fatalf("exit %d after a 400, want 1", r.code)
	}
	if n := len(c.eqlRequests()); n != 1 {
		t.Errorf("%d EQL requests after a 400, want 1: no retry", n)
	}
	sum := runSummaries(t, r.stderr)
	if len(sum) != 1 || sum[0]["status"] != "failed" || sum[0]["checkpoint"] != t0.Format("2006-01-02T15:04:05.000Z07:00") {
		t.Errorf("summary %v, want failed with the checkpoint unchanged at %v", sum, t0)
	}
	if !strings.Contains(fmt.Sprint(sum[0]["error"]), "parsing_exception") {
		t.Errorf("error %v does not name Elasticsearch's error", sum[0]["error"])
	}
}

func TestBulkItemFailureFailsTheRunAndTheNextWritesIt(t *testing.T) {
	c := newCLI(t)
	c.addEvents("a", 2, t0.Add(-time.Minute))
	c.es.FailBulkItems(func(string) bool { return true }, http.StatusInternalServerError)
	r := c.once(t0)
	if r.code != 1 || !strings.Contains(r.stderr, `"status":"failed"`) {
		t.Fatalf("exit %d, want a failed run:\n%s", r.code, r.stderr)
	}
	c.es.ClearFaults()
	if r := c.once(t0.Add(5 * time.Minute)); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	if n := len(c.signals()); n != 2 {
		t.Errorf("%d signals, want the 2 the failed run could not write", n)
	}
}

func TestWindowJudgesByEventIngestedWithTimestampFallback(t *testing.T) {
	c := newCLI(t)
	from := t0.Add(-9 * time.Minute)
	c.es.AddEvents(eventsIndex,
		fileEvent("ingested-in.dll", from.Add(-time.Hour), t0.Add(-time.Minute)),       // late arrival: signalled
		fileEvent("ingested-out.dll", t0.Add(-time.Minute), t0.Add(-time.Hour)),        // ingested before the window: not
		fileEvent("no-ingested.dll", t0.Add(-time.Minute), time.Time{}),                // judged by @timestamp: signalled
		fileEvent("no-ingested-old.dll", t0.Add(-time.Hour), time.Time{}),              // judged by @timestamp: not
		fileEvent("ingested-at-bound.dll", from.Add(-time.Hour), from),                 // bounds are inclusive
		fileEvent("ingested-after-now.dll", t0.Add(-time.Minute), t0.Add(time.Second)), // not yet
	)
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	var got []string
	for _, d := range c.signals() {
		got = append(got, fmt.Sprint(d.Source["file"].(map[string]any)["name"]))
	}
	want := "ingested-at-bound.dll ingested-in.dll no-ingested.dll"
	if strings.Join(sorted(got), " ") != want {
		t.Errorf("signalled %v, want %s", sorted(got), want)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestNoSecretInAnyOutput(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"api key, a working run at debug level", nil, []string{"--log-level", "debug"}},
		{"api key, every request failing", map[string]string{}, []string{"--log-level", "debug", "--es-max-retries", "1"}},
		{"wrong password in the URL", map[string]string{"ELASTICSEARCH_API_KEY": ""}, []string{"--es-url", "USERURL", "--log-level", "debug"}},
		{"password flag", map[string]string{"ELASTICSEARCH_API_KEY": ""}, []string{"--es-username", "elastic", "--es-password", "s3cr3t-Pa55w0rd", "--log-level", "debug"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			c.addEvents("a", 3, t0.Add(-time.Minute))
			for k, v := range tt.env {
				c.env[k] = v
			}
			if strings.Contains(tt.name, "failing") {
				c.es.FailNext(func(*http.Request) bool { return true }, 503, 503, 503, 503, 503, 503, 503, 503, 503, 503)
			}
			args := append([]string(nil), tt.args...)
			for i, a := range args {
				if a == "USERURL" {
					args[i] = strings.Replace(c.es.URL(), "://", "://elastic:s3cr3t-Pa55w0rd@", 1)
				}
			}
			r := c.once(t0, args...)
			for _, secret := range []string{testAPIKey, "s3cr3t-Pa55w0rd", "dWkybHAyYXhUTm1zeWFrdzl0dk5udw"} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("secret %q in the output:\n%s", secret, r.stderr)
				}
			}
			if r.stderr == "" {
				t.Error("no output at all: the test checks nothing")
			}
		})
	}
}

func TestRunDaemonRunsAtStartAndStopsOnSignal(t *testing.T) {
	c := newCLI(t)
	c.addEvents("a", 2, time.Now().Add(-time.Minute))
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"run", "--config", c.config(), "--shutdown-timeout", "5s"}, &out, &errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(c.es.Docs(runsIndex)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d on SIGTERM, want 0:\n%s", code, errOut.String())
	}
	if n := len(c.signals()); n != 2 {
		t.Errorf("%d signals after the start-up run, want 2:\n%s", n, errOut.String())
	}
	if !strings.Contains(errOut.String(), `"message":"stopped"`) {
		t.Errorf("no stop logged:\n%s", errOut.String())
	}
}

func TestNoMatchingIndexIsAWarningNotAFailure(t *testing.T) {
	c := newCLI(t)
	r := c.once(t0)
	sum := runSummaries(t, r.stderr)
	if len(sum) != 1 || sum[0]["status"] != "partial" || !strings.Contains(fmt.Sprint(sum[0]["warnings"]), "no index matches") {
		t.Errorf("summary %v, want a partial run warning that no index matches", sum)
	}
}

func TestSequenceHitsBecomeShellAndBuildingBlocksOnce(t *testing.T) {
	// The test server pairs each process start with the next file event
	// of its host, standing in for Elasticsearch's sequence matching.
	pairs := func(_ string, events []estest.Doc) ([][]estest.Doc, [][]any, error) {
		var seqs [][]estest.Doc
		var keys [][]any
		for i, ev := range events {
			if ev.Source["event"].(map[string]any)["category"] != "process" {
				continue
			}
			for _, next := range events[i+1:] {
				if next.Source["event"].(map[string]any)["category"] == "file" {
					seqs = append(seqs, []estest.Doc{ev, next})
					keys = append(keys, []any{"ws-1"})
					break
				}
			}
		}
		return seqs, keys, nil
	}
	c := newCLI(t, estest.WithSequences(pairs))
	doc := func(category string, at time.Time) map[string]any {
		return map[string]any{
			"@timestamp": at.Format(time.RFC3339Nano),
			"event":      map[string]any{"category": category, "type": "start"},
			"host":       map[string]any{"name": "ws-1"},
			"process":    map[string]any{"name": "cmd.exe"},
		}
	}
	c.es.AddEvents("logs-endpoint.events.process-default", doc("process", t0.Add(-3*time.Minute)))
	c.es.AddEvents("logs-endpoint.events.file-default", doc("file", t0.Add(-2*time.Minute)))
	rules := filepath.Join("testdata", "rules", "sequence.toml")
	if r := c.once(t0, "--rules", rules); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	docs := c.signals()
	if len(docs) != 3 {
		t.Fatalf("%d signals, want a shell and 2 building blocks", len(docs))
	}
	shell := docs[0]
	if shell.Source["kibana.alert.depth"] != 2.0 || shell.Source["kibana.alert.group.id"] != shell.ID {
		t.Errorf("first document is not the shell: %v", shell.Source["kibana.alert.depth"])
	}
	for i, bb := range docs[1:] {
		if bb.Source["kibana.alert.group.id"] != shell.ID || bb.Source["kibana.alert.group.index"] != float64(i) ||
			bb.Source["kibana.alert.building_block_type"] != "default" {
			t.Errorf("block %d: group %v/%v, type %v", i, bb.Source["kibana.alert.group.id"], bb.Source["kibana.alert.group.index"], bb.Source["kibana.alert.building_block_type"])
		}
	}
	r := c.once(t0.Add(5*time.Minute), "--rules", rules)
	if r.code != 0 || len(c.signals()) != 3 {
		t.Fatalf("second run: exit %d, %d signals; want the sequence deduplicated", r.code, len(c.signals()))
	}
	if sum := runSummaries(t, r.stderr); len(sum) != 1 || sum[0]["duplicates"] != 1.0 {
		t.Errorf("second run summary %v, want the sequence counted as a duplicate", sum)
	}
}
