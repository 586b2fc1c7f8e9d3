package hunt

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/eventgen"
	"github.com/eqlrunner/eqlrunner/internal/seedrule"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
	"github.com/eqlrunner/eqlrunner/rules"
)

var (
	testNow  = time.Date(2026, 12, 4, 10, 5, 0, 123e6, time.UTC)
	testExec = "6c1a7d3e-2b4f-4e8a-9c0d-5f6e7a8b9c0d"
)

// testRule loads one rule from detection-rules TOML with the given query.
func testRule(t testing.TB, name, ruleID, query string, index ...string) *rules.Rule {
	t.Helper()
	if len(index) == 0 {
		index = []string{"logs-*"}
	}
	q, _ := json.Marshal(index)
	toml := fmt.Sprintf(`[metadata]
creation_date = "2026/12/01"
maturity = "production"
updated_date = "2026/12/01"

[rule]
author = ["eqlrunner tests"]
description = "A test rule."
from = "now-9m"
index = %s
language = "eql"
license = "Apache-2.0"
name = %q
risk_score = 47
rule_id = %q
severity = "medium"
type = "eql"
version = 1
query = '''
%s
'''
`, q, name, ruleID, query)
	path := filepath.Join(t.TempDir(), "rule.toml")
	if err := os.WriteFile(path, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	res := rules.Load(context.Background(), rules.LoadOptions{}, path)
	if err := res.Err(); err != nil || len(res.Rules) != 1 {
		t.Fatalf("load rule: %v %v", err, res.Problems)
	}
	return res.Rules[0]
}

// sequenceRule is a process start followed by an executable write on the
// same host within a minute.
func sequenceRule(t testing.TB) *rules.Rule {
	return testRule(t, "Process then executable write", "7d9c1c36-2a43-4c3e-9d43-0f7b0c8a1e55", `sequence by host.name with maxspan=1m
  [process where event.type == "start"]
  [file where file.extension == "exe"]`)
}

// hitSource reads the _source of a hit of alerting/testdata/hits as one
// compact line.
func hitSource(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "alerting", "testdata", "hits", name))
	if err != nil {
		t.Fatal(err)
	}
	var hit struct {
		Source json.RawMessage `json:"_source"`
	}
	if err := json.Unmarshal(data, &hit); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, hit.Source); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

type hunted struct {
	out      string
	stats    Stats
	problems []string
}

// hunt runs opts over inputs given as name → NDJSON text, in order.
func hunt(t testing.TB, opts Options, inputs ...[2]string) hunted {
	t.Helper()
	for _, in := range inputs {
		opts.Inputs = append(opts.Inputs, NewInput(in[0], query.IndexOfFile(in[0]), strings.NewReader(in[1])))
	}
	return huntInputs(t, opts)
}

func huntInputs(t testing.TB, opts Options) hunted {
	t.Helper()
	var out bytes.Buffer
	var h hunted
	opts.Output = &out
	opts.Now, opts.ExecutionID = testNow, testExec
	opts.OnProblem = func(p Problem) { h.problems = append(h.problems, p.String()) }
	st, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	h.out, h.stats = out.String(), st
	return h
}

// signalDoc is a line of the output.
type signalDoc struct {
	Index  string         `json:"_index"`
	ID     string         `json:"_id"`
	Source map[string]any `json:"_source"`
}

func parseOutput(t testing.TB, out string) []signalDoc {
	t.Helper()
	var docs []signalDoc
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var d signalDoc
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		docs = append(docs, d)
	}
	return docs
}

