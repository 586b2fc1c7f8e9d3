package scheduler

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eqlrunner/eqlrunner/query"
)

func at(hhmm string) time.Time {
	t, err := time.Parse("2006-01-02T15:04", "2026-12-04T"+hhmm)
	if err != nil {
		panic(err)
	}
	return t
}

func w(from, to string) query.Window { return query.Window{From: at(from), To: at(to)} }

func TestPlanRun(t *testing.T) {
	const (
		from = -9 * time.Minute
		to   = time.Duration(0)
	)
	tests := []struct {
		name       string
		now        string
		checkpoint time.Time
		maxCatchup time.Duration
		want       Plan
	}{
		{"first run searches the rule's window", "10:05", time.Time{}, DefaultMaxCatchup,
			Plan{Windows: []query.Window{w("09:56", "10:05")}}},
		{"on-time run overlaps the last one and reaches no further", "10:05", at("10:00"), DefaultMaxCatchup,
			Plan{Windows: []query.Window{w("09:56", "10:05")}}},
		{"checkpoint exactly at the window start", "10:05", at("09:56"), DefaultMaxCatchup,
			Plan{Windows: []query.Window{w("09:56", "10:05")}}},
		{"a missed tick starts at the checkpoint", "10:10", at("10:00"), DefaultMaxCatchup,
			Plan{Windows: []query.Window{w("10:00", "10:01"), w("10:01", "10:10")}}},
		{"40 minutes after a failed run: all of it, in lookback-wide windows", "10:45", at("10:00"), DefaultMaxCatchup,
			Plan{Windows: []query.Window{
				w("10:00", "10:09"), w("10:09", "10:18"), w("10:18", "10:27"), w("10:27", "10:36"), w("10:36", "10:45"),
			}}},
		{"an outage longer than max catch-up leaves a gap", "12:00", at("09:00"), time.Hour,
			Plan{
				Windows: []query.Window{
					w("11:00", "11:06"), w("11:06", "11:15"), w("11:15", "11:24"), w("11:24", "11:33"),
					w("11:33", "11:42"), w("11:42", "11:51"), w("11:51", "12:00"),
				},
				Gap: &query.Window{From: at("09:00"), To: at("11:00").Add(-time.Millisecond)},
			}},
		{"max catch-up shorter than the lookback never cuts the rule's window", "10:05", at("09:00"), time.Minute,
			Plan{
				Windows: []query.Window{w("09:56", "10:05")},
				Gap:     &query.Window{From: at("09:00"), To: at("09:56").Add(-time.Millisecond)},
			}},
		{"a checkpoint in the future changes nothing", "10:05", at("11:00"), DefaultMaxCatchup,
			Plan{Windows: []query.Window{w("09:56", "10:05")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanRun(at(tt.now), from, to, tt.checkpoint, tt.maxCatchup)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("PlanRun (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanRunHonoursToOffset(t *testing.T) {
	got := PlanRun(at("10:05"), -10*time.Minute, -2*time.Minute, time.Time{}, DefaultMaxCatchup)
	if diff := cmp.Diff(Plan{Windows: []query.Window{w("09:55", "10:03")}}, got); diff != "" {
		t.Errorf("PlanRun (-want +got):\n%s", diff)
	}
}
