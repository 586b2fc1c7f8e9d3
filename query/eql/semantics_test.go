package eql

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Each case here tests one rule of docs/eql-semantics.md, named by its
// section (S1, S2, ...).

// searchIDs runs query over NDJSON lines (ids are 1-based line numbers)
// and returns the ids found, sequences flattened ("-" for a missing
// event), and the join keys.
func searchIDs(t *testing.T, query string, opts Options, run RunOptions, lines ...string) ([]string, []string) {
	t.Helper()
	prog, err := Compile(query, opts)
	if err != nil {
		t.Fatalf("compile %q: %v", query, err)
	}
	var inputs []Input
	for i, l := range lines {
		inputs = append(inputs, Input{Index: "test", ID: itoa(i + 1), Source: json.RawMessage(l)})
	}
	if run.Size == 0 {
		run.Size = 100
	}
	res, skipped, err := prog.Search(inputs, nil, run)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	for _, s := range skipped {
		t.Logf("skipped %s", s)
	}
	ids := []string{}
	var keys []string
	for _, h := range res.Events {
		ids = append(ids, h.ID)
	}
	for _, s := range res.Sequences {
		for _, h := range s.Events {
			if h.Missing {
				ids = append(ids, "-")
			} else {
				ids = append(ids, h.ID)
			}
		}
		for _, k := range s.JoinKeys {
			keys = append(keys, string(k.JSON()))
		}
	}
	return ids, keys
}

// itoa numbers events 001, 002, ... so that the wanted ids read well.
func itoa(i int) string { return fmt.Sprintf("%03d", i) }

type semanticsCase struct {
	rule   string
	name   string
	query  string
	opts   Options
	run    RunOptions
	events []string
	want   string // Space-separated ids.
	keys   string // Space-separated JSON join keys, when checked.
}

const (
	e1 = `{"@timestamp":1,"event":{"category":"process"},"process":{"name":"cmd.exe"},"n":1}`
	e2 = `{"@timestamp":2,"event":{"category":"process"},"process":{"name":"CMD.EXE"},"n":2}`
	e3 = `{"@timestamp":3,"event":{"category":"process"},"n":3}`
	e4 = `{"@timestamp":4,"event":{"category":"process"},"process":{"name":["a.exe","cmd.exe"]},"n":4}`
)

