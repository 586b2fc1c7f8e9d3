package estest

// These tests drive the server through the Elasticsearch client the project
// uses, so that what passes here passes the client's product check, request
// encoding, retry policy and error handling.

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/google/go-cmp/cmp"
)

func newClient(t *testing.T, cfg elasticsearch.Config) *elasticsearch.Client {
	t.Helper()
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// decode reads a client response into v, failing on transport errors; it
// returns the HTTP status.
func decode(t *testing.T, res *esapi.Response, err error, v any) int {
	t.Helper()
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	defer res.Body.Close()
	if v != nil {
		if err := json.NewDecoder(res.Body).Decode(v); err != nil {
			t.Fatalf("decoding a %d response: %v", res.StatusCode, err)
		}
	}
	return res.StatusCode
}

type eqlResponse struct {
	IsPartial bool `json:"is_partial"`
	Hits      struct {
		Total struct {
			Value    int    `json:"value"`
			Relation string `json:"relation"`
		} `json:"total"`
		Events []struct {
			Index  string              `json:"_index"`
			ID     string              `json:"_id"`
			Source map[string]any      `json:"_source"`
			Fields map[string][]string `json:"fields"`
		} `json:"events"`
	} `json:"hits"`
}

func TestClientInfoProductCheck(t *testing.T) {
	s := New(t)
	es := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}})
	var info struct {
		Version struct{ Number string } `json:"version"`
	}
	res, err := es.Info()
	if status := decode(t, res, err, &info); status != 200 || info.Version.Number != "8.19.0" {
		t.Errorf("info: %d %+v", status, info)
	}
	// Errors carry the product header too: a first answer that is an error
	// must not make the client give up on the server.
	s2 := New(t)
	es2 := newClient(t, elasticsearch.Config{Addresses: []string{s2.URL()}})
	res, err = es2.Indices.Exists([]string{"missing"})
	if status := decode(t, res, err, nil); status != 404 {
		t.Errorf("exists: %d", status)
	}
	res, err = es2.Info()
	if status := decode(t, res, err, nil); status != 200 {
		t.Errorf("info after a 404: %d", status)
	}
}

