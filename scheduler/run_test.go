package scheduler_test

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/internal/fakesearch"
	"github.com/eqlrunner/eqlrunner/internal/memstore"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/rules"
	"github.com/eqlrunner/eqlrunner/scheduler"
)

var t0 = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

// ingested is an event ingested at t (its event.ingested), which happened
// a little earlier.
func ingested(id string, t time.Time) query.Event {
	return query.Event{Index: "logs-endpoint.events.file-default", ID: id, Source: json.RawMessage(fmt.Sprintf(
		`{"@timestamp":%q,"event":{"ingested":%q,"category":["file"]},"process":{"name":"lsass.exe"},"file":{"name":"x.dll"}}`,
		query.FormatTime(t.Add(-3*time.Second)), query.FormatTime(t)))}
}

type env struct {
	search *fakesearch.Searcher
	store  *memstore.Store
	runner *scheduler.Runner
	rule   *rules.Rule
}

func newEnv(t *testing.T, opts ...func(*scheduler.RunnerOptions)) *env {
	t.Helper()
	e := &env{search: &fakesearch.Searcher{}, store: memstore.New(), rule: seedrule.Rule(t)}
	e.runner = e.restart(t, opts...)
	return e
}

// restart builds a new Runner on the same store, as a restarted service does.
func (e *env) restart(t *testing.T, opts ...func(*scheduler.RunnerOptions)) *scheduler.Runner {
	t.Helper()
	o := scheduler.RunnerOptions{Searcher: e.search, Sink: e.store, State: e.store, Log: zerolog.Nop()}
	for _, f := range opts {
		f(&o)
	}
	r, err := scheduler.NewRunner(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (e *env) run(at time.Time) scheduler.RunRecord {
	return e.runner.Run(context.Background(), e.rule, at)
}

func TestOverlappingRunsSignalEachEventOnce(t *testing.T) {
	e := newEnv(t)
	e.search.Add(ingested("a", t0.Add(-8*time.Minute)), ingested("b", t0.Add(-2*time.Minute)))
	first := e.run(t0)
	e.search.Add(ingested("c", t0.Add(2*time.Minute)))
	second := e.run(t0.Add(5 * time.Minute))

	if first.New != 2 || second.New != 1 || second.Duplicates != 1 {
		t.Errorf("first run new %d; second new %d, duplicates %d; want 2; 1, 1", first.New, second.New, second.Duplicates)
	}
	if n := len(e.store.Signals()); n != 3 {
		t.Errorf("%d signals stored, want 3", n)
	}
	if first.Status != scheduler.StatusSucceeded || second.Status != scheduler.StatusSucceeded {
		t.Errorf("statuses %s, %s", first.Status, second.Status)
	}
}

func TestBusyWindowWritesMaxSignalsThenTheRestNextRun(t *testing.T) {
	e := newEnv(t)
	for i := range 150 {
		e.search.Add(ingested(fmt.Sprintf("ev%03d", i), t0.Add(-8*time.Minute).Add(time.Duration(i)*2*time.Second)))
	}
	first := e.run(t0)
	if first.New != 100 || first.Backlog != 50 || first.Status != scheduler.StatusPartial {
		t.Fatalf("first run: new %d, backlog %d, status %s; want 100, 50, partial", first.New, first.Backlog, first.Status)
	}
	if len(first.Warnings) == 0 || !strings.Contains(first.Warnings[0], "50 more new matches") {
		t.Errorf("warnings %q, want the backlog named", first.Warnings)
	}
	second := e.run(t0.Add(5 * time.Minute))
	if second.New != 50 || second.Backlog != 0 || second.Status != scheduler.StatusSucceeded {
		t.Fatalf("second run: new %d, backlog %d, status %s; want 50, 0, succeeded", second.New, second.Backlog, second.Status)
	}
	if n := len(e.store.Signals()); n != 150 {
		t.Errorf("%d signals, want all 150", n)
	}
	// The oldest were written first.
	if first := e.store.Signals()[0].Source["kibana.alert.ancestors"]; !strings.Contains(fmt.Sprint(first), "ev000") {
		t.Errorf("first signal is for %v, want ev000", first)
	}
}

func TestFailedRunIsSearchedAgainLater(t *testing.T) {
	e := newEnv(t)
	e.search.Add(ingested("a", t0.Add(-time.Minute)))
	if rec := e.run(t0); rec.New != 1 {
		t.Fatalf("first run wrote %d", rec.New)
	}
	e.search.Add(ingested("lost-if-skipped", t0.Add(3*time.Minute)))
	e.search.Fail = func(query.Request) error { return errors.New("cluster down") }
	failed := e.run(t0.Add(5 * time.Minute))
	if failed.Status != scheduler.StatusFailed || !failed.Checkpoint.Equal(t0) {
		t.Fatalf("failed run: status %s, checkpoint %v; want failed, unchanged %v", failed.Status, failed.Checkpoint, t0)
	}
	e.search.Fail = nil
	later := e.run(t0.Add(45 * time.Minute))
	if later.New != 1 || !later.Window.Start.Equal(t0) {
		t.Errorf("later run: new %d, from %v; want 1 from the checkpoint %v", later.New, later.Window.Start, t0)
	}
	if later.Searches < 5 {
		t.Errorf("%d searches for 45 minutes of catch-up, want windows no wider than 9m", later.Searches)
	}
}

func TestFirstRunFailingIsCoveredByTheNext(t *testing.T) {
	e := newEnv(t)
	e.search.Add(ingested("a", t0.Add(-5*time.Minute)))
	e.search.Fail = func(query.Request) error { return errors.New("cluster down") }
	if rec := e.run(t0); rec.Status != scheduler.StatusFailed {
		t.Fatal("first run did not fail")
	}
	e.search.Fail = nil
	// After a restart, too: the failed run's record holds where it began.
	e.runner = e.restart(t)
	if rec := e.run(t0.Add(40 * time.Minute)); rec.New != 1 {
		t.Errorf("the event of the failed first run was not signalled: new %d", rec.New)
	}
}

func TestBulkItemFailureKeepsTheCheckpoint(t *testing.T) {
	e := newEnv(t)
	e.search.Add(ingested("a", t0.Add(-time.Minute)), ingested("b", t0.Add(-30*time.Second)))
	e.store.FailCreate = func(string) bool { return true }
	failed := e.run(t0)
	if failed.Status != scheduler.StatusFailed || !strings.Contains(failed.Error, "HTTP 500") {
		t.Fatalf("status %s, error %q", failed.Status, failed.Error)
	}
	e.store.FailCreate = nil
	if rec := e.run(t0.Add(5 * time.Minute)); rec.New != 2 {
		t.Errorf("next run wrote %d, want the 2 the failed run could not", rec.New)
	}
}

func TestOutageBeyondMaxCatchupIsReportedAsAGap(t *testing.T) {
	e := newEnv(t, func(o *scheduler.RunnerOptions) { o.MaxCatchup = time.Hour })
	e.run(t0)
	rec := e.run(t0.Add(3 * time.Hour))
	if rec.Gap == nil || rec.Status != scheduler.StatusPartial {
		t.Fatalf("gap %v, status %s; want a gap and partial", rec.Gap, rec.Status)
	}
	if !rec.Gap.Start.Equal(t0) || rec.Gap.End.After(t0.Add(2*time.Hour)) {
		t.Errorf("gap %v to %v, want from the checkpoint %v to an hour before now", rec.Gap.Start, rec.Gap.End, t0)
	}
	if !rec.Window.Start.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("searched from %v, want an hour back", rec.Window.Start)
	}
}

type shardFailing struct {
	*fakesearch.Searcher
	fail bool
}

func (s *shardFailing) Search(ctx context.Context, req query.Request) (*query.Response, error) {
	resp, err := s.Searcher.Search(ctx, req)
	if err == nil && s.fail {
		resp.ShardFailures = []json.RawMessage{json.RawMessage(`{"shard":0,"reason":{"type":"x","reason":"node left"}}`)}
	}
	return resp, err
}

func TestShardFailuresWriteWhatWasFoundAndSearchTheWindowAgain(t *testing.T) {
	sf := &shardFailing{Searcher: &fakesearch.Searcher{}}
	e := newEnv(t, func(o *scheduler.RunnerOptions) { o.Searcher = sf })
	e.run(t0)
	sf.fail = true
	sf.Add(ingested("a", t0.Add(3*time.Minute)))
	rec := e.run(t0.Add(5 * time.Minute))
	if rec.Status != scheduler.StatusPartial || rec.New != 1 {
		t.Fatalf("status %s, new %d; want partial with the hit written", rec.Status, rec.New)
	}
	if !rec.Checkpoint.Equal(t0) {
		t.Errorf("checkpoint moved to %v despite shard failures; want it held at %v", rec.Checkpoint, t0)
	}
}

func TestRunsRecordThemselves(t *testing.T) {
	e := newEnv(t)
	e.run(t0)
	runs := e.store.Runs()
	if len(runs) != 1 {
		t.Fatalf("%d records", len(runs))
	}
	r := runs[0]
	if r.RuleID != e.rule.RuleID || r.ExecutionID == "" || !r.Window.End.Equal(t0) || !r.Checkpoint.Equal(t0) {
		t.Errorf("record %+v", r)
	}
}
