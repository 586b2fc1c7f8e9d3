package alerting

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eqlrunner/eqlrunner/query"
)

func rawFields(t *testing.T, s string) map[string][]json.RawMessage {
	t.Helper()
	var f map[string][]json.RawMessage
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestMergeMissingFieldsCopiesOnlyWhatSourceLacks(t *testing.T) {
	tests := []struct {
		name, source, fields, want string
	}{
		{"a runtime field is added, unboxed",
			`{"host":{"name":"h"}}`, `{"host.risk":["high"]}`,
			`{"host":{"name":"h","risk":"high"}}`},
		{"several values stay an array",
			`{}`, `{"tags":["a","b"]}`,
			`{"tags":["a","b"]}`},
		{"a value the source has is kept",
			`{"process":{"name":"Source.exe"}}`, `{"process.name":["source.exe"]}`,
			`{"process":{"name":"Source.exe"}}`},
		{"a null in the source is filled",
			`{"data_stream":{"dataset":null}}`, `{"data_stream.dataset":["endpoint.events.file"]}`,
			`{"data_stream":{"dataset":"endpoint.events.file"}}`},
		{"dotted source keys are seen",
			`{"event.module":"sysmon"}`, `{"event.module":["other"]}`,
			`{"event.module":"sysmon"}`},
		{"_ignored, invalid keys and multi-field sub-keys are skipped",
			`{}`, `{"_ignored":["x"],".hidden":["x"],"a..b":["x"],"process.name":["p"],"process.name.text":["p"]}`,
			`{"process":{"name":"p"}}`},
		{"a path through a leaf is not settable",
			`{"user":"root"}`, `{"user.name":["root"]}`,
			`{"user":"root"}`},
		{"object values (nested fields, geo points) are not merged",
			`{}`, `{"geo":[{"lat":1,"lon":2}]}`,
			`{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, err := decodeJSONObject(json.RawMessage(tt.source))
			if err != nil {
				t.Fatal(err)
			}
			fields, err := decodeFields(rawFields(t, tt.fields))
			if err != nil {
				t.Fatal(err)
			}
			mergeMissingFields(src, fields)
			want, _ := decodeJSONObject(json.RawMessage(tt.want))
			if diff := cmp.Diff(want, src); diff != "" {
				t.Errorf("merged source (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSanitizeStripsForeignAlertFieldsAndCopiesEventFields(t *testing.T) {
	src, _ := decodeJSONObject(json.RawMessage(`{
		"event": {"kind": "event", "category": ["file"], "nested": {"a": 1}},
		"event.outcome": "success",
		"data_stream": {"type": "logs"},
		"kibana": {"alert": {"uuid": "forged"}},
		"kibana.alert.rule.name": "forged",
		"signal": {"rule": {}},
		"threshold_result": {},
		"host": {"name": "h"}
	}`))
	got := sanitize(src)
	want, _ := decodeJSONObject(json.RawMessage(`{
		"event": {"category": ["file"], "nested": {"a": 1}},
		"event.outcome": "success",
		"data_stream": {"type": "logs"},
		"host": {"name": "h"},
		"kibana.alert.original_event.kind": "event",
		"kibana.alert.original_event.category": ["file"],
		"kibana.alert.original_event.nested.a": 1,
		"kibana.alert.original_event.outcome": "success",
		"kibana.alert.original_data_stream.type": "logs"
	}`))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sanitized (-want +got):\n%s", diff)
	}
}

func TestEventSignalReplacesEventKindAndTimestamp(t *testing.T) {
	ev := query.Event{Index: "logs-a", ID: "1", Source: json.RawMessage(`{"@timestamp":"2026-12-04T10:00:00+01:00","event":{"kind":"event"}}`)}
	sig, err := NewBuilder(seedrule.Rule(t), testRun).Event(ev)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]any{
		"@timestamp":                       "2026-12-04T10:05:00.123Z",
		"event.kind":                       "signal",
		"kibana.alert.original_time":       "2026-12-04T09:00:00.000Z",
		"kibana.alert.original_event.kind": "event",
		"kibana.alert.depth":               1,
		"kibana.alert.status":              "active",
		"kibana.alert.workflow_status":     "open",
	} {
		if got := sig.Source[key]; !cmp.Equal(got, want) {
			t.Errorf("%s = %v, want %v", key, got, want)
		}
	}
	if _, ok := sig.Source["event"]; ok {
		t.Errorf("an event object holding only kind should go, got %v", sig.Source["event"])
	}
}
