package scheduler_test

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"context"
	"fmt"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/internal/fakesearch"
	"github.com/eqlrunner/eqlrunner/internal/memstore"
	"github.com/eqlrunner/eqlrunner/scheduler"
)

// BenchmarkRunBusyWindow runs the built-in rule over a window holding 1,000
// matches with in-memory search and storage: the run's own cost (planning,
// splitting the full window, building, deduplicating and capping signals),
// reported per match.
func BenchmarkRunBusyWindow(b *testing.B) {
	search := &fakesearch.Searcher{}
	for i := range 1000 {
		search.Add(ingested(fmt.Sprintf("ev%04d", i), t0.Add(-8*time.Minute).Add(time.Duration(i)*400*time.Millisecond)))
	}
	rule := seedrule.Rule(&testing.T{})
	b.ReportAllocs()
	for b.Loop() {
		store := memstore.New()
		runner, err := scheduler.NewRunner(context.Background(), scheduler.RunnerOptions{Searcher: search, Sink: store, State: store})
		if err != nil {
			b.Fatal(err)
		}
		if rec := runner.Run(context.Background(), rule, t0); rec.New != 100 || rec.Backlog != 900 {
			b.Fatalf("new %d backlog %d", rec.New, rec.Backlog)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/match")
}
