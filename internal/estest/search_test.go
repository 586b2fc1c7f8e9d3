package estest

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runIndexFixture stores run bookkeeping documents like the scheduler's:
// several runs per rule, with a start date and a count.
func runIndexFixture(s *Server) {
	s.AddDoc("eqlrunner-runs", "r1", map[string]any{"rule_id": "a", "started": "2026-12-04T09:00:00Z", "hits": 3})
	s.AddDoc("eqlrunner-runs", "r2", map[string]any{"rule_id": "a", "started": "2026-12-04T10:00:00.250Z", "hits": 1})
	s.AddDoc("eqlrunner-runs", "r3", map[string]any{"rule_id": "b", "started": "2026-12-04T09:30:00Z", "hits": 7})
	s.AddDoc("eqlrunner-runs", "r4", map[string]any{"rule_id": "c", "started": "2026-12-04T08:00:00Z"})
	s.AddDoc("eqlrunner-runs", "r5", map[string]any{"rule_id": "a", "started": "2026-12-04T08:30:00Z", "hits": 2})
}

func TestSearchHitsSortAndSource(t *testing.T) {
	s := New(t)
	runIndexFixture(s)
	tests := []struct {
		name  string
		body  string
		ids   []string
		sort  []any // sort values of the first hit
		total float64
	}{
		{"ids query, insertion order", `{"query":{"ids":{"values":["r3","r1","nope"]}}}`, []string{"r1", "r3"}, nil, 2},
		{"sort date desc", `{"sort":[{"started":{"order":"desc"}}],"size":3}`, []string{"r2", "r3", "r1"}, []any{1796378400250.0}, 5},
		{"sort short form asc", `{"sort":[{"started":"asc"}],"size":2}`, []string{"r4", "r5"}, []any{1796371200000.0}, 5},
		{"sort number desc, missing last", `{"sort":[{"hits":"desc"}]}`, []string{"r3", "r1", "r5", "r2", "r4"}, []any{7.0}, 5},
		{"sort number asc, missing last", `{"sort":["hits"]}`, []string{"r2", "r5", "r1", "r3", "r4"}, []any{1.0}, 5},
		{"sort string then date", `{"sort":[{"rule_id":"asc"},{"started":"desc"}],"size":1}`, []string{"r2"}, []any{"a", 1796378400250.0}, 5},
		{"from and size", `{"sort":["started"],"from":1,"size":2}`, []string{"r5", "r1"}, []any{1796373000000.0}, 5},
		{"term filter", `{"query":{"bool":{"filter":[{"term":{"rule_id":"a"}}]}}}`, []string{"r1", "r2", "r5"}, nil, 3},
		{"size zero keeps total", `{"size":0}`, nil, nil, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, "/eqlrunner-runs/_search", tt.body)
			if r.status != http.StatusOK {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			hits := get(r.body, "hits", "hits").([]any)
			var got []string
			if len(hits) > 0 {
				got = hitIDs(hits)
			}
			if diff := cmp.Diff(tt.ids, got); diff != "" {
				t.Errorf("hits (-want +got):\n%s", diff)
			}
			if tt.sort != nil {
				if diff := cmp.Diff(tt.sort, get(hits[0], "sort")); diff != "" {
					t.Errorf("sort values (-want +got):\n%s", diff)
				}
			}
			if v := get(r.body, "hits", "total", "value"); v != tt.total {
				t.Errorf("total %v, want %v", v, tt.total)
			}
		})
	}

	r := do(t, s, http.MethodGet, "/eqlrunner-runs/_search", `{"_source":false,"query":{"ids":{"values":["r1"]}},"sort":[{"started":"desc"}]}`)
	want := map[string]any{"_index": "eqlrunner-runs", "_id": "r1", "_score": nil, "sort": []any{1796374800000.0}}
	if diff := cmp.Diff(want, get(r.body, "hits", "hits", 0)); diff != "" {
		t.Errorf("hit without _source (-want +got):\n%s", diff)
	}
	wantShards := map[string]any{"total": 1.0, "successful": 1.0, "skipped": 0.0, "failed": 0.0}
	if diff := cmp.Diff(wantShards, r.body["_shards"]); diff != "" {
		t.Errorf("_shards (-want +got):\n%s", diff)
	}
	if r.body["timed_out"] != false || get(r.body, "hits", "max_score") != nil {
		t.Errorf("envelope: %s", r.raw)
	}
}