var semanticsCases = []semanticsCase{
	{rule: "S1", name: "== is case-sensitive", query: `process where process.name == "cmd.exe"`, events: []string{e1, e2, e3}, want: "001"},
	{rule: "S1", name: "== does not expand wildcards", query: `process where process.name == "cmd*"`, events: []string{e1, e2}, want: ""},
	{rule: "S2", name: ": is case-insensitive", query: `process where process.name : "CMD.exe"`, events: []string{e1, e2, e3}, want: "001 002"},
	{rule: "S2", name: ": expands * and ?", query: `process where process.name : "c?d.*"`, events: []string{e1, e2, e3}, want: "001 002"},
	{rule: "S2", name: ": against a list", query: `process where process.name : ("x", "CMD.EXE")`, events: []string{e1, e2}, want: "001 002"},
	{rule: "S3", name: "like is case-sensitive", query: `process where process.name like "cmd*"`, events: []string{e1, e2}, want: "001"},
	{rule: "S3", name: "like~ is not", query: `process where process.name like~ "cmd*"`, events: []string{e1, e2}, want: "001 002"},
	{rule: "S3", name: "regex matches the whole string", query: `process where process.name regex "cmd"`, events: []string{e1}, want: ""},
	{rule: "S3", name: "regex uses Lucene syntax", query: `process where process.name regex "[a-c]md\\.exe"`, events: []string{e1, e2}, want: "001"},
	{rule: "S3", name: "regex~ folds ASCII case", query: `process where process.name regex~ "[a-c]md\\.exe"`, events: []string{e1, e2}, want: "001 002"},
	{rule: "S4", name: "in is case-sensitive", query: `process where process.name in ("CMD.EXE")`, events: []string{e1, e2}, want: "002"},
	{rule: "S4", name: "in~ is not", query: `process where process.name in~ ("CMD.EXE")`, events: []string{e1, e2}, want: "001 002"},
	{rule: "S5", name: "a comparison with a missing field is not true", query: `process where process.name == "cmd.exe" or process.name != "cmd.exe"`, events: []string{e3}, want: "001"},
	{rule: "S5", name: "!= on a field matches when the field is missing", query: `process where process.name != "cmd.exe"`, events: []string{e1, e2, e3}, want: "002 003"},
	{rule: "S5", name: "not is the complement of a match", query: `process where not (process.name : "cmd.exe")`, events: []string{e1, e3}, want: "002"},
	{rule: "S5", name: "< on a missing field does not match, not < does", query: `process where not (n2 < 5)`, events: []string{e1}, want: "001"},
	{rule: "S6", name: "a function on a missing field does not match", query: `process where length(process.name) > 0`, events: []string{e1, e3}, want: "001"},
	{rule: "S6", name: "not over a function matches a missing field", query: `process where not length(process.name) > 0`, events: []string{e1, e3}, want: "002"},
	{rule: "S7", name: "any value of a multi-valued field", query: `process where process.name == "cmd.exe"`, events: []string{e1, e4}, want: "001 002"},
	{rule: "S7", name: "!= only when no value equals", query: `process where process.name != "cmd.exe"`, events: []string{e4}, want: ""},
	{rule: "S7", name: "functions try each value", query: `process where length(process.name) == 5`, events: []string{e4}, want: "001"},
	{rule: "S7", name: "the category field may be an array", query: `file where true`, events: []string{`{"@timestamp":1,"event":{"category":["network","file"]}}`}, want: "001"},
	{rule: "S8", name: "== null checks that a field is missing", query: `process where process.name == null`, events: []string{e1, e3}, want: "002"},
	{rule: "S8", name: "!= null checks that it exists", query: `process where process.name != null`, events: []string{e1, e3}, want: "001"},
	{rule: "S8", name: "null == expr tests the expression for null", query: `process where null == (n2 > 1)`, events: []string{e1}, want: "001"},
	{rule: "S9", name: "optional fields read null when missing", query: `process where ?nope == null`, events: []string{e1}, want: "001"},
	{rule: "S9", name: "a schema without the field folds it to null", query: `process where ?x == ?y`, opts: Options{Schema: &Schema{Fields: map[string]FieldSpec{"event.category": {Type: "keyword"}}}}, events: []string{e1}, want: "001"},
	{rule: "S10", name: "integer division truncates", query: `process where n / 2 == 1`, events: []string{e1, e2, e3}, want: "002 003"},
	{rule: "S10", name: "a float operand makes float division", query: `process where n / 2.0 == 1.5`, events: []string{e3}, want: "001"},
	{rule: "S10", name: "a string holding a number equals the number", query: `process where s == 5`, events: []string{`{"@timestamp":1,"event":{"category":"process"},"s":"5"}`}, want: "001"},
	{rule: "S11", name: "timestamp against an ISO string", query: `any where @timestamp == "1970-01-01T00:00:00.002Z"`, events: []string{e1, e2}, want: "002"},
	{rule: "S11", name: "timestamp against epoch millis", query: `any where @timestamp >= 2`, events: []string{e1, e2, e3}, want: "002 003"},
	{rule: "S11", name: "numeric strings are epoch millis", query: `any where @timestamp == 2`, events: []string{`{"@timestamp":"2"}`}, want: "001"},
	{rule: "S12", name: "results come in timestamp order", query: `any where true`, events: []string{e3, e1, e2}, want: "002 003 001"},
	{rule: "S12", name: "then tiebreaker", query: `any where true`, opts: Options{TiebreakerField: "t"}, events: []string{`{"@timestamp":1,"t":2}`, `{"@timestamp":1,"t":1}`}, want: "002 001"},
	{rule: "S12", name: "then input order, missing timestamps first", query: `any where true`, events: []string{`{"@timestamp":1}`, `{"@timestamp":1}`, `{}`}, want: "003 001 002"},
	{rule: "S13", name: "tail is the default", query: `any where true`, run: RunOptions{Size: 2}, events: []string{e1, e2, e3}, want: "002 003"},
	{rule: "S13", name: "head", query: `any where true`, run: RunOptions{Size: 2, Head: true}, events: []string{e1, e2, e3}, want: "001 002"},
	{rule: "S13", name: "head N | tail M", query: `any where true | head 3 | tail 2`, events: []string{e1, e2, e3, e4}, want: "002 003"},
	{rule: "S13", name: "tail N | head M", query: `any where true | tail 3 | head 1`, events: []string{e1, e2, e3, e4}, want: "002"},
	{rule: "S14", name: "one pending sequence per stage, the latest", query: `sequence [process where n < 3] [process where n == 3]`, events: []string{e1, e2, e3}, want: "002 003"},
	{rule: "S14", name: "an event can end one sequence and start another", query: `sequence [process where true] [process where true]`, events: []string{e1, e2, e3}, want: "001 002 002 003"},
	{rule: "S14", name: "sequences by key", query: `sequence by u [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"u":"a","n":1}`, `{"@timestamp":2,"u":"b","n":2}`, `{"@timestamp":3,"u":"a","n":2}`}, want: "001 003", keys: `"a"`},
	{rule: "S14", name: "sequences come in order of their last event", query: `sequence by u [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"u":"a","n":1}`, `{"@timestamp":2,"u":"b","n":1}`, `{"@timestamp":3,"u":"b","n":2}`, `{"@timestamp":4,"u":"a","n":2}`}, want: "002 003 001 004"},
	{rule: "S14", name: "mandatory join keys must have a value", query: `sequence by u [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":2,"n":2}`}, want: ""},
	{rule: "S14", name: "optional join keys may be null", query: `sequence by ?u [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":2,"n":2}`}, want: "001 002", keys: "null"},
	{rule: "S15", name: "maxspan includes its bound", query: `sequence with maxspan=2ms [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":3,"n":2}`}, want: "001 002"},
	{rule: "S15", name: "and not beyond", query: `sequence with maxspan=2ms [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":4,"n":2}`}, want: ""},
	{rule: "S16", name: "until between two stages ends the sequence", query: `sequence [any where n == 1] [any where n == 2] until [any where n == 9]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":2,"n":9}`, `{"@timestamp":3,"n":2}`}, want: ""},
	{rule: "S16", name: "until after the sequence does not", query: `sequence [any where n == 1] [any where n == 2] until [any where n == 9]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":3,"n":2}`, `{"@timestamp":4,"n":9}`}, want: "001 002"},
	{rule: "S17", name: "a missing event between two stages", query: `sequence with maxspan=1s [any where n == 1] ![any where n == 9] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":3,"n":2}`, `{"@timestamp":4,"n":1}`, `{"@timestamp":5,"n":9}`, `{"@timestamp":6,"n":2}`}, want: "001 - 002"},
	{rule: "S17", name: "missing events compare timestamps strictly", query: `sequence with maxspan=1s [any where n == 1] ![any where n == 9] [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":1,"n":9}`, `{"@timestamp":2,"n":2}`}, want: "001 - 003"},
	{rule: "S17", name: "a trailing missing event within maxspan drops the sequence", query: `sequence with maxspan=5ms [any where n == 1] ![any where n == 9]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":3,"n":9}`, `{"@timestamp":10,"n":1}`, `{"@timestamp":20,"n":9}`}, want: "003 -"},
	{rule: "S17", name: "a leading missing event within maxspan drops it", query: `sequence with maxspan=5ms ![any where n == 9] [any where n == 1]`, events: []string{`{"@timestamp":1,"n":9}`, `{"@timestamp":3,"n":1}`, `{"@timestamp":10,"n":1}`}, want: "- 003"},
	{rule: "S18", name: "runs repeats a stage", query: `sequence [any where n == 1] with runs=2 [any where n == 2]`, events: []string{`{"@timestamp":1,"n":1}`, `{"@timestamp":2,"n":1}`, `{"@timestamp":3,"n":2}`}, want: "001 002 003"},
	{rule: "S19", name: "samples are ordered by join key, null first", query: `sample by ?h [any where n == 1] [any where n == 2]`, events: []string{`{"h":"b","n":1}`, `{"h":"b","n":2}`, `{"n":1}`, `{"n":2}`, `{"h":"a","n":2}`, `{"h":"a","n":1}`}, want: "003 004 006 005 001 002", keys: `null "a" "b"`},
	{rule: "S19", name: "a sample uses distinct events", query: `sample by h [any where true] [any where true]`, events: []string{`{"h":"a"}`, `{"h":"b"}`, `{"h":"b"}`}, want: "002 003", keys: `"b"`},
	{rule: "S19", name: "max_samples_per_key", query: `sample by h [any where true] [any where true]`, run: RunOptions{MaxSamplesPerKey: 2}, events: []string{`{"h":"a"}`, `{"h":"a"}`, `{"h":"a"}`, `{"h":"a"}`}, want: "001 002 003 004"},
	{rule: "S19", name: "multi-valued keys put an event in each group", query: `sample by h [any where n == 1] [any where n == 2]`, events: []string{`{"h":["a","b"],"n":1}`, `{"h":"a","n":2}`, `{"h":"b","n":2}`}, want: "001 002 001 003", keys: `"a" "b"`},
	{rule: "S19", name: "size keeps the first samples", query: `sample by h [any where n == 1] [any where n == 2]`, run: RunOptions{Size: 1}, events: []string{`{"h":"b","n":1}`, `{"h":"b","n":2}`, `{"h":"a","n":1}`, `{"h":"a","n":2}`}, want: "003 004"},
	{rule: "S20", name: "length counts UTF-16 units", query: `any where length(s) == 3`, events: []string{`{"s":"a😀"}`}, want: "001"},
	{rule: "S20", name: "substring takes Python-like negative indices", query: `any where substring(s, -4, -1) == ".ex"`, events: []string{`{"s":"cmd.exe"}`}, want: "001"},
	{rule: "S20", name: "indexOf from a position", query: `any where indexOf(s, ".", 4) == 7`, events: []string{`{"s":"sub.dom.example"}`}, want: "001"},
	{rule: "S20", name: "between, greedy", query: `any where between(s, "\\", "\\", true) == "Windows\\System32"`, events: []string{`{"s":"C:\\Windows\\System32\\cmd.exe"}`}, want: "001"},
	{rule: "S20", name: "stringContains of an empty string is false", query: `any where not stringContains(concat(s), "")`, events: []string{`{"s":"abc"}`}, want: "001"},
	{rule: "S21", name: "but on a field it is a wildcard query that matches", query: `any where stringContains(s, "")`, events: []string{`{"s":"abc"}`, `{}`}, want: "001"},
	{rule: "S21", name: "stringContains on a field keeps wildcard meaning", query: `any where stringContains(s, "a*c")`, events: []string{`{"s":"xabbcx"}`}, want: "001"},
	{rule: "S21", name: "and \\ escapes", query: `any where stringContains(s, "=\\*")`, events: []string{`{"s":"Principal=*"}`, `{"s":"Principal=x"}`}, want: "001"},
	{rule: "S21", name: "not on a constant string", query: `any where stringContains(concat(s, ""), "a*c")`, events: []string{`{"s":"xabbcx"}`}, want: ""},
	{rule: "S22", name: "cidrMatch", query: `network where cidrMatch(ip, "10.0.0.0/8", "192.168.0.0/16")`, events: []string{`{"event":{"category":"network"},"ip":"10.1.2.3"}`, `{"event":{"category":"network"},"ip":"11.1.2.3"}`, `{"event":{"category":"network"},"ip":"::ffff:192.168.1.1"}`}, want: "001 003"},
	{rule: "S23", name: "a multi-valued join key skips the event", query: `sequence by u [any where n == 1] [any where n == 2]`, events: []string{`{"@timestamp":1,"u":["a","b"],"n":1}`, `{"@timestamp":2,"u":"a","n":2}`}, want: ""},
	{rule: "S24", name: "missing events print as placeholders", query: `sequence with maxspan=1s [any where n == 1] ![any where n == 9]`, events: []string{`{"@timestamp":1,"n":1}`}, want: "001 -"},
}

