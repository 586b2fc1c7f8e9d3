package query

import "testing"

func TestSelectsIndexFollowsElasticsearchPatterns(t *testing.T) {
	seed := []string{"winlogbeat-*", "logs-endpoint.events.file-*", "logs-windows.sysmon_operational-*", "endgame-*",
		"logs-m365_defender.event-*", "logs-sentinel_one_cloud_funnel.*", "logs-crowdstrike.fdr*"}
	for _, tt := range []struct {
		patterns []string
		index    string
		want     bool
	}{
		{seed, "logs-endpoint.events.file-default", true},
		{seed, "logs-endpoint.events.process-default", false},
		{seed, "winlogbeat-8.17.4-2026.12.04", true},
		{seed, "logs-crowdstrike.fdr", true},
		{seed, "endgame", false},
		{[]string{"logs-*", "-logs-test*"}, "logs-test-1", false},
		{[]string{"logs-*", "-logs-test*"}, "logs-prod-1", true},
		{[]string{"-logs-*", "logs-*"}, "logs-a", true},
		{[]string{"a*b*c"}, "axxbyyc", true},
		{[]string{"a*b*c"}, "axxcyyb", false},
		{[]string{"exact"}, "exact", true},
	} {
		if got := SelectsIndex(tt.patterns, tt.index); got != tt.want {
			t.Errorf("SelectsIndex(%v, %q) = %v, want %v", tt.patterns, tt.index, got, tt.want)
		}
	}
}

func TestIndexOfFileDropsEventFileExtensions(t *testing.T) {
	for in, want := range map[string]string{
		"/spool/logs-endpoint.events.file-default.ndjson": "logs-endpoint.events.file-default",
		"logs-endpoint.events.file-default.ndjson.gz":     "logs-endpoint.events.file-default",
		"dir/winlogbeat-8.17.4-2026.12.04.json":           "winlogbeat-8.17.4-2026.12.04",
		"events.jsonl":                                    "events",
		"noext":                                           "noext",
	} {
		if got := IndexOfFile(in); got != want {
			t.Errorf("IndexOfFile(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLineIDIsStable(t *testing.T) {
	a, b := LineID([]byte(`{"a":1}`)), LineID([]byte(`{"a":1}`))
	if a != b || len(a) != 32 || a == LineID([]byte(`{"a":2}`)) {
		t.Errorf("LineID: %s %s", a, b)
	}
}

func TestFileEventIDPrefersTheEventsOwnID(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{`{"@timestamp":"x","_id":"abc","n":{"_id":"inner"}}`, "abc"},
		{`{"\u005fid":"escaped","a":1}`, "escaped"},
		{`{"a":{"_id":"inner"}}`, ""},
		{`{"a":"\u00e9"}`, ""},
		{`{"_id":42}`, ""},
		{`{"a":1}`, ""},
	} {
		want := tt.want
		if want == "" {
			want = LineID([]byte(tt.line))
		}
		if got := FileEventID([]byte(tt.line)); got != want {
			t.Errorf("FileEventID(%s) = %q, want %q", tt.line, got, want)
		}
	}
}
