package eqlsearch

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eqlrunner/eqlrunner/internal/golden"
	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
	"github.com/eqlrunner/eqlrunner/query"
)

// seedRequest is the search of the spec's worked example: a run started at
// 2025-06-10T14:05:00.123Z with from now-9m.
func seedRequest(t *testing.T) query.Request {
	now := time.Date(2025, 6, 10, 14, 5, 0, 123_000_000, time.UTC)
	r := seedrule.Rule(t)
	return query.Request{Rule: r, Window: query.Window{From: now.Add(-9 * time.Minute), To: now}, Size: r.MaxSignals}
}

func decode(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestSeedRuleBodyIsKibanasWorkedRequest(t *testing.T) {
	got, err := Body(seedRequest(t))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "seed_request.golden.json"), append(got, '\n'))

	// The spec's worked request (§2.3), less runtime_mappings, which we
	// leave out on purpose.
	spec, err := os.ReadFile(sharedcorpus.Path(t, "spec", "kibana-detection-engine.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(spec)
	start := strings.Index(text, "### 2.3 Worked request")
	js := text[start:]
	js = js[strings.Index(js, "```json")+len("```json"):]
	js = js[:strings.Index(js, "```")]
	want := decode(t, []byte(js)).(map[string]any)
	delete(want, "runtime_mappings")
	if diff := cmp.Diff(want, decode(t, got)); diff != "" {
		t.Errorf("body differs from Kibana's (-kibana +ours):\n%s", diff)
	}
}

func TestBodyWithoutOverrideUsesPlainRangeAndRuleOptions(t *testing.T) {
	req := seedRequest(t)
	r := *req.Rule
	r.TimestampOverride = ""
	r.TimestampField = "event.created"
	r.EventCategoryOverride = "event.type"
	r.TiebreakerField = "event.sequence"
	r.Filters = []map[string]any{
		{"meta": map[string]any{"negate": false}, "query": map[string]any{"exists": map[string]any{"field": "process.pid"}}},
		{"meta": map[string]any{"negate": true}, "query": map[string]any{"match_phrase": map[string]any{"host.name": "build-01"}}},
		{"meta": map[string]any{"disabled": true}, "query": map[string]any{"match_all": map[string]any{}}},
	}
	req.Rule = &r
	req.Exclude = []query.EventRef{{Index: "i2", ID: "b"}, {Index: "i1", ID: "a"}, {Index: "i1", ID: "c"}}
	got, err := Body(req)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "options_request.golden.json"), append(got, '\n'))
	body := decode(t, got).(map[string]any)
	for key, want := range map[string]any{
		"timestamp_field":      "event.created",
		"event_category_field": "event.type",
		"tiebreaker_field":     "event.sequence",
	} {
		if body[key] != want {
			t.Errorf("%s = %v, want %v", key, body[key], want)
		}
	}
	filters := body["filter"].(map[string]any)["bool"].(map[string]any)["filter"].([]any)
	if _, ok := filters[0].(map[string]any)["range"].(map[string]any)["@timestamp"]; !ok {
		t.Errorf("without an override the range is on @timestamp: %v", filters[0])
	}
}