// TestSignalsAreTheBuildersDocuments hunts the built-in rule over the
// Defend, Sysmon and Endgame events it signals in alerting's tests, mixed
// with events it must not match: each match gives exactly the document
// alerting.Builder builds for it, encoded as the signals file stores it.
func TestSignalsAreTheBuildersDocuments(t *testing.T) {
	rule := seedrule.Rule(t)
	defend, sysmon, endgame := hitSource(t, "defend.json"), hitSource(t, "sysmon.json"), hitSource(t, "endgame.json")
	misses := []string{
		strings.Replace(defend, `"lsass.exe"`, `"explorer.exe"`, 1),                                               // Not a critical process.
		strings.Replace(sysmon, `"type":["creation"]`, `"type":["deletion"]`, 1),                                  // A deletion.
		strings.Replace(endgame, `"type":"windows"`, `"type":"linux"`, 1),                                         // Not Windows.
		`{"@timestamp":"2026-12-04T09:58:00Z","event":{"category":["process"]},"host":{"os":{"type":"windows"}}}`, // Another category.
	}
	withID := strings.Replace(defend, `{"@timestamp"`, `{"_id":"exported-1","@timestamp"`, 1)
	events := strings.Join([]string{misses[0], defend, misses[1], sysmon, misses[2], endgame, misses[3], withID}, "\n") + "\n"
	got := hunt(t, Options{Rules: []*rules.Rule{rule}}, [2]string{"logs-mixed.ndjson", events})

	if len(got.problems) > 0 {
		t.Errorf("problems: %q", got.problems)
	}
	builder := alerting.NewBuilder(rule, alerting.Run{ExecutionID: testExec, Now: testNow, Manual: true})
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	wantIDs := []string{}
	for _, line := range []string{defend, sysmon, endgame, withID} {
		id := query.LineID([]byte(line))
		if line == withID {
			id = "exported-1"
		}
		sig, err := builder.Event(query.Event{Index: "logs-mixed", ID: id, Source: json.RawMessage(line)})
		if err != nil {
			t.Fatal(err)
		}
		delete(sig.Source, "_id")
		if err := enc.Encode(signalDoc{Index: "eqlrunner-signals-default", ID: sig.ID, Source: sig.Source}); err != nil {
			t.Fatal(err)
		}
		wantIDs = append(wantIDs, alerting.SignalID("logs-mixed", id, "default", rule.RuleID))
	}
	if diff := cmp.Diff(want.String(), got.out); diff != "" {
		t.Errorf("output (-builder +hunt):\n%s", diff)
	}
	var gotIDs []string
	for _, d := range parseOutput(t, got.out) {
		gotIDs = append(gotIDs, d.ID)
		if _, ok := d.Source["_id"]; ok {
			t.Errorf("signal %s keeps the event's _id in its source", d.ID)
		}
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("signal ids (-SignalID +hunt):\n%s", diff)
	}
	wantStats := Stats{Inputs: 1, Bytes: int64(len(events)), Events: 8, Signals: 4, Matches: []int64{4}}
	if diff := cmp.Diff(wantStats, got.stats); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// generated writes n events of eventgen, one file per index, and returns
// the inputs and how many true positives of the built-in rule they hold.
func generated(t testing.TB, n int) (map[string]string, int) {
	t.Helper()
	g, err := eventgen.New(eventgen.Options{Seed: 3, Start: time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC), Rate: 50})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*strings.Builder{}
	tps := 0
	for range n {
		ev := g.Next()
		if files[ev.Index] == nil {
			files[ev.Index] = &strings.Builder{}
		}
		files[ev.Index].Write(ev.Line)
		files[ev.Index].WriteByte('\n')
		if ev.Kind == eventgen.TruePositive {
			tps++
		}
	}
	out := map[string]string{}
	for index, b := range files {
		out[index+".ndjson"] = b.String()
	}
	return out, tps
}

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutputDoesNotDependOnWorkersOrBatches hunts generated events with an
// event rule and a sequence rule, from one worker with large batches to
// many workers with batches of a few lines: the output is the same bytes.
func TestOutputDoesNotDependOnWorkersOrBatches(t *testing.T) {
	files, tps := generated(t, 3000)
	dir := t.TempDir()
	writeFiles(t, dir, files)
	inputs, err := Inputs(context.Background(), []string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := []*rules.Rule{seedrule.Rule(t), sequenceRule(t)}
	var first hunted
	for i, c := range []struct{ workers, batch int }{{1, 0}, {2, 0}, {4, 4096}, {3, 1}, {8, 700}} {
		got := huntInputs(t, Options{Rules: rs, Inputs: inputs, Workers: c.workers, BatchSize: c.batch})
		if i == 0 {
			first = got
			if got.stats.Events != 3000 || got.stats.Matches[0] != int64(tps) || got.stats.Matches[1] == 0 {
				t.Fatalf("events %d, seed rule matches %d (want %d true positives), sequences %d",
					got.stats.Events, got.stats.Matches[0], tps, got.stats.Matches[1])
			}
			continue
		}
		if got.out != first.out {
			t.Errorf("workers %d, batch %d: output differs from one worker's", c.workers, c.batch)
		}
		if diff := cmp.Diff(first.stats, got.stats); diff != "" {
			t.Errorf("workers %d, batch %d: stats (-one worker +these):\n%s", c.workers, c.batch, diff)
		}
	}
	// Events of files are kept for the sequence rule as offsets and read
	// again; events of streams as lines: the same events either way.
	var streams []Input
	for _, in := range inputs {
		data, err := os.ReadFile(in.Name)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, NewInput(in.Name, in.Index, bytes.NewReader(data)))
	}
	if got := huntInputs(t, Options{Rules: rs, Inputs: streams, BatchSize: 4096}); got.out != first.out {
		t.Error("hunting the files as streams gives other signals")
	}
}