func TestClientEQL(t *testing.T) {
	s := New(t)
	ids := addMinutes(s, "winlogbeat-2026", 12)
	es := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}})
	const pattern = "winlogbeat-*,logs-endpoint.events.file-*,endgame-*"

	tests := []struct {
		name string
		body string
		want []string
	}{
		{"tail", `{"query":"process where true","size":3}`, ids[9:]},
		{"head", `{"query":"process where true","size":3,"result_position":"head"}`, ids[:3]},
		{"kibana filter", `{"query":"process where true","size":100,"filter":` + kibanaFilter + `}`, ids[6:]}, // 09:56 .. 10:01
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out eqlResponse
			res, err := es.EqlSearch(pattern, strings.NewReader(tt.body),
				es.EqlSearch.WithContext(context.Background()),
				es.EqlSearch.WithAllowNoIndices(true))
			if status := decode(t, res, err, &out); status != 200 {
				t.Fatalf("status %d", status)
			}
			var got []string
			for _, ev := range out.Hits.Events {
				got = append(got, ev.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if out.Hits.Total.Value != len(tt.want) || out.Hits.Total.Relation != "eq" || out.IsPartial {
				t.Errorf("envelope %+v", out.Hits.Total)
			}
		})
	}

	var out eqlResponse
	res, err := es.EqlSearch("winlogbeat-*", strings.NewReader(
		`{"query":"any where true","size":1,"fields":[{"field":"@timestamp","format":"strict_date_optional_time"}]}`))
	decode(t, res, err, &out)
	if diff := cmp.Diff(map[string][]string{"@timestamp": {"2026-12-04T10:01:00.000Z"}}, out.Hits.Events[0].Fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}

	res, err = es.EqlSearch("endgame-*", strings.NewReader(`{"query":"any where true"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 404 || !res.IsError() || !strings.Contains(res.String(), "index_not_found_exception") {
		t.Errorf("no index at all: %s", res.String())
	}
}

func TestClientBulk(t *testing.T) {
	s := New(t)
	s.AddDoc("eqlrunner-signals-default", "b", map[string]any{})
	s.FailBulkItems(func(id string) bool { return id == "c" }, http.StatusInternalServerError)
	es := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}})
	body := `{"create":{"_id":"a"}}
{"n":1}
{"create":{"_id":"b"}}
{"n":2}
{"create":{"_id":"c"}}
{"n":3}
`
	var out struct {
		Errors bool `json:"errors"`
		Items  []map[string]struct {
			ID     string `json:"_id"`
			Status int    `json:"status"`
			Error  struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	res, err := es.Bulk(strings.NewReader(body), es.Bulk.WithIndex("eqlrunner-signals-default"), es.Bulk.WithRefresh("wait_for"))
	if status := decode(t, res, err, &out); status != 200 || !out.Errors {
		t.Fatalf("status %d errors %v", status, out.Errors)
	}
	type item struct {
		ID     string
		Status int
		Type   string
	}
	var got []item
	for _, it := range out.Items {
		c := it["create"]
		got = append(got, item{c.ID, c.Status, c.Error.Type})
	}
	want := []item{{"a", 201, ""}, {"b", 409, "version_conflict_engine_exception"}, {"c", 500, "exception"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if n := len(s.Docs("eqlrunner-signals-default")); n != 2 {
		t.Errorf("stored %d docs, want 2", n)
	}
}

func TestClientSearch(t *testing.T) {
	s := New(t)
	runIndexFixture(s)
	es := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}})

	var hits struct {
		Hits struct {
			Hits []struct {
				ID string `json:"_id"`
			} `json:"hits"`
		} `json:"hits"`
	}
	res, err := es.Search(es.Search.WithIndex("eqlrunner-runs"),
		es.Search.WithBody(strings.NewReader(`{"query":{"ids":{"values":["r2","r4"]}}}`)))
	decode(t, res, err, &hits)
	if len(hits.Hits.Hits) != 2 || hits.Hits.Hits[0].ID != "r2" || hits.Hits.Hits[1].ID != "r4" {
		t.Errorf("ids search: %+v", hits)
	}

	var aggs struct {
		Aggregations struct {
			Rules struct {
				Buckets []struct {
					Key  string `json:"key"`
					Last struct {
						Value         float64 `json:"value"`
						ValueAsString string  `json:"value_as_string"`
					} `json:"last"`
				} `json:"buckets"`
			} `json:"rules"`
		} `json:"aggregations"`
	}
	res, err = es.Search(es.Search.WithIndex("eqlrunner-runs*", "missing-index"),
		es.Search.WithIgnoreUnavailable(true), es.Search.WithSize(0),
		es.Search.WithBody(strings.NewReader(`{"aggs":{"rules":{"terms":{"field":"rule_id","size":100},"aggs":{"last":{"max":{"field":"started"}}}}}}`)))
	decode(t, res, err, &aggs)
	b := aggs.Aggregations.Rules.Buckets
	if len(b) != 3 || b[0].Key != "a" || b[0].Last.ValueAsString != "2026-12-04T10:00:00.250Z" || b[0].Last.Value != 1796378400250 {
		t.Errorf("aggregation: %+v", b)
	}

	res, err = es.Search(es.Search.WithIndex("missing-index"))
	if status := decode(t, res, err, nil); status != 404 {
		t.Errorf("missing index without ignore_unavailable: %d", status)
	}
	res, err = es.Search(es.Search.WithIndex("missing-*"), es.Search.WithAllowNoIndices(false))
	if status := decode(t, res, err, nil); status != 404 {
		t.Errorf("empty wildcard with allow_no_indices=false: %d", status)
	}
}

func TestClientRetriesAndRestart(t *testing.T) {
	s := New(t)
	s.CreateIndex("logs")
	es := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}}) // default: 3 retries on 502, 503, 504

	s.FailNext(MatchPath("/_search"), 503, 502)
	res, err := es.Search(es.Search.WithIndex("logs"))
	if status := decode(t, res, err, nil); status != 200 {
		t.Errorf("after two retried failures: %d", status)
	}
	if n := len(s.RequestsTo("/_search")); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}

	s.FailNext(MatchPath("/_search"), 429)
	var e struct {
		Status int `json:"status"`
		Error  struct {
			Type string `json:"type"`
		} `json:"error"`
	}
	res, err = es.Search(es.Search.WithIndex("logs"))
	if status := decode(t, res, err, &e); status != 429 || e.Error.Type != "es_rejected_execution_exception" || e.Status != 429 {
		t.Errorf("429 is not retried by default: %d %+v", status, e)
	}

	s.Stop()
	if _, err := es.Info(); err == nil {
		t.Error("a stopped server must refuse connections")
	}
	s.Restart()
	res, err = es.Indices.Exists([]string{"logs"})
	if status := decode(t, res, err, nil); status != 200 {
		t.Errorf("after restart: %d", status)
	}
}

func TestClientAuth(t *testing.T) {
	s := New(t, WithBasicAuth("elastic", "changeme"), WithAPIKey("aWQ6a2V5"))
	for _, cfg := range []elasticsearch.Config{
		{Addresses: []string{s.URL()}, Username: "elastic", Password: "changeme"},
		{Addresses: []string{s.URL()}, APIKey: "aWQ6a2V5"},
	} {
		res, err := newClient(t, cfg).Info()
		if status := decode(t, res, err, nil); status != 200 {
			t.Errorf("authenticated client: %d", status)
		}
	}
	res, err := newClient(t, elasticsearch.Config{Addresses: []string{s.URL()}, Password: "wrong", Username: "elastic"}).Info()
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 401 || !strings.Contains(res.String(), "security_exception") {
		t.Errorf("wrong password: %s", res.String())
	}
}
