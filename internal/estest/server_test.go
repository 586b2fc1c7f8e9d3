package estest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestInfoAndUnsupported(t *testing.T) {
	s := New(t)
	r := do(t, s, http.MethodGet, "/", nil)
	if r.status != 200 || get(r.body, "version", "number") != "8.19.0" || r.body["tagline"] != "You Know, for Search" {
		t.Errorf("info: %d %s", r.status, r.raw)
	}
	for _, tt := range []struct{ method, path string }{
		{"DELETE", "/logs"},
		{"GET", "/_cat/indices"},
		{"POST", "/logs/_update/1"},
		{"GET", "/logs"},
		{"POST", "/_eql/search"},
	} {
		r := do(t, s, tt.method, tt.path, nil)
		want := fmt.Sprintf("estest: endpoint [%s %s] is not supported", tt.method, tt.path)
		if r.status != 400 || r.errType() != "estest_unsupported" || get(r.body, "error", "reason") != want {
			t.Errorf("%s %s: %d %s", tt.method, tt.path, r.status, r.raw)
		}
	}
}

func TestFailNextOrder(t *testing.T) {
	s := New(t)
	s.CreateIndex("logs")
	s.FailNext(MatchMethodPath(http.MethodPost, "_bulk"), 429, 503, 502)
	s.FailNext(MatchPath("_search"), 500)
	s.FailNextWith(MatchPath("_bulk"), 503, "cluster_block_exception", "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];")

	bulk := "{\"create\":{\"_index\":\"logs\"}}\n{}\n"
	steps := []struct {
		method, path string
		status       int
		errType      string // "" for a proxy's HTML page or a success
	}{
		{"GET", "/", 200, ""}, // not matched: served
		{"POST", "/_bulk", 429, "es_rejected_execution_exception"},
		{"POST", "/logs/_search", 500, "internal_server_error"},
		{"POST", "/_bulk", 503, "unavailable_shards_exception"},
		{"PUT", "/_bulk", 503, "cluster_block_exception"}, // first queue does not match PUT
		{"POST", "/_bulk", 502, ""},
		{"POST", "/_bulk", 200, ""}, // every queue spent
		{"POST", "/logs/_search", 200, ""},
	}
	for i, st := range steps {
		var body any
		if st.path == "/_bulk" {
			body = bulk
		}
		r := do(t, s, st.method, st.path, body)
		if r.status != st.status || r.errType() != st.errType {
			t.Errorf("step %d %s %s: %d %s, want %d %s", i, st.method, st.path, r.status, r.errType(), st.status, st.errType)
		}
		if r.status == 502 && (r.header.Get("Content-Type") != "text/html" || !bytes.Contains(r.raw, []byte("502 Bad Gateway"))) {
			t.Errorf("proxy page: %q %s", r.header.Get("Content-Type"), r.raw)
		}
	}
	if n := len(s.Docs("logs")); n != 1 {
		t.Errorf("only the served bulk writes: %d docs", n)
	}
	if n := len(s.Requests()); n != len(steps) {
		t.Errorf("every request is recorded, failed or not: %d", n)
	}

	s.FailNext(MatchPath("/"), 429)
	s.FailBulkItems(func(string) bool { return true }, 500)
	s.FailShards(1)
	s.ClearFaults()
	if r := do(t, s, http.MethodPost, "/_bulk", bulk); r.status != 200 || r.body["errors"] != false {
		t.Errorf("after ClearFaults: %d %s", r.status, r.raw)
	}
}

func TestFailNextMatchReadsBody(t *testing.T) {
	s := New(t)
	s.CreateIndex("logs")
	s.FailNext(func(r *http.Request) bool {
		var b bytes.Buffer
		_, _ = b.ReadFrom(r.Body)
		return bytes.Contains(b.Bytes(), []byte("poison"))
	}, 400)
	if r := do(t, s, http.MethodPost, "/logs/_search", `{"query":{"term":{"a":"fine"}}}`); r.status != 200 {
		t.Errorf("clean body: %d", r.status)
	}
	if r := do(t, s, http.MethodPost, "/logs/_search", `{"query":{"term":{"a":"poison"}}}`); r.status != 400 || r.errType() != "parsing_exception" {
		t.Errorf("poisoned body: %d %s", r.status, r.raw)
	}
}