func TestSemantics(t *testing.T) {
	for _, c := range semanticsCases {
		t.Run(c.rule+"/"+c.name, func(t *testing.T) {
			ids, keys := searchIDs(t, c.query, c.opts, c.run, c.events...)
			if diff := cmp.Diff(strings.Fields(c.want), ids, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") })); diff != "" {
				t.Errorf("%s: ids (-want +got):\n%s", c.query, diff)
			}
			if c.keys != "" {
				if diff := cmp.Diff(strings.Fields(c.keys), keys); diff != "" {
					t.Errorf("%s: join keys (-want +got):\n%s", c.query, diff)
				}
			}
		})
	}
}

// TestMissingEventBody checks the placeholder Elasticsearch writes for a
// missing event (S24).
func TestMissingEventBody(t *testing.T) {
	prog, err := Compile(`sequence with maxspan=1s [any where true] ![any where false]`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := prog.Search([]Input{{Index: "i", ID: "1", Source: json.RawMessage(`{"@timestamp":1}`)}}, nil, RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := string(res.Body(0))
	want := `{"is_partial":false,"is_running":false,"took":0,"timed_out":false,"hits":{"total":{"value":1,"relation":"eq"},"sequences":[{"events":[{"_index":"i","_id":"1","_source":{"@timestamp":1}},{"_index":"","_id":"","_source":{},"missing":true}]}]}}`
	if got != want {
		t.Errorf("body:\n%s\nwant:\n%s", got, want)
	}
	seqs := res.QuerySequences()
	if !seqs[0].Events[1].Missing || string(seqs[0].Events[1].Source) != "{}" {
		t.Errorf("query.Event of a missing event: %+v", seqs[0].Events[1])
	}
}
