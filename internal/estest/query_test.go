package estest

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// kibanaFilter is the time-range filter the client sends for a rule whose
// timestamp_override is event.ingested: event.ingested in range, or
// @timestamp in range for documents without event.ingested.
const kibanaFilter = `{"bool":{"filter":[
  {"bool":{"minimum_should_match":1,"should":[
    {"range":{"event.ingested":{"lte":"2026-12-04T10:05:00.000Z","gte":"2026-12-04T09:56:00.000Z","format":"strict_date_optional_time"}}},
    {"bool":{"filter":[
      {"range":{"@timestamp":{"lte":"2026-12-04T10:05:00.000Z","gte":"2026-12-04T09:56:00.000Z","format":"strict_date_optional_time"}}},
      {"bool":{"must_not":{"exists":{"field":"event.ingested"}}}}]}}]}},
  {"bool":{"must":[],"filter":[],"should":[],"must_not":[]}}]}}`

func TestQueryDSL(t *testing.T) {
	docs := map[string]string{
		"ingested-in":          `{"@timestamp":"2026-12-04T08:00:00Z","event":{"ingested":"2026-12-04T09:58:44.123Z"}}`,
		"ingested-lower-bound": `{"@timestamp":"2026-12-04T08:00:00Z","event.ingested":"2026-12-04T09:56:00Z"}`,
		"ingested-upper-bound": `{"event":{"ingested":"2026-12-04T11:05:00+01:00"},"@timestamp":"2026-12-04T09:57:00Z"}`,
		"ingested-out":         `{"@timestamp":"2026-12-04T09:58:00Z","event":{"ingested":"2026-12-04T10:05:00.001Z"}}`,
		"ts-fallback-in":       `{"@timestamp":1796378400000,"host":{"name":["a","b"]}}`,
		"ts-fallback-out":      `{"@timestamp":"2026-12-04T09:55:59.999Z","host":{"name":"b"}}`,
		"ingested-null":        `{"@timestamp":"2026-12-04T09:59:00Z","event":{"ingested":null},"count":5}`,
		"numbers":              `{"count":12,"flag":true,"tags":["x","y"],"event":{"category":["process"]}}`,
	}
	ids := sortedKeys(docs)
	stored := map[string]*doc{}
	for _, id := range ids {
		raw, src, err := compactSource([]byte(docs[id]))
		if err != nil {
			t.Fatal(err)
		}
		stored[id] = &doc{index: "idx", id: id, raw: raw, src: src}
	}

	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"kibana event.ingested filter", kibanaFilter,
			[]string{"ingested-in", "ingested-lower-bound", "ingested-null", "ingested-upper-bound", "ts-fallback-in"}},
		{"match_all", `{"match_all":{}}`, ids},
		{"empty bool matches all", `{"bool":{"must":[],"filter":[],"should":[],"must_not":[]}}`, ids},
		{"exists nested and dotted", `{"exists":{"field":"event.ingested"}}`,
			[]string{"ingested-in", "ingested-lower-bound", "ingested-out", "ingested-upper-bound"}},
		{"exists object field", `{"exists":{"field":"host"}}`, []string{"ts-fallback-in", "ts-fallback-out"}},
		{"term on array element", `{"term":{"host.name":"a"}}`, []string{"ts-fallback-in"}},
		{"term value object", `{"term":{"host.name":{"value":"b"}}}`, []string{"ts-fallback-in", "ts-fallback-out"}},
		{"term number", `{"term":{"count":12}}`, []string{"numbers"}},
		{"term numeric string", `{"term":{"count":"5"}}`, []string{"ingested-null"}},
		{"term bool", `{"term":{"flag":true}}`, []string{"numbers"}},
		{"term case_insensitive", `{"term":{"tags":{"value":"X","case_insensitive":true}}}`, []string{"numbers"}},
		{"terms", `{"terms":{"event.category":["network","process"]}}`, []string{"numbers"}},
		{"terms _id", `{"terms":{"_id":["numbers","nope"]}}`, []string{"numbers"}},
		{"ids", `{"ids":{"values":["numbers","ts-fallback-out"]}}`, []string{"numbers", "ts-fallback-out"}},
		{"range numbers exclusive", `{"range":{"count":{"gt":5,"lt":13}}}`, []string{"numbers"}},
		{"range numbers inclusive", `{"range":{"count":{"gte":5,"lte":5}}}`, []string{"ingested-null"}},
		{"range epoch millis format", `{"range":{"@timestamp":{"gte":1796378400000,"format":"epoch_millis"}}}`,
			[]string{"ts-fallback-in"}},
		{"range dates without format", `{"range":{"@timestamp":{"gte":"2026-12-04T09:58:00Z","lt":"2026-12-04T10:00:00Z"}}}`,
			[]string{"ingested-null", "ingested-out"}},
		{"should default one when alone", `{"bool":{"should":[{"term":{"count":5}},{"term":{"count":12}}]}}`,
			[]string{"ingested-null", "numbers"}},
		{"should optional next to filter", `{"bool":{"filter":{"exists":{"field":"count"}},"should":{"term":{"count":999}}}}`,
			[]string{"ingested-null", "numbers"}},
		{"minimum_should_match two", `{"bool":{"minimum_should_match":2,"should":[{"exists":{"field":"count"}},{"exists":{"field":"flag"}}]}}`,
			[]string{"numbers"}},
		{"minimum_should_match percent", `{"bool":{"minimum_should_match":"50%","should":[{"exists":{"field":"count"}},{"exists":{"field":"flag"}}]}}`,
			[]string{"ingested-null", "numbers"}},
		{"must_not object", `{"bool":{"must":{"exists":{"field":"count"}},"must_not":{"term":{"count":5}}}}`,
			[]string{"numbers"}},
		{"match_none", `{"match_none":{}}`, nil},
		{"match_phrase is whole-value", `{"match_phrase":{"host.name":"b"}}`, []string{"ts-fallback-in", "ts-fallback-out"}},
		{"match_phrase object form", `{"match_phrase":{"tags":{"query":"y"}}}`, []string{"numbers"}},
		{"kibana is-one-of filter", `{"bool":{"should":[{"match_phrase":{"count":5}},{"match_phrase":{"count":12}}],"minimum_should_match":1}}`,
			[]string{"ingested-null", "numbers"}},
		{"match_phrase no partial words", `{"match_phrase":{"event.category":"proc"}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, e := parseQuery(mustJSON(t, tt.query))
			if e != nil {
				t.Fatalf("parseQuery: %s: %s", e.typ, e.reason)
			}
			var got []string
			for _, id := range ids {
				if q(stored[id]) {
					got = append(got, id)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("matching documents (-want +got):\n%s", diff)
			}
		})
	}
}

func TestQueryDSLErrors(t *testing.T) {
	tests := []struct {
		name, query, errType string
	}{
		{"unknown query type", `{"match":{"a":"b"}}`, "parsing_exception"},
		{"match_phrase slop", `{"match_phrase":{"a":{"query":"b","slop":1}}}`, "parsing_exception"},
		{"two query types", `{"term":{"a":1},"exists":{"field":"a"}}`, "parsing_exception"},
		{"unknown bool key", `{"bool":{"filters":[]}}`, "parsing_exception"},
		{"unknown nested clause", `{"bool":{"filter":[{"query_string":{"query":"x"}}]}}`, "parsing_exception"},
		{"range unknown parameter", `{"range":{"a":{"from":1}}}`, "parsing_exception"},
		{"range bad date", `{"range":{"a":{"gte":"yesterday","format":"strict_date_optional_time"}}}`, "parse_exception"},
		{"range date math", `{"range":{"a":{"gte":"now-5m"}}}`, "estest_unsupported"},
		{"range unknown format", `{"range":{"a":{"gte":"2026","format":"yyyy"}}}`, "estest_unsupported"},
		{"range time zone", `{"range":{"a":{"gte":"2026-12-04","time_zone":"+01:00"}}}`, "estest_unsupported"},
		{"exists without field", `{"exists":{}}`, "parsing_exception"},
		{"term array", `{"term":{"a":["x"]}}`, "parsing_exception"},
		{"terms lookup", `{"terms":{"a":{"index":"i","id":"1","path":"p"}}}`, "estest_unsupported"},
		{"ids not array", `{"ids":{"values":"x"}}`, "parsing_exception"},
		{"not an object", `[]`, "parsing_exception"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any = []any{}
			if tt.query != `[]` {
				v = mustJSON(t, tt.query)
			}
			_, e := parseQuery(v)
			if e == nil {
				t.Fatal("parseQuery accepted the query")
			}
			if e.typ != tt.errType || e.status != http.StatusBadRequest {
				t.Errorf("error = %d %s (%s), want 400 %s", e.status, e.typ, e.reason, tt.errType)
			}
		})
	}
}

func TestParseISO(t *testing.T) {
	tests := []struct {
		in   string
		want string // formatted back, "" when invalid
	}{
		{"2026-12-04T09:58:44Z", "2026-12-04T09:58:44.000Z"},
		{"2026-12-04T09:58:44.5Z", "2026-12-04T09:58:44.500Z"},
		{"2026-12-04T09:58:44.123456789Z", "2026-12-04T09:58:44.123Z"},
		{"2026-12-04T10:58:44+01:00", "2026-12-04T09:58:44.000Z"},
		{"2026-12-04T08:58:44-0100", "2026-12-04T09:58:44.000Z"},
		{"2026-12-04T09:58", "2026-12-04T09:58:00.000Z"},
		{"2026-12-04", "2026-12-04T00:00:00.000Z"},
		{"2026", "2026-01-01T00:00:00.000Z"},
		{"2026-02-30", ""},
		{"2026-12-04T25:00:00Z", ""},
		{"not a date", ""},
	}
	for _, tt := range tests {
		ms, ok := parseISO(tt.in)
		got := ""
		if ok {
			got = formatMillis(ms)
		}
		if got != tt.want {
			t.Errorf("parseISO(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"winlogbeat-*", "winlogbeat-8.19.0", true},
		{"winlogbeat-*", "winlogbeat", false},
		{"*", "anything", true},
		{"logs-*-default", "logs-endpoint.events.file-default", true},
		{"logs-*-default", "logs-default", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v", tt.pattern, tt.name, got)
		}
	}
}

func TestGlobsIntersect(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"eqlrunner-signals-default-*", "eqlrunner-signals-default-x", true},
		{"eqlrunner-signals-default-*", "eqlrunner-signals-default", false},
		{"eqlrunner-signals-default", "eqlrunner-signals-default", true},
		{"eqlrunner-runs-*", "eqlrunner-signals-*", false},
		{"eqlrunner-*", "*-signals-*", true},
		{"a*c", "ab*", true},
		{"a*c", "b*", false},
		{"*", "", true},
		{"x*", "*y", true},
	}
	for _, tt := range tests {
		if got := globsIntersect(tt.a, tt.b); got != tt.want {
			t.Errorf("globsIntersect(%q, %q) = %v", tt.a, tt.b, got)
		}
		if got := globsIntersect(tt.b, tt.a); got != tt.want {
			t.Errorf("globsIntersect(%q, %q) = %v (swapped)", tt.b, tt.a, got)
		}
	}
}