// TestSequenceAcrossInputs finds a sequence whose events are in two files
// given in the opposite order of their timestamps, and lines within a file
// out of order.
func TestSequenceAcrossInputs(t *testing.T) {
	files := [][2]string{
		{"logs-endpoint.events.file-default.ndjson",
			`{"@timestamp":"2026-12-04T10:00:30Z","event":{"category":"file","type":"creation"},"file":{"extension":"exe","name":"b.exe"},"host":{"name":"h1"}}` + "\n" +
				`{"@timestamp":"2026-12-04T09:59:00Z","event":{"category":"file","type":"creation"},"file":{"extension":"exe","name":"early.exe"},"host":{"name":"h1"}}` + "\n"},
		{"logs-endpoint.events.process-default.ndjson",
			`{"@timestamp":"2026-12-04T10:00:10Z","event":{"category":"process","type":"start"},"process":{"name":"a.exe"},"host":{"name":"h1"}}` + "\n" +
				`{"@timestamp":"2026-12-04T10:00:20Z","event":{"category":"process","type":"start"},"process":{"name":"other.exe"},"host":{"name":"h2"}}` + "\n"},
	}
	rule := sequenceRule(t)
	got := hunt(t, Options{Rules: []*rules.Rule{rule}}, files...)
	docs := parseOutput(t, got.out)
	if len(docs) != 3 || got.stats.Matches[0] != 1 || got.stats.Relevant != 4 {
		t.Fatalf("want one sequence (a shell and two blocks) from 4 relevant events; got %d signals, %d matches, %d relevant:\n%s",
			len(docs), got.stats.Matches[0], got.stats.Relevant, got.out)
	}
	// The ids are the ones Kibana's formula gives the events.
	processLine := strings.TrimSuffix(strings.SplitAfter(files[1][1], "\n")[0], "\n")
	fileLine := strings.TrimSuffix(strings.SplitAfter(files[0][1], "\n")[0], "\n")
	events := []query.Event{
		{Index: "logs-endpoint.events.process-default", ID: query.LineID([]byte(processLine))},
		{Index: "logs-endpoint.events.file-default", ID: query.LineID([]byte(fileLine))},
	}
	blocks := alerting.BuildingBlockIDs(events, rule.RuleID)
	if docs[1].ID != blocks[0] || docs[2].ID != blocks[1] {
		t.Errorf("building blocks %s %s, want %v", docs[1].ID, docs[2].ID, blocks)
	}
	if docs[0].Source["kibana.alert.group.id"] != docs[0].ID || docs[1].Source["kibana.alert.group.id"] != docs[0].ID {
		t.Errorf("the shell comes first and groups the blocks: %v", docs[0].Source["kibana.alert.group.id"])
	}
}

