package estest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBulk(t *testing.T) {
	s := New(t)
	s.AddDoc("eqlrunner-signals-default", "dup", map[string]any{"old": true})
	s.FailBulkItems(func(id string) bool { return strings.HasPrefix(id, "boom") }, http.StatusInternalServerError)
	body := `{"create":{"_id":"new"}}
{"signal":{"rule":{"id":"r"}},"@timestamp":"2026-12-04T10:00:00Z"}
{"create":{"_id":"dup"}}
{"signal":2}
{"create":{"_id":"boom-1"}}
{"signal":3}
{"index":{"_index":"other-index","_id":"dup"}}
{"v":1}
{"index":{"_index":"eqlrunner-signals-default","_id":"dup"}}
{"new":true}
{"create":{}}
{"auto":true}
{"create":{"_index":"aliased","require_alias":true}}
{"x":1}
{"create":{"_id":"broken"}}
{"not json
`
	r := do(t, s, http.MethodPost, "/eqlrunner-signals-default/_bulk?refresh=wait_for", body)
	if r.status != http.StatusOK || r.body["errors"] != true {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	items := r.body["items"].([]any)
	type item struct {
		Action, Index, ID, Result, ErrType string
		Status                             float64
	}
	var got []item
	for _, it := range items {
		for action, v := range it.(map[string]any) {
			i := item{Action: action, Index: get(v, "_index").(string), Status: get(v, "status").(float64)}
			i.ID, _ = get(v, "_id").(string)
			i.Result, _ = get(v, "result").(string)
			i.ErrType, _ = get(v, "error", "type").(string)
			got = append(got, i)
		}
	}
	sig := "eqlrunner-signals-default"
	want := []item{
		{"create", sig, "new", "created", "", 201},
		{"create", sig, "dup", "", "version_conflict_engine_exception", 409},
		{"create", sig, "boom-1", "", "exception", 500},
		{"index", "other-index", "dup", "created", "", 201},
		{"index", sig, "dup", "updated", "", 200},
		{"create", sig, sig + "-1", "created", "", 201},
		{"create", "aliased", "", "", "index_not_found_exception", 404},
		{"create", sig, "broken", "", "document_parsing_exception", 400},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("items (-want +got):\n%s", diff)
	}

	conflict := map[string]any{"create": map[string]any{
		"_index": sig, "_id": "dup", "status": 409.0, "error": map[string]any{
			"type":       "version_conflict_engine_exception",
			"reason":     "[dup]: version conflict, document already exists (current version [1])",
			"index_uuid": indexUUID(sig), "shard": "0", "index": sig,
		}}}
	if diff := cmp.Diff(conflict, items[1]); diff != "" {
		t.Errorf("conflict item (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"type": "exception", "reason": "injected"}, get(items[2], "create", "error")); diff != "" {
		t.Errorf("injected item (-want +got):\n%s", diff)
	}
	created := map[string]any{"create": map[string]any{
		"_index": sig, "_id": "new", "_version": 1.0, "result": "created",
		"_shards": map[string]any{"total": 2.0, "successful": 1.0, "failed": 0.0},
		"_seq_no": 1.0, "_primary_term": 1.0, "status": 201.0,
	}}
	if diff := cmp.Diff(created, items[0]); diff != "" {
		t.Errorf("created item (-want +got):\n%s", diff)
	}
	if get(items[6], "index", "_id") != nil || get(items[6], "create", "error", "reason") !=
		"no such index [aliased] and [require_alias] request flag is [true] and [aliased] is not an alias" {
		t.Errorf("require_alias item: %v", items[6])
	}

	var stored []string
	for _, d := range s.Docs(sig) {
		stored = append(stored, d.ID)
	}
	if diff := cmp.Diff([]string{"dup", "new", sig + "-1"}, stored); diff != "" {
		t.Errorf("stored ids (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]any{"new": true}, s.Docs(sig)[0].Source); diff != "" {
		t.Errorf("index action replaces the source (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"eqlrunner-signals-default", "other-index"}, s.Indices()); diff != "" {
		t.Errorf("indices (auto-created, not the require_alias one) (-want +got):\n%s", diff)
	}
}

func TestBulkRequireAliasParam(t *testing.T) {
	s := New(t)
	r := do(t, s, http.MethodPost, "/_bulk?require_alias=true", "{\"create\":{\"_index\":\"sig\",\"_id\":\"1\"}}\n{}\n")
	if r.status != http.StatusOK || get(r.body, "items", 0, "create", "status") != 404.0 {
		t.Fatalf("%d %s", r.status, r.raw)
	}
	if len(s.Indices()) != 0 {
		t.Errorf("require_alias must not auto-create: %v", s.Indices())
	}
}

func TestBulkMalformed(t *testing.T) {
	s := New(t)
	tests := []struct {
		name, path, body, errType string
	}{
		{"no trailing newline", "/_bulk", "{\"create\":{\"_index\":\"a\"}}\n{}", "illegal_argument_exception"},
		{"empty", "/_bulk", "", "action_request_validation_exception"},
		{"action not JSON", "/_bulk", "create a\n{}\n", "illegal_argument_exception"},
		{"unknown action", "/_bulk", "{\"upsert\":{\"_index\":\"a\"}}\n{}\n", "illegal_argument_exception"},
		{"unknown metadata", "/_bulk", "{\"create\":{\"_index\":\"a\",\"_type\":\"_doc\"}}\n{}\n", "illegal_argument_exception"},
		{"no source line", "/_bulk", "{\"create\":{\"_index\":\"a\"}}\n", "illegal_argument_exception"},
		{"no index", "/_bulk", "{\"create\":{\"_id\":\"1\"}}\n{}\n", "action_request_validation_exception"},
		{"update unsupported", "/a/_bulk", "{\"update\":{\"_id\":\"1\"}}\n{\"doc\":{}}\n", "estest_unsupported"},
		{"optimistic concurrency unsupported", "/a/_bulk", "{\"index\":{\"_id\":\"1\",\"if_seq_no\":1}}\n{}\n", "estest_unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, http.MethodPost, tt.path, tt.body)
			if r.status != http.StatusBadRequest || r.errType() != tt.errType {
				t.Errorf("got %d %s, want 400 %s: %s", r.status, r.errType(), tt.errType, r.raw)
			}
		})
	}
	if len(s.Indices()) != 0 {
		t.Errorf("a refused bulk request must not write: %v", s.Indices())
	}
}

func TestDocWrites(t *testing.T) {
	s := New(t)
	tests := []struct {
		name, method, path, body string
		status                   int
		result, errType          string
		version                  float64
	}{
		{"put new", "PUT", "/runs/_doc/1", `{"a":1}`, 201, "created", "", 1},
		{"put again updates", "PUT", "/runs/_doc/1", `{"a":2}`, 200, "updated", "", 2},
		{"op_type create conflicts", "PUT", "/runs/_doc/1?op_type=create", `{"a":3}`, 409, "", "version_conflict_engine_exception", 0},
		{"_create conflicts", "POST", "/runs/_create/1", `{"a":3}`, 409, "", "version_conflict_engine_exception", 0},
		{"_create new", "PUT", "/runs/_create/2?refresh=true", `{"a":4}`, 201, "created", "", 1},
		{"post auto id", "POST", "/runs/_doc", `{"a":5}`, 201, "created", "", 1},
		{"bad op_type", "PUT", "/runs/_doc/9?op_type=upsert", `{}`, 400, "", "illegal_argument_exception", 0},
		{"require_alias", "PUT", "/runs/_doc/9?require_alias=true", `{}`, 404, "", "index_not_found_exception", 0},
		{"uppercase index", "PUT", "/Runs/_doc/9", `{}`, 400, "", "invalid_index_name_exception", 0},
		{"wildcard index", "PUT", "/runs-*/_doc/9", `{}`, 400, "", "invalid_index_name_exception", 0},
		{"source not an object", "PUT", "/runs/_doc/9", `[1]`, 400, "", "document_parsing_exception", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(t, s, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.raw)
			}
			if tt.errType != "" {
				if r.errType() != tt.errType {
					t.Errorf("type %s, want %s: %s", r.errType(), tt.errType, r.raw)
				}
				return
			}
			if r.body["result"] != tt.result || r.body["_version"] != tt.version || r.body["_index"] != "runs" {
				t.Errorf("body %s", r.raw)
			}
		})
	}
	r := do(t, s, http.MethodGet, "/runs/_doc/1", nil)
	want := map[string]any{"_index": "runs", "_id": "1", "_version": 2.0, "_seq_no": 1.0, "_primary_term": 1.0,
		"found": true, "_source": map[string]any{"a": 2.0}}
	if diff := cmp.Diff(want, r.body); diff != "" {
		t.Errorf("get (-want +got):\n%s", diff)
	}
	if r := do(t, s, http.MethodGet, "/runs/_doc/nope", nil); r.status != 404 || r.body["found"] != false {
		t.Errorf("get missing: %d %s", r.status, r.raw)
	}
	var got []string
	for _, d := range s.Docs("runs") {
		got = append(got, d.ID)
	}
	if diff := cmp.Diff([]string{"1", "2", "runs-1"}, got); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

func TestIndicesAndTemplates(t *testing.T) {
	s := New(t)
	tmpl := `{"index_patterns":["eqlrunner-signals-*"],"priority":100,"template":{"mappings":{"dynamic":false}}}`
	if r := do(t, s, http.MethodPut, "/_index_template/eqlrunner-signals", tmpl); r.status != 200 || r.body["acknowledged"] != true {
		t.Fatalf("put template: %d %s", r.status, r.raw)
	}
	do(t, s, http.MethodPut, "/_index_template/catch-all", `{"index_patterns":"eqlrunner-*","priority":1}`)

	r := do(t, s, http.MethodGet, "/_index_template/eqlrunner-signals", nil)
	want := map[string]any{"index_templates": []any{map[string]any{"name": "eqlrunner-signals", "index_template": mustJSON(t, tmpl)}}}
	if diff := cmp.Diff(want, r.body); diff != "" {
		t.Errorf("get template (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(mustJSON(t, tmpl), s.Template("eqlrunner-signals")); diff != "" {
		t.Errorf("Template (-want +got):\n%s", diff)
	}
	if r := do(t, s, http.MethodGet, "/_index_template/nope", nil); r.status != 404 || r.errType() != "resource_not_found_exception" {
		t.Errorf("missing template: %d %s", r.status, r.raw)
	}
	if r := do(t, s, http.MethodPut, "/_index_template/eqlrunner-signals?create=true", tmpl); r.status != 400 {
		t.Errorf("create=true over an existing template: %d %s", r.status, r.raw)
	}
	if r := do(t, s, http.MethodPut, "/_index_template/bad", `{"priority":1}`); r.status != 400 {
		t.Errorf("template without patterns: %d %s", r.status, r.raw)
	}
	overlapping := `{"index_patterns":["eqlrunner-signals-default-x"],"priority":100}`
	if r := do(t, s, http.MethodPut, "/_index_template/other", overlapping); r.status != 400 || r.errType() != "illegal_argument_exception" ||
		!strings.Contains(string(r.raw), "matching patterns from existing templates [eqlrunner-signals] with patterns (eqlrunner-signals => [eqlrunner-signals-*]) that have the same priority [100]") {
		t.Errorf("overlapping template of the same priority: %d %s", r.status, r.raw)
	}
	if r := do(t, s, http.MethodPut, "/_index_template/eqlrunner-signals", tmpl); r.status != 200 {
		t.Errorf("replacing a template is no overlap with itself: %d %s", r.status, r.raw)
	}
	if r := do(t, s, http.MethodPut, "/_index_template/aliased", `{"index_patterns":["x-*"],"template":{"aliases":{"x":{}}}}`); r.errType() != "estest_unsupported" {
		t.Errorf("template aliases: %d %s", r.status, r.raw)
	}

	if r := do(t, s, http.MethodHead, "/eqlrunner-signals-default", nil); r.status != 404 || len(r.raw) != 0 {
		t.Errorf("HEAD missing: %d %q", r.status, r.raw)
	}
	r = do(t, s, http.MethodPut, "/eqlrunner-signals-default", `{"settings":{"number_of_shards":1}}`)
	if diff := cmp.Diff(map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": "eqlrunner-signals-default"}, r.body); diff != "" {
		t.Errorf("create index (-want +got):\n%s", diff)
	}
	if r := do(t, s, http.MethodHead, "/eqlrunner-signals-default", nil); r.status != 200 {
		t.Errorf("HEAD existing: %d", r.status)
	}
	if r := do(t, s, http.MethodHead, "/eqlrunner-signals-*", nil); r.status != 200 {
		t.Errorf("HEAD pattern: %d", r.status)
	}
	r = do(t, s, http.MethodPut, "/eqlrunner-signals-default", nil)
	uuid := indexUUID("eqlrunner-signals-default")
	wantErr := map[string]any{"type": "resource_already_exists_exception",
		"reason": "index [eqlrunner-signals-default/" + uuid + "] already exists", "index_uuid": uuid, "index": "eqlrunner-signals-default"}
	if r.status != 400 {
		t.Errorf("create twice: %d", r.status)
	}
	if diff := cmp.Diff(wantErr, get(r.body, "error", "root_cause", 0)); diff != "" {
		t.Errorf("create twice (-want +got):\n%s", diff)
	}

	s.AddEvents("eqlrunner-runs", map[string]any{})
	do(t, s, http.MethodPost, "/_bulk", "{\"create\":{\"_index\":\"unrelated\"}}\n{}\n")
	for index, want := range map[string]string{
		"eqlrunner-signals-default": "eqlrunner-signals", // higher priority wins
		"eqlrunner-runs":            "catch-all",
		"unrelated":                 "",
		"never-created":             "",
	} {
		if got := s.IndexTemplateOf(index); got != want {
			t.Errorf("IndexTemplateOf(%s) = %q, want %q", index, got, want)
		}
	}
	if r := do(t, s, http.MethodPut, "/with-alias", `{"aliases":{"a":{}}}`); r.errType() != "estest_unsupported" {
		t.Errorf("index aliases: %d %s", r.status, r.raw)
	}
}