func TestSearchTermsMaxAggregation(t *testing.T) {
	s := New(t)
	runIndexFixture(s)
	body := `{"size":0,"track_total_hits":false,"aggs":{"rules":{"terms":{"field":"rule_id","size":2},
		"aggs":{"last_started":{"max":{"field":"started"}},"most_hits":{"max":{"field":"hits"}},"least_hits":{"min":{"field":"hits"}}}}}}`
	r := do(t, s, http.MethodPost, "/eqlrunner-*/_search?ignore_unavailable=true", body)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	want := map[string]any{
		"doc_count_error_upper_bound": 0.0,
		"sum_other_doc_count":         1.0, // rule c, beyond size 2
		"buckets": []any{
			map[string]any{
				"key": "a", "doc_count": 3.0,
				"last_started": map[string]any{"value": 1796378400250.0, "value_as_string": "2026-12-04T10:00:00.250Z"},
				"most_hits":    map[string]any{"value": 3.0},
				"least_hits":   map[string]any{"value": 1.0},
			},
			map[string]any{
				"key": "b", "doc_count": 1.0,
				"last_started": map[string]any{"value": 1796376600000.0, "value_as_string": "2026-12-04T09:30:00.000Z"},
				"most_hits":    map[string]any{"value": 7.0},
				"least_hits":   map[string]any{"value": 7.0},
			},
		},
	}
	if diff := cmp.Diff(want, get(r.body, "aggregations", "rules")); diff != "" {
		t.Errorf("aggregation (-want +got):\n%s", diff)
	}

	r = do(t, s, http.MethodPost, "/eqlrunner-runs/_search",
		`{"size":0,"aggs":{"rules":{"terms":{"field":"rule_id","order":{"last":"desc"}},"aggs":{"last":{"max":{"field":"started"}}}},"none":{"max":{"field":"nope"}}}}`)
	var keys []any
	for _, b := range get(r.body, "aggregations", "rules", "buckets").([]any) {
		keys = append(keys, get(b, "key"))
	}
	if diff := cmp.Diff([]any{"a", "b", "c"}, keys); diff != "" {
		t.Errorf("ordered by sub-aggregation (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"value": nil}, get(r.body, "aggregations", "none")); diff != "" {
		t.Errorf("max of nothing (-want +got):\n%s", diff)
	}
}

func TestSearchIndexResolution(t *testing.T) {
	s := New(t)
	s.AddEvents("logs-a", map[string]any{"n": 1})
	s.AddEvents("logs-b", map[string]any{"n": 2})
	s.AddEvents(".hidden-logs", map[string]any{"n": 3})
	tests := []struct {
		name    string
		path    string
		status  int
		indices []string // of the hits, for successes
		missing string   // resource.id of the 404
	}{
		{"wildcard", "/logs-*/_search", 200, []string{"logs-a", "logs-b"}, ""},
		{"all", "/_search", 200, []string{"logs-a", "logs-b"}, ""},
		{"_all", "/_all/_search", 200, []string{"logs-a", "logs-b"}, ""},
		{"dot pattern reaches dot indices", "/.hidden-*/_search", 200, []string{".hidden-logs"}, ""},
		{"exclusion", "/logs-*,-logs-b/_search", 200, []string{"logs-a"}, ""},
		{"comma list with empty wildcard", "/logs-a,metrics-*/_search", 200, []string{"logs-a"}, ""},
		{"wildcard matching nothing", "/metrics-*/_search", 200, nil, ""},
		{"allow_no_indices=false, empty wildcard", "/logs-*,metrics-*/_search?allow_no_indices=false", 404, nil, "metrics-*"},
		{"missing concrete index", "/logs-a,logs-x/_search", 404, nil, "logs-x"},
		{"ignore_unavailable", "/logs-a,logs-x/_search?ignore_unavailable=true", 200, []string{"logs-a"}, ""},
		{"ignore_unavailable, nothing left", "/logs-x/_search?ignore_unavailable=true", 200, nil, ""},
		{"nothing left, allow_no_indices=false", "/logs-x/_search?ignore_unavailable=true&allow_no_indices=false", 404, nil, "logs-x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodGet, tt.path, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if tt.status != http.StatusOK {
				want := map[string]any{
					"type": "index_not_found_exception", "reason": "no such index [" + tt.missing + "]",
					"resource.type": "index_or_alias", "resource.id": tt.missing, "index_uuid": "_na_", "index": tt.missing,
				}
				if diff := cmp.Diff(want, get(r.body, "error", "root_cause", 0)); diff != "" {
					t.Errorf("root cause (-want +got):\n%s", diff)
				}
				if r.header.Get("Content-Type") != "application/json" {
					t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
				}
				return
			}
			var got []string
			for _, h := range get(r.body, "hits", "hits").([]any) {
				got = append(got, get(h, "_index").(string))
			}
			if diff := cmp.Diff(tt.indices, got); diff != "" {
				t.Errorf("indices (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchRequestErrors(t *testing.T) {
	s := New(t)
	s.CreateIndex("logs-a")
	tests := []struct {
		name, path, body, errType string
	}{
		{"unknown query", "/logs-a/_search", `{"query":{"wildcard":{"a":"b*"}}}`, "parsing_exception"},
		{"unsupported key", "/logs-a/_search", `{"search_after":[1]}`, "estest_unsupported"},
		{"source filtering", "/logs-a/_search", `{"_source":["a"]}`, "estest_unsupported"},
		{"unknown aggregation", "/logs-a/_search", `{"aggs":{"x":{"cardinality":{"field":"a"}}}}`, "parsing_exception"},
		{"sub-aggregation of max", "/logs-a/_search", `{"aggs":{"x":{"max":{"field":"a"},"aggs":{"y":{"max":{"field":"b"}}}}}}`, "aggregation_initialization_exception"},
		{"result window", "/logs-a/_search", `{"from":9999,"size":2}`, "illegal_argument_exception"},
		{"bad sort order", "/logs-a/_search", `{"sort":[{"a":"up"}]}`, "illegal_argument_exception"},
		{"query string", "/logs-a/_search?q=a:b", ``, "estest_unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, tt.path, tt.body)
			if r.status != http.StatusBadRequest || r.errType() != tt.errType {
				t.Errorf("got %d %s, want 400 %s: %s", r.status, r.errType(), tt.errType, r.raw)
			}
		})
	}
}

func TestSearchTermsOnBooleansAndNumbers(t *testing.T) {
	s := New(t)
	s.AddEvents("logs", map[string]any{"ok": true, "n": 5}, map[string]any{"ok": false, "n": "5"}, map[string]any{"ok": true, "n": 5})
	r := do(t, s, http.MethodPost, "/logs/_search", `{"size":0,"aggs":{"ok":{"terms":{"field":"ok"}},"n":{"terms":{"field":"n","order":{"_key":"asc"}}}}}`)
	want := map[string]any{
		"ok": map[string]any{"doc_count_error_upper_bound": 0.0, "sum_other_doc_count": 0.0, "buckets": []any{
			map[string]any{"key": 1.0, "key_as_string": "true", "doc_count": 2.0},
			map[string]any{"key": 0.0, "key_as_string": "false", "doc_count": 1.0},
		}},
		"n": map[string]any{"doc_count_error_upper_bound": 0.0, "sum_other_doc_count": 0.0, "buckets": []any{
			map[string]any{"key": 5.0, "doc_count": 2.0}, // the number and the string are different keys
			map[string]any{"key": "5", "doc_count": 1.0},
		}},
	}
	if diff := cmp.Diff(want, r.body["aggregations"]); diff != "" {
		t.Errorf("aggregations (-want +got):\n%s", diff)
	}
}