func TestFromTo(t *testing.T) {
	events := `{"@timestamp":"2026-12-04T09:59:59.999Z","event":{"category":"process"},"n":1}
{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"},"n":2}
{"@timestamp":"2026-12-04T10:30:00Z","event":{"category":"process"},"n":3}
{"@timestamp":"2026-12-04T11:00:00Z","event":{"category":"process"},"n":4}
{"@timestamp":"2026-12-04T11:00:00.001Z","event":{"category":"process"},"n":5}
{"event":{"category":"process"},"n":6}
{"@timestamp":["2026-12-04T08:00:00Z","2026-12-04T10:10:00Z"],"event":{"category":"process"},"n":7}
{"@timestamp":1796379600000,"event":{"category":"process"},"n":8}
`
	rule := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`)
	from := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	to := time.Date(2026, 12, 4, 11, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to time.Time
		want     []float64
	}{
		{"unbounded", time.Time{}, time.Time{}, []float64{1, 2, 3, 4, 5, 6, 7, 8}},
		{"both bounds, inclusive", from, to, []float64{2, 3, 4, 7, 8}},
		{"from only", from, time.Time{}, []float64{2, 3, 4, 5, 7, 8}},
		{"to only", time.Time{}, to, []float64{1, 2, 3, 4, 7, 8}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hunt(t, Options{Rules: []*rules.Rule{rule}, From: tt.from, To: tt.to}, [2]string{"logs-x.ndjson", events})
			var ns []float64
			for _, d := range parseOutput(t, got.out) {
				ns = append(ns, d.Source["n"].(float64))
			}
			if diff := cmp.Diff(tt.want, ns); diff != "" {
				t.Errorf("events signalled (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBadLinesAreReportedAndSkipped: a line that is not a JSON object is
// told as input:line and counted; blank lines are no events; the lines
// around are hunted as usual, whatever the batch size.
func TestBadLinesAreReportedAndSkipped(t *testing.T) {
	defer func(n int) { maxLineBytes = n }(maxLineBytes)
	maxLineBytes = 1 << 20
	rule := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`)
	ok := `{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}`
	events := strings.Join([]string{
		ok,
		`{"event":{"category":"process"}`,
		"",
		"   \t",
		`["not", "an", "object"]`,
		ok + "\r",
		`{"@timestamp":"yesterday","event":{"category":"process"}}`,
		`{"padding":"` + strings.Repeat("x", 3<<19) + `"}`,
		ok,
		`{"x":{"y":[1,}}`,
	}, "\n") // The last line has no newline.
	want := []string{
		"logs-x.ndjson:2: invalid JSON at offset 31: expected ',' or '}'",
		"logs-x.ndjson:5: event is not a JSON object",
		"logs-x.ndjson:7: field [@timestamp]: cannot parse [yesterday] as a date",
		"logs-x.ndjson:8: line longer than 1 MiB",
		"logs-x.ndjson:10: invalid JSON at offset 13: unexpected character '}'",
	}
	for _, batch := range []int{0, 1, 50, 1 << 19} {
		got := hunt(t, Options{Rules: []*rules.Rule{rule}, BatchSize: batch}, [2]string{"logs-x.ndjson", events})
		if diff := cmp.Diff(want, got.problems); diff != "" {
			t.Errorf("batch %d: problems (-want +got):\n%s", batch, diff)
		}
		if got.stats.Events != 3 || got.stats.BadLines != 5 || got.stats.Signals != 3 {
			t.Errorf("batch %d: %d events, %d bad lines, %d signals; want 3, 5, 3", batch, got.stats.Events, got.stats.BadLines, got.stats.Signals)
		}
	}
}

// TestInputs resolves files, directory trees and stdin, and reads gzipped
// files whatever their name.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	line := `{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(line + line))
	zw.Close()
	writeFiles(t, dir, map[string]string{
		"tree/b/logs-b.ndjson.gz":    gz.String(),
		"tree/a/logs-a.json":         line,
		"tree/a/logs-c.jsonl":        line,
		"tree/a/notes.txt":           "not events",
		"tree/.hidden/logs-h.ndjson": line,
		"tree/a/.logs-h.ndjson":      line,
		"named.log":                  gz.String(), // Gzipped, by its bytes.
	})
	inputs, err := Inputs(context.Background(), []string{filepath.Join(dir, "tree"), filepath.Join(dir, "named.log"), "-"}, strings.NewReader(line))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, in := range inputs {
		got = append(got, [2]string{strings.TrimPrefix(filepath.ToSlash(in.Name), filepath.ToSlash(dir)+"/"), in.Index})
	}
	want := [][2]string{
		{"tree/a/logs-a.json", "logs-a"}, {"tree/a/logs-c.jsonl", "logs-c"}, {"tree/b/logs-b.ndjson.gz", "logs-b"},
		{"named.log", "named.log"}, {"-", "stdin"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("inputs (-want +got):\n%s", diff)
	}
	rule := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`)
	h := huntInputs(t, Options{Rules: []*rules.Rule{rule}, Inputs: inputs})
	if h.stats.Inputs != 5 || h.stats.Events != 7 || h.stats.Signals != 7 || len(h.problems) > 0 {
		t.Errorf("%d inputs, %d events, %d signals, problems %q; want 5, 7, 7, none", h.stats.Inputs, h.stats.Events, h.stats.Signals, h.problems)
	}

	for _, bad := range []string{filepath.Join(dir, "missing.ndjson"), filepath.Join(dir, "tree", "a", "notes.txt", "x")} {
		if _, err := Inputs(context.Background(), []string{bad}, nil); err == nil {
			t.Errorf("Inputs(%s): no error", bad)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if _, err := Inputs(context.Background(), []string{empty}, nil); err == nil || !strings.Contains(err.Error(), "no *.ndjson") {
		t.Errorf("a tree without event files: %v", err)
	}
}

// TestUnreadableInput: an input that fails part way is told and counted,
// what it gave before is hunted, and the next input is read.
func TestUnreadableInput(t *testing.T) {
	line := `{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}` + "\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(strings.Repeat(line, 100)))
	zw.Close()
	truncated := gz.Bytes()[:gz.Len()-10]
	rule := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`)
	got := huntInputs(t, Options{Rules: []*rules.Rule{rule}, Inputs: []Input{
		NewInput("broken.ndjson.gz", "broken", bytes.NewReader(truncated)),
		NewInput("failing.ndjson", "failing", io.MultiReader(strings.NewReader(line), iotest.ErrReader(fmt.Errorf("disk on fire")))),
		NewInput("good.ndjson", "good", strings.NewReader(line)),
	}})
	want := []string{"broken.ndjson.gz: unexpected EOF", "failing.ndjson: disk on fire"}
	if diff := cmp.Diff(want, got.problems); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	if got.stats.InputErrors != 2 || got.stats.Inputs != 3 || got.stats.Events < 2 {
		t.Errorf("%d input errors, %d inputs, %d events", got.stats.InputErrors, got.stats.Inputs, got.stats.Events)
	}
}

