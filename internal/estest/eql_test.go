package estest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// addMinutes stores n process events one minute apart from 09:50, in order.
func addMinutes(s *Server, index string, n int) []string {
	var srcs []map[string]any
	for i := range n {
		srcs = append(srcs, map[string]any{
			"@timestamp": time.Date(2026, 12, 4, 9, 50+i, 0, 0, time.UTC).Format(time.RFC3339),
			"event":      map[string]any{"category": "process"},
			"seq":        i,
		})
	}
	return s.AddEvents(index, srcs...)
}

func TestEQLTailHeadSize(t *testing.T) {
	s := New(t)
	ids := addMinutes(s, "winlogbeat-1", 15)
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"default tail of 10", `{"query":"any where true"}`, ids[5:]},
		{"tail size 3", `{"query":"any where true","size":3}`, ids[12:]},
		{"explicit tail", `{"query":"any where true","size":2,"result_position":"tail"}`, ids[13:]},
		{"head size 4", `{"query":"any where true","size":4,"result_position":"head"}`, ids[:4]},
		{"size above matches", `{"query":"any where true","size":100}`, ids},
		{"size zero", `{"query":"any where true","size":0}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, "/winlogbeat-*/_eql/search", tt.body)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			events := get(r.body, "hits", "events").([]any)
			var got []string
			if len(events) > 0 {
				got = hitIDs(events)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if v := get(r.body, "hits", "total", "value"); v != float64(len(tt.want)) {
				t.Errorf("total = %v, want %d", v, len(tt.want))
			}
			for _, k := range []string{"is_partial", "is_running", "timed_out"} {
				if r.body[k] != false {
					t.Errorf("%s = %v", k, r.body[k])
				}
			}
		})
	}
}

func TestEQLMatcherSortAndFilter(t *testing.T) {
	s := New(t, WithEQL(func(query string, src map[string]any) (bool, error) {
		if strings.Contains(query, "syntax error") {
			return false, errors.New("line 1:5: mismatched input")
		}
		cat, _ := lookup(src, "event.category")[0].(string)
		return strings.HasPrefix(query, cat), nil
	}))
	same := "2026-12-04T10:00:00.000Z"
	// Out of insertion order on purpose: the response is sorted by
	// timestamp, then tiebreaker (missing last), then insertion order.
	ids := s.AddEvents("logs-a",
		map[string]any{"@timestamp": same, "event": map[string]any{"category": "process", "sequence": 2}},
		map[string]any{"@timestamp": "2026-12-04T09:59:00Z", "event": map[string]any{"category": "process"}},
		map[string]any{"@timestamp": same, "event": map[string]any{"category": "process"}},
		map[string]any{"@timestamp": same, "event": map[string]any{"category": "process", "sequence": 1}},
		map[string]any{"@timestamp": same, "event": map[string]any{"category": "network", "sequence": 0}},
		map[string]any{"event": map[string]any{"category": "process"}}, // no timestamp: never returned
	)
	s.AddEvents("logs-b", map[string]any{"@timestamp": float64(1796378399000), "event": map[string]any{"category": "process"}})

	r := do(t, s, http.MethodPost, "/logs-*/_eql/search",
		`{"query":"process where true","tiebreaker_field":"event.sequence","size":10}`)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	want := []string{ids[1], "logs-b-1", ids[3], ids[0], ids[2]}
	if diff := cmp.Diff(want, hitIDs(get(r.body, "hits", "events").([]any))); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/logs-*/_eql/search", fmt.Sprintf(
		`{"query":"process where true","filter":{"range":{"@timestamp":{"gte":%q,"format":"strict_date_optional_time"}}}}`, same))
	if diff := cmp.Diff([]string{ids[0], ids[2], ids[3]}, hitIDs(get(r.body, "hits", "events").([]any))); diff != "" {
		t.Errorf("filtered (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/logs-*/_eql/search", `{"query":"process where syntax error"}`)
	if r.status != http.StatusBadRequest || r.errType() != "verification_exception" ||
		get(r.body, "error", "reason") != "line 1:5: mismatched input" {
		t.Errorf("matcher error: %d %s", r.status, r.raw)
	}
}

func TestEQLKibanaTimeRangeFilter(t *testing.T) {
	s := New(t)
	s.AddDoc("winlogbeat-x", "ingested-in", map[string]any{
		"@timestamp": "2026-12-04T08:00:00Z", "event": map[string]any{"ingested": "2026-12-04T10:00:00Z"}})
	s.AddDoc("winlogbeat-x", "ingested-out", map[string]any{
		"@timestamp": "2026-12-04T10:00:00Z", "event": map[string]any{"ingested": "2026-12-04T10:06:00Z"}})
	s.AddDoc("winlogbeat-x", "fallback-in", map[string]any{"@timestamp": "2026-12-04T09:56:00.000Z"})
	s.AddDoc("winlogbeat-x", "fallback-out", map[string]any{"@timestamp": "2026-12-04T10:05:00.001Z"})
	s.AddDoc("endgame-x", "dotted-in", map[string]any{
		"@timestamp": "2026-12-04T07:00:00Z", "event.ingested": "2026-12-04T10:05:00.000Z"})

	body := map[string]any{
		"query":           "any where true",
		"size":            100,
		"filter":          mustJSON(t, kibanaFilter),
		"timestamp_field": "@timestamp",
		"fields":          []any{map[string]any{"field": "*", "include_unmapped": true}, map[string]any{"field": "@timestamp", "format": "strict_date_optional_time"}},
	}
	r := do(t, s, http.MethodPost, "/winlogbeat-*,logs-endpoint.events.file-*,endgame-*/_eql/search?allow_no_indices=true", body)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	want := []string{"dotted-in", "ingested-in", "fallback-in"}
	if diff := cmp.Diff(want, hitIDs(get(r.body, "hits", "events").([]any))); diff != "" {
		t.Errorf("selected events (-want +got):\n%s", diff)
	}
}

func TestEQLFields(t *testing.T) {
	s := New(t)
	s.AddDoc("idx", "1", map[string]any{
		"@timestamp":   float64(1796378324000),
		"event":        map[string]any{"category": "process", "created": "2026-12-04T09:58:44Z"},
		"process.args": []any{"cmd.exe", "/c"},
		"user":         []any{map[string]any{"name": "a"}, map[string]any{"name": "b"}},
		"empty":        nil,
	})
	tests := []struct {
		name   string
		fields string
		want   map[string]any
	}{
		{"all leaves boxed, arrays kept", `["*"]`, map[string]any{
			"@timestamp":     []any{float64(1796378324000)},
			"event.category": []any{"process"},
			"event.created":  []any{"2026-12-04T09:58:44Z"},
			"process.args":   []any{"cmd.exe", "/c"},
			"user.name":      []any{"a", "b"},
		}},
		{"formatted dates win over *", `[{"field":"@timestamp","format":"strict_date_optional_time"},"*",{"field":"event.created","format":"strict_date_optional_time"}]`,
			map[string]any{
				"@timestamp":     []any{"2026-12-04T09:58:44.000Z"},
				"event.category": []any{"process"},
				"event.created":  []any{"2026-12-04T09:58:44.000Z"},
				"process.args":   []any{"cmd.exe", "/c"},
				"user.name":      []any{"a", "b"},
			}},
		{"patterns and names", `["event.*","user.name","missing"]`, map[string]any{
			"event.category": []any{"process"},
			"event.created":  []any{"2026-12-04T09:58:44Z"},
			"user.name":      []any{"a", "b"},
		}},
		{"epoch_millis format", `[{"field":"event.created","format":"epoch_millis"}]`, map[string]any{
			"event.created": []any{"1796378324000"},
		}},
		{"nothing matched: no fields key", `["missing"]`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, "/idx/_eql/search", `{"query":"any where true","fields":`+tt.fields+`}`)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			got, _ := get(r.body, "hits", "events", 0, "fields").(map[string]any)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if get(r.body, "hits", "events", 0, "_source", "process.args") == nil {
				t.Errorf("_source not echoed: %s", r.raw)
			}
		})
	}
}

func TestEQLIndexResolution(t *testing.T) {
	s := New(t)
	s.AddEvents("winlogbeat-1", map[string]any{"@timestamp": "2026-12-04T10:00:00Z"})
	tests := []struct {
		name   string
		path   string
		status int
		reason string // error reason, for failures
		rootT  string // root cause type, for failures
	}{
		{"pattern with missing parts", "/winlogbeat-*,endgame-*,logs-x/_eql/search", 200, "", ""},
		{"nothing at all, defaults", "/endgame-*,logs-x/_eql/search", 404,
			"no such index [Unknown index [endgame-*,logs-x]]", "verification_exception"},
		{"allow_no_indices=false and an empty wildcard", "/winlogbeat-*,endgame-*/_eql/search?allow_no_indices=false", 404,
			"no such index [endgame-*]", "index_not_found_exception"},
		{"ignore_unavailable=false and a missing index", "/winlogbeat-*,logs-x/_eql/search?ignore_unavailable=false", 404,
			"no such index [logs-x]", "index_not_found_exception"},
		{"bad boolean", "/winlogbeat-*/_eql/search?allow_no_indices=yes", 400,
			"Failed to parse value [yes] as only [true] or [false] are allowed.", "illegal_argument_exception"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, tt.path, `{"query":"any where true"}`)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if tt.status == http.StatusOK {
				return
			}
			if got := get(r.body, "error", "reason"); got != tt.reason {
				t.Errorf("reason %q, want %q", got, tt.reason)
			}
			if got := get(r.body, "error", "root_cause", 0, "type"); got != tt.rootT {
				t.Errorf("root cause %v, want %s", got, tt.rootT)
			}
			if r.status == http.StatusNotFound && r.errType() != "index_not_found_exception" {
				t.Errorf("type %s", r.errType())
			}
			if r.body["status"] != float64(tt.status) {
				t.Errorf("body status %v", r.body["status"])
			}
		})
	}
}

func TestEQLSequences(t *testing.T) {
	s := New(t, WithSequences(func(query string, events []Doc) ([][]Doc, [][]any, error) {
		if !strings.HasPrefix(query, "sequence") {
			return nil, nil, nil
		}
		// Pair consecutive events; the first sequence has a missing event.
		var seqs [][]Doc
		var keys [][]any
		seqs = append(seqs, []Doc{events[0], {}})
		keys = append(keys, []any{"host-0"})
		for i := 1; i+1 < len(events); i += 2 {
			seqs = append(seqs, []Doc{events[i], events[i+1]})
			keys = append(keys, []any{fmt.Sprintf("host-%d", i)})
		}
		return seqs, keys, nil
	}))
	ids := addMinutes(s, "logs-seq", 7)

	r := do(t, s, http.MethodPost, "/logs-seq/_eql/search", `{"query":"sequence by host.name [any where true] [any where true]","size":2}`)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	seqs := get(r.body, "hits", "sequences").([]any)
	if len(seqs) != 2 || get(r.body, "hits", "total", "value") != 2.0 || get(r.body, "hits", "events") != nil {
		t.Fatalf("want the last 2 sequences only: %s", r.raw)
	}
	if diff := cmp.Diff([]any{"host-3"}, get(seqs[0], "join_keys")); diff != "" {
		t.Errorf("join keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{ids[3], ids[4]}, hitIDs(get(seqs[0], "events").([]any))); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/logs-seq/_eql/search", `{"query":"sequence [a] [b]","result_position":"head","size":1}`)
	first := get(r.body, "hits", "sequences", 0, "events", 1)
	want := map[string]any{"_index": "", "_id": "", "_source": map[string]any{}, "missing": true}
	if diff := cmp.Diff(want, first); diff != "" {
		t.Errorf("missing event (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/logs-seq/_eql/search", `{"query":"any where true","size":1}`)
	if diff := cmp.Diff([]string{ids[6]}, hitIDs(get(r.body, "hits", "events").([]any))); diff != "" {
		t.Errorf("event query falls through (-want +got):\n%s", diff)
	}
}

func TestEQLShardFailures(t *testing.T) {
	s := New(t)
	s.AddEvents("logs-a", map[string]any{"@timestamp": "2026-12-04T10:00:00Z"})
	s.FailShards(2)
	r := do(t, s, http.MethodPost, "/logs-a/_eql/search", `{"query":"any where true"}`)
	if r.body["is_partial"] != true || len(r.body["shard_failures"].([]any)) != 2 {
		t.Fatalf("want a partial response with 2 shard failures: %s", r.raw)
	}
	want := map[string]any{"shard": 1.0, "index": "logs-a", "node": "estest-node", "reason": map[string]any{
		"type": "query_shard_exception", "reason": "injected shard failure", "index_uuid": indexUUID("logs-a"), "index": "logs-a"}}
	if diff := cmp.Diff(want, get(r.body, "shard_failures", 1)); diff != "" {
		t.Errorf("shard failure (-want +got):\n%s", diff)
	}
	if n := len(get(r.body, "hits", "events").([]any)); n != 1 {
		t.Errorf("hits kept: %d events", n)
	}
	r = do(t, s, http.MethodPost, "/logs-a/_eql/search", `{"query":"any where true"}`)
	if r.body["is_partial"] != false || r.body["shard_failures"] != nil {
		t.Errorf("FailShards must last one response: %s", r.raw)
	}
}

func TestEQLRequestErrors(t *testing.T) {
	s := New(t)
	s.AddEvents("logs-a", map[string]any{"@timestamp": "2026-12-04T10:00:00Z"})
	tests := []struct {
		name, body, errType string
	}{
		{"no query", `{"size":1}`, "action_request_validation_exception"},
		{"negative size", `{"query":"any where true","size":-1}`, "action_request_validation_exception"},
		{"unknown key", `{"query":"any where true","sizes":1}`, "parsing_exception"},
		{"bad result_position", `{"query":"any where true","result_position":"middle"}`, "illegal_argument_exception"},
		{"unknown filter query", `{"query":"any where true","filter":{"match_phrase_prefix":{"a":"b"}}}`, "parsing_exception"},
		{"not JSON", `query=x`, "parsing_exception"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, "/logs-a/_eql/search", tt.body)
			if r.status != http.StatusBadRequest || r.errType() != tt.errType {
				t.Errorf("got %d %s, want 400 %s: %s", r.status, r.errType(), tt.errType, r.raw)
			}
		})
	}
}

func TestEQLFilterArrayAndForeignSequenceEvents(t *testing.T) {
	s := New(t, WithSequences(func(query string, events []Doc) ([][]Doc, [][]any, error) {
		if query != "sequence" {
			return nil, nil, nil
		}
		// A Doc the server never stored is rendered as given.
		return [][]Doc{{events[0], {Index: "elsewhere", ID: "x", Source: map[string]any{"@timestamp": "2026-12-04T10:00:00Z"}}}}, nil, nil
	}))
	ids := addMinutes(s, "logs", 5)
	r := do(t, s, http.MethodPost, "/logs/_eql/search", `{"query":"any where true","filter":[
		{"range":{"seq":{"gte":1}}},{"bool":{"must_not":{"term":{"seq":3}}}}]}`)
	if diff := cmp.Diff([]string{ids[1], ids[2], ids[4]}, hitIDs(get(r.body, "hits", "events").([]any))); diff != "" {
		t.Errorf("filter array (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/logs/_eql/search",
		`{"query":"sequence","fields":[{"field":"@timestamp","format":"strict_date_optional_time"}]}`)
	want := map[string]any{
		"_index": "elsewhere", "_id": "x",
		"_source": map[string]any{"@timestamp": "2026-12-04T10:00:00Z"},
		"fields":  map[string]any{"@timestamp": []any{"2026-12-04T10:00:00.000Z"}},
	}
	if diff := cmp.Diff(want, get(r.body, "hits", "sequences", 0, "events", 1)); diff != "" {
		t.Errorf("foreign event (-want +got):\n%s", diff)
	}
	if get(r.body, "hits", "sequences", 0, "join_keys") != nil {
		t.Errorf("no join keys given, none rendered: %s", r.raw)
	}
}
