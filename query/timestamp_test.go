package query

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseTimestampReadsElasticsearchDefaultFormats(t *testing.T) {
	want := time.Date(2026, 12, 4, 10, 3, 9, 113_000_000, time.UTC)
	for _, in := range []any{
		"2026-12-04T10:03:09.113Z",
		"2026-12-04T11:03:09.113+01:00",
		"2026-12-04T10:03:09.113",
		"1796378589113",
		json.Number("1796378589113"),
	} {
		got, ok := ParseTimestamp(in)
		if !ok || !got.Equal(want) {
			t.Errorf("ParseTimestamp(%v) = %v, %v; want %v", in, got, ok, want)
		}
	}
	if got, ok := ParseTimestamp("2026-12-04"); !ok || !got.Equal(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", got, ok)
	}
	for _, bad := range []any{"yesterday", "", nil, true} {
		if _, ok := ParseTimestamp(bad); ok {
			t.Errorf("ParseTimestamp(%v) succeeded", bad)
		}
	}
}