func TestStopRestartKeepsData(t *testing.T) {
	s := New(t)
	s.AddDoc("runs", "1", map[string]any{"a": 1})
	url := s.URL()

	s.Stop()
	_, err := http.Get(url + "/")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("stopped server: err = %v, want connection refused", err)
	}
	s.Stop() // idempotent

	s.Restart()
	if s.URL() != url {
		t.Errorf("URL changed: %s -> %s", url, s.URL())
	}
	r := do(t, s, http.MethodGet, "/runs/_doc/1", nil)
	if r.status != 200 || get(r.body, "_source", "a") != 1.0 {
		t.Errorf("after restart: %d %s", r.status, r.raw)
	}
	s.Restart() // while running: drops connections, keeps serving
	if r := do(t, s, http.MethodHead, "/runs", nil); r.status != 200 {
		t.Errorf("after second restart: %d", r.status)
	}
}

func TestAuth(t *testing.T) {
	s := New(t, WithBasicAuth("elastic", "s3cret"), WithAPIKey("a2V5aWQ6c2VjcmV0"))
	send := func(auth string) response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, s.URL()+"/?pretty", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return response{status: res.StatusCode, header: res.Header, raw: b.Bytes()}
	}
	tests := []struct {
		name, auth string
		status     int
		reason     string
	}{
		{"no credentials", "", 401, "missing authentication credentials for REST request [/?pretty]"},
		{"wrong password", "Basic ZWxhc3RpYzp3cm9uZw==", 401, "unable to authenticate user [elastic] for REST request [/?pretty]"},
		{"wrong key", "ApiKey bm9wZQ==", 401, "unable to authenticate with provided credentials and anonymous access is not allowed for this request"},
		{"basic", "Basic ZWxhc3RpYzpzM2NyZXQ=", 200, ""},
		{"api key", "ApiKey a2V5aWQ6c2VjcmV0", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := send(tt.auth)
			if r.status != tt.status {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if r.header.Get("X-Elastic-Product") != "Elasticsearch" {
				t.Error("no product header")
			}
			if tt.status != 401 {
				return
			}
			want := fmt.Sprintf(`{"error":{"root_cause":[{"type":"security_exception","reason":%q,`+
				`"header":{"WWW-Authenticate":["Basic realm=\"security\", charset=\"UTF-8\"","Bearer realm=\"security\"","ApiKey"]}}],`+
				`"type":"security_exception","reason":%q,`+
				`"header":{"WWW-Authenticate":["Basic realm=\"security\", charset=\"UTF-8\"","Bearer realm=\"security\"","ApiKey"]}},"status":401}`,
				tt.reason, tt.reason)
			if diff := cmp.Diff(want, string(r.raw)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if got := r.header.Values("WWW-Authenticate"); len(got) != 3 || got[0] != `Basic realm="security", charset="UTF-8"` {
				t.Errorf("WWW-Authenticate %q", got)
			}
		})
	}
	reqs := s.Requests()
	if len(reqs) != len(tests) || reqs[3].Header.Get("Authorization") != "Basic ZWxhc3RpYzpzM2NyZXQ=" {
		t.Errorf("recorded %d requests; Authorization recorded as received: %v", len(reqs), reqs[3].Header.Get("Authorization") != "")
	}
}

func TestRecording(t *testing.T) {
	s := New(t)
	do(t, s, http.MethodPut, "/runs/_doc/1?refresh=true", `{"n":12345678901234567}`)
	do(t, s, http.MethodPost, "/_bulk", "{\"index\":{\"_index\":\"runs\",\"_id\":\"2\"}}\n{\"n\":2}\n")
	reqs := s.Requests()
	if len(reqs) != 2 || reqs[0].Method != "PUT" || reqs[0].Path != "/runs/_doc/1" || reqs[0].Query.Get("refresh") != "true" {
		t.Fatalf("recorded %+v", reqs)
	}
	if got := fmt.Sprint(reqs[0].JSON()["n"]); got != "12345678901234567" {
		t.Errorf("JSON keeps numbers exact: %s", got)
	}
	if reqs[1].JSON() != nil {
		t.Error("JSON of an NDJSON body must be nil")
	}
	if nd := reqs[1].NDJSON(); len(nd) != 2 || get(nd[0], "index", "_id") != "2" {
		t.Errorf("NDJSON %v", nd)
	}
	if got := s.RequestsTo("_bulk"); len(got) != 1 || got[0].Method != "POST" {
		t.Errorf("RequestsTo %+v", got)
	}
	s.Reset()
	if len(s.Requests()) != 0 || len(s.Docs("runs")) != 2 {
		t.Error("Reset clears recordings and keeps data")
	}
}

func TestCompatibleWithHeader(t *testing.T) {
	s := New(t)
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/", nil)
	req.Header.Set("Accept", "application/vnd.elasticsearch+json;compatible-with=8")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Content-Type"); got != "application/vnd.elasticsearch+json;compatible-with=8" {
		t.Errorf("Content-Type %q", got)
	}
}