// TestShortReads reads a stream a byte at a time, as a slow pipe gives it.
func TestShortReads(t *testing.T) {
	files, tps := generated(t, 200)
	var all strings.Builder
	for _, content := range files {
		all.WriteString(content)
	}
	in := NewInput("-", "stdin", iotest.OneByteReader(strings.NewReader(all.String())))
	in.Stream = true
	got := huntInputs(t, Options{Rules: []*rules.Rule{seedrule.Rule(t)}, Inputs: []Input{in}, BatchSize: 512})
	if got.stats.Events != 200 || got.stats.Signals != int64(tps) || len(got.problems) > 0 {
		t.Errorf("%d events, %d signals (want 200, %d), problems %q", got.stats.Events, got.stats.Signals, tps, got.problems)
	}
}

// TestRespectIndex runs a rule only on the inputs its index patterns
// select.
func TestRespectIndex(t *testing.T) {
	line := `{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process"}}` + "\n"
	rule := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`, "logs-endpoint.events.*", "winlogbeat-*")
	seq := testRule(t, "Two processes", "a1b2c3d4-0000-4000-8000-000000000002", `sequence [process where true] [process where true]`, "winlogbeat-*")
	inputs := [][2]string{
		{"logs-endpoint.events.process-default.ndjson", line},
		{"winlogbeat-8.ndjson.gz", line + line},
		{"other.ndjson", line},
	}
	for _, tt := range []struct {
		respect bool
		want    []int64
	}{{false, []int64{4, 3}}, {true, []int64{3, 1}}} {
		got := hunt(t, Options{Rules: []*rules.Rule{rule, seq}, RespectIndex: tt.respect}, inputs...)
		if diff := cmp.Diff(tt.want, got.stats.Matches); diff != "" {
			t.Errorf("respect index %v: matches (-want +got):\n%s", tt.respect, diff)
		}
	}
}

// TestSequenceProblems: an event a sequence cannot order is told for that
// rule and skipped; other rules still see it.
func TestSequenceProblems(t *testing.T) {
	events := `{"event":{"category":"process","type":"start"},"host":{"name":"h1"}}
{"@timestamp":"2026-12-04T10:00:00Z","event":{"category":"process","type":"start"},"host":{"name":["h1","h2"]}}
`
	procs := testRule(t, "Processes", "a1b2c3d4-0000-4000-8000-000000000001", `process where true`)
	seq := sequenceRule(t)
	got := hunt(t, Options{Rules: []*rules.Rule{procs, seq}}, [2]string{"logs-x.ndjson", events})
	want := []string{
		`logs-x.ndjson:1: rule "Process then executable write" (7d9c1c36-2a43-4c3e-9d43-0f7b0c8a1e55): expected timestamp field [@timestamp] to have a value but got none`,
	}
	if len(got.problems) < 2 || got.problems[0] != want[0] || !strings.HasPrefix(got.problems[1], `logs-x.ndjson:2: rule "Process then executable write"`) {
		t.Errorf("problems: %q", got.problems)
	}
	if got.stats.Skipped != 2 || got.stats.Matches[0] != 2 {
		t.Errorf("%d skipped, %d process matches; want 2, 2", got.stats.Skipped, got.stats.Matches[0])
	}
}

// TestOutputErrorStops: when the output fails, the hunt stops with the
// error.
func TestOutputErrorStops(t *testing.T) {
	files, _ := generated(t, 2000)
	var opts Options
	for name, content := range files {
		opts.Inputs = append(opts.Inputs, NewInput(name, query.IndexOfFile(name), strings.NewReader(content)))
	}
	opts.Rules = []*rules.Rule{testRule(t, "Anything", "a1b2c3d4-0000-4000-8000-000000000001", `any where true`)}
	opts.Output = errWriter{}
	opts.BatchSize = 1024
	if _, err := Run(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("Run = %v, want the output's error", err)
	}
}

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("no space left on device") }

// TestEveryRuleSeesWhatItShould compares a hunt's matches per rule with a
// search of every event by each rule alone (Program.Search, no category
// index, no relevance filter), for rules of every shape and events whose
// category is an array, missing, not a string or under another field.
func TestEveryRuleSeesWhatItShould(t *testing.T) {
	rs := []*rules.Rule{
		testRule(t, "Process starts", "a1b2c3d4-0000-4000-8000-000000000001", `process where event.type == "start"`),
		testRule(t, "Anything named x", "a1b2c3d4-0000-4000-8000-000000000002", `any where name : "x*"`),
		testRule(t, "Files or processes", "a1b2c3d4-0000-4000-8000-000000000003",
			`sequence by host with maxspan=1h [file where true] [process where name == "x1"] until [network where true]`),
		testRule(t, "Samples", "a1b2c3d4-0000-4000-8000-000000000004", `sample by host [process where true] [any where name == "x2"]`),
		testRule(t, "Last three processes", "a1b2c3d4-0000-4000-8000-000000000005", `process where true | tail 3`),
		testRule(t, "Missing", "a1b2c3d4-0000-4000-8000-000000000006",
			`sequence by host with maxspan=10m [process where name == "x1"] ![network where true] [file where true]`),
	}
	override := testRule(t, "Override", "a1b2c3d4-0000-4000-8000-000000000007", `registry where true`)
	override.EventCategoryOverride = "kind"
	rs = append(rs, override)

	var lines []string
	cats := []string{`"process"`, `"file"`, `"network"`, `["process","file"]`, `["file","file"]`, `["network","process"]`, `["x","file"]`, `null`, `7`, `"Process"`, `"registry"`}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		lines = append(lines, fmt.Sprintf(`{"@timestamp":"2026-12-04T10:%02d:%02dZ","event":{"category":%s,"type":"start"},"kind":%s,"host":"h%d","name":"x%d"}`,
			rng.IntN(60), rng.IntN(60), cats[rng.IntN(len(cats))], cats[rng.IntN(len(cats))], rng.IntN(4), rng.IntN(3)))
	}
	got := hunt(t, Options{Rules: rs, BatchSize: 2000},
		[2]string{"logs-a.ndjson", strings.Join(lines[:150], "\n")}, [2]string{"logs-b.ndjson", strings.Join(lines[150:], "\n")})
	if len(got.problems) > 0 {
		t.Fatalf("problems: %q", got.problems)
	}
	set, err := compileRules(rs, alerting.Run{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []eql.Input
	for i, l := range lines {
		inputs = append(inputs, eql.Input{Index: "x", ID: fmt.Sprint(i), Source: json.RawMessage(l)})
	}
	for i, c := range set.rules {
		res, skipped, err := c.prog.Search(inputs, nil, eql.RunOptions{Size: allEvents})
		if err != nil || len(skipped) > 0 {
			t.Fatalf("%s: %v %v", c.rule.Name, err, skipped)
		}
		want := int64(len(res.Events) + len(res.Sequences))
		if want == 0 {
			t.Errorf("%s: matches nothing; the case tests nothing", c.rule.Name)
		}
		if got.stats.Matches[i] != want {
			t.Errorf("%s: hunt matched %d, a search of every event %d", c.rule.Name, got.stats.Matches[i], want)
		}
	}
}
