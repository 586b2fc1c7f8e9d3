package query_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/internal/fakesearch"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/rules"
)

func eventAt(id string, t time.Time) query.Event {
	return query.Event{Index: "logs", ID: id, Source: json.RawMessage(fmt.Sprintf(`{"@timestamp":%q}`, query.FormatTime(t)))}
}

var (
	t0       = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	testRule = &rules.Rule{RuleID: "r", MaxSignals: 100}
)

func ids(evs []query.TimedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

func TestCollectFindsEveryMatchOfAFullWindowOldestFirst(t *testing.T) {
	tests := []struct {
		name    string
		events  func() []query.Event
		size    int
		want    int
		maxCost int // Searches.
	}{
		{"fewer than size: one search", func() []query.Event {
			return spread(40, 9*time.Minute)
		}, 100, 40, 1},
		{"150 matches, size 100", func() []query.Event {
			return spread(150, 9*time.Minute)
		}, 100, 150, 3},
		{"1,000 matches, size 100", func() []query.Event {
			return spread(1000, 9*time.Minute)
		}, 100, 1000, 40},
		{"250 matches in one millisecond page by exclusion", func() []query.Event {
			var evs []query.Event
			for i := range 250 {
				evs = append(evs, eventAt(fmt.Sprintf("same-%03d", i), t0.Add(time.Minute)))
			}
			return evs
		}, 100, 250, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakesearch.Searcher{}
			f.Add(tt.events()...)
			w := query.Window{From: t0, To: t0.Add(9 * time.Minute)}
			c, err := query.Collect(context.Background(), f, query.Request{Rule: testRule, Window: w, Size: tt.size}, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Events) != tt.want {
				t.Fatalf("collected %d events, want %d", len(c.Events), tt.want)
			}
			seen := map[string]bool{}
			for i, e := range c.Events {
				if seen[e.ID] {
					t.Fatalf("event %s collected twice", e.ID)
				}
				seen[e.ID] = true
				if i > 0 && e.Time.Before(c.Events[i-1].Time) {
					t.Fatalf("not oldest first at %d: %v", i, ids(c.Events[i-1:i+1]))
				}
			}
			if !c.Complete.Equal(w.To) {
				t.Errorf("complete to %v, want the window's end", c.Complete)
			}
			if c.Searches > tt.maxCost {
				t.Errorf("%d searches, want at most %d", c.Searches, tt.maxCost)
			}
		})
	}
}

// spread puts n events evenly over d after t0.
func spread(n int, d time.Duration) []query.Event {
	evs := make([]query.Event, n)
	for i := range n {
		evs[i] = eventAt(fmt.Sprintf("ev-%04d", i), t0.Add(time.Duration(i)*d/time.Duration(n)))
	}
	return evs
}

func TestCollectStopsAtTheBudgetAndSaysHowFarItGot(t *testing.T) {
	f := &fakesearch.Searcher{}
	events := spread(1000, 9*time.Minute)
	f.Add(events...)
	w := query.Window{From: t0, To: t0.Add(9 * time.Minute)}
	c, err := query.Collect(context.Background(), f, query.Request{Rule: testRule, Window: w, Size: 100}, 200)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Events) < 200 || len(c.Events) > 300 {
		t.Fatalf("collected %d events with a budget of 200", len(c.Events))
	}
	if !c.Complete.Before(w.To) {
		t.Fatal("complete to the window's end, though the budget stopped it")
	}
	last := c.Events[len(c.Events)-1].Time
	if last.After(c.Complete) {
		t.Errorf("an event at %v lies after the complete point %v", last, c.Complete)
	}
	// Nothing up to Complete is missing.
	for _, ev := range events {
		et, _ := query.EventTime(testRule, ev)
		if !et.After(c.Complete) && !slices.ContainsFunc(c.Events, func(e query.TimedEvent) bool { return e.ID == ev.ID }) {
			t.Fatalf("event %s at %v is before the complete point but was not collected", ev.ID, et)
		}
	}
}

func TestEventTimeUsesTheOverrideWithFallback(t *testing.T) {
	r := &rules.Rule{TimestampOverride: "event.ingested"}
	withOverride := query.Event{Source: json.RawMessage(`{"@timestamp":"2026-12-04T09:00:00Z","event":{"ingested":"2026-12-04T10:00:00Z"}}`)}
	without := query.Event{Source: json.RawMessage(`{"@timestamp":"2026-12-04T09:00:00Z"}`)}
	fromFields := query.Event{Fields: map[string][]json.RawMessage{"event.ingested": {json.RawMessage(`"2026-12-04T11:00:00.000Z"`)}}}
	for _, tt := range []struct {
		name string
		r    *rules.Rule
		ev   query.Event
		want string
		ok   bool
	}{
		{"override", r, withOverride, "2026-12-04T10:00:00.000Z", true},
		{"fallback to @timestamp", r, without, "2026-12-04T09:00:00.000Z", true},
		{"fields first", r, fromFields, "2026-12-04T11:00:00.000Z", true},
		{"fallback disabled", &rules.Rule{TimestampOverride: "event.ingested", TimestampOverrideFallbackDisabled: true}, without, "", false},
		{"no override", &rules.Rule{}, withOverride, "2026-12-04T09:00:00.000Z", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := query.EventTime(tt.r, tt.ev)
			if ok != tt.ok || (ok && query.FormatTime(got) != tt.want) {
				t.Errorf("query.EventTime = %v, %v; want %s, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}