// TestConcurrent runs writes and searches side by side; with -race it checks
// the server's locking, and the totals check that no write was lost.
func TestConcurrent(t *testing.T) {
	s := New(t, WithEQL(func(string, map[string]any) (bool, error) { return true, nil }))
	const writers, perWriter = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				body := fmt.Sprintf("{\"create\":{\"_index\":\"logs-%d\",\"_id\":\"%d\"}}\n{\"@timestamp\":\"2026-12-04T10:00:00Z\"}\n", w, i)
				if r := do(t, s, http.MethodPost, "/_bulk", body); r.body["errors"] != false {
					t.Errorf("bulk: %s", r.raw)
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range perWriter {
				r := do(t, s, http.MethodPost, "/logs-*/_eql/search", `{"query":"any where true","size":1}`)
				if r.status != 200 && r.status != 404 { // 404 until a first index exists
					t.Errorf("eql: %d %s", r.status, r.raw)
				}
			}
		}()
	}
	wg.Wait()
	r := do(t, s, http.MethodGet, "/logs-*/_search?size=0", nil)
	if v := get(r.body, "hits", "total", "value"); v != float64(writers*perWriter) {
		t.Errorf("total %v, want %d", v, writers*perWriter)
	}
}

func TestInjectedErrorBodies(t *testing.T) {
	tests := []struct {
		status  int
		errType string
	}{
		{400, "parsing_exception"},
		{401, "security_exception"},
		{403, "security_exception"},
		{404, "resource_not_found_exception"},
		{409, "version_conflict_engine_exception"},
		{429, "es_rejected_execution_exception"},
		{500, "internal_server_error"},
		{503, "unavailable_shards_exception"},
		{418, "exception"},
	}
	s := New(t)
	for _, tt := range tests {
		s.FailNext(MatchPath("/"), tt.status)
		r := do(t, s, http.MethodGet, "/", nil)
		reason, _ := get(r.body, "error", "reason").(string)
		want := map[string]any{
			"error": map[string]any{
				"root_cause": []any{map[string]any{"type": tt.errType, "reason": reason}},
				"type":       tt.errType, "reason": reason,
			},
			"status": float64(tt.status),
		}
		if diff := cmp.Diff(want, r.body); diff != "" || r.status != tt.status || reason == "" {
			t.Errorf("%d: status %d (-want +got):\n%s", tt.status, r.status, diff)
		}
	}
	s.FailNext(MatchPath("/"), 504)
	if r := do(t, s, http.MethodGet, "/", nil); r.status != 504 || !bytes.Contains(r.raw, []byte("504 Gateway Timeout")) {
		t.Errorf("504: %d %s", r.status, r.raw)
	}
}

func TestIndexNames(t *testing.T) {
	s := New(t)
	tests := []struct {
		name   string
		status int
		reason string
	}{
		{"eqlrunner-signals-default", 200, ""},
		{".internal-ok", 200, ""},
		{"Upper", 400, "Invalid index name [Upper], must be lowercase"},
		{"a%20b", 400, `Invalid index name [a b], must not contain the following characters [' ','"','*',',','/','<','>','?','\','|']`},
		{"a%23b", 400, "Invalid index name [a#b], must not contain '#'"},
		{"a:b", 400, "Invalid index name [a:b], must not contain ':'"},
		{"-a", 400, "Invalid index name [-a], must not start with '_', '-', or '+'"},
		{"..", 400, "Invalid index name [..], must not be '.' or '..'"},
		{strings.Repeat("x", 256), 400, "Invalid index name [" + strings.Repeat("x", 256) + "], index name is too long, (256 > 255)"},
	}
	for _, tt := range tests {
		r := do(t, s, http.MethodPut, "/"+tt.name, nil)
		if r.status != tt.status {
			t.Errorf("%.20s: status %d: %s", tt.name, r.status, r.raw)
			continue
		}
		if tt.status != 200 && (r.errType() != "invalid_index_name_exception" || get(r.body, "error", "reason") != tt.reason) {
			t.Errorf("%.20s: %s", tt.name, r.raw)
		}
	}
}

func TestRefresh(t *testing.T) {
	s := New(t)
	s.CreateIndex("logs-a")
	s.CreateIndex("logs-b")
	r := do(t, s, http.MethodPost, "/logs-*/_refresh", nil)
	if diff := cmp.Diff(map[string]any{"total": 4.0, "successful": 2.0, "failed": 0.0}, r.body["_shards"]); diff != "" {
		t.Errorf("refresh (-want +got):\n%s", diff)
	}
	if r := do(t, s, http.MethodPost, "/missing/_refresh", nil); r.status != 404 {
		t.Errorf("refresh of a missing index: %d", r.status)
	}
}
