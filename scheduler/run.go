package scheduler

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/rules"
)

// RunnerOptions configure a Runner; zero values take defaults.
type RunnerOptions struct {
	Searcher query.Searcher
	Sink     alerting.Sink
	State    State
	Space    string
	// MaxCatchup bounds how far back a run reaches for missed time.
	MaxCatchup time.Duration
	// Budget is how many hits a run collects, per round, in units of the
	// rule's max_signals, before writing what it has. It bounds the memory
	// and the searches of a run through a busy window.
	Budget int
	Log    zerolog.Logger
	// NewID names executions; uuid v4 by default.
	NewID func() string
}

// DefaultBudget collects up to 10 × max_signals hits per round.
const DefaultBudget = 10

// Runner runs rules: plan the windows, search, build signals, write what
// is new up to max_signals, record the run. Runs of different rules may
// proceed at once; the scheduler keeps runs of one rule apart.
type Runner struct {
	opts RunnerOptions

	mu          sync.Mutex
	checkpoints map[string]time.Time
}

// NewRunner returns a Runner that continues from the checkpoints State
// holds.
func NewRunner(ctx context.Context, opts RunnerOptions) (*Runner, error) {
	if opts.Space == "" {
		opts.Space = alerting.DefaultSpace
	}
	if opts.MaxCatchup == 0 {
		opts.MaxCatchup = DefaultMaxCatchup
	}
	if opts.Budget <= 0 {
		opts.Budget = DefaultBudget
	}
	if opts.NewID == nil {
		opts.NewID = func() string { return uuid.NewString() }
	}
	cps, err := opts.State.Checkpoints(ctx)
	if err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	if cps == nil {
		cps = map[string]time.Time{}
	}
	return &Runner{opts: opts, checkpoints: cps}, nil
}

// Checkpoint returns where a rule's next run continues from: every match
// before it is signalled.
func (rn *Runner) Checkpoint(ruleID string) time.Time {
	rn.mu.Lock()
	defer rn.mu.Unlock()
	return rn.checkpoints[ruleID]
}

// Run runs a rule once as if the clock read now, records the run and logs
// its summary. It never panics: a panic inside becomes a failed run.
func (rn *Runner) Run(ctx context.Context, r *rules.Rule, now time.Time) (rec RunRecord) {
	now = now.UTC().Truncate(time.Millisecond)
	rec = RunRecord{
		Timestamp: now, ExecutionID: rn.opts.NewID(),
		RuleID: r.RuleID, RuleName: r.Name, RuleVersion: r.Version, Space: rn.opts.Space,
	}
	start := rn.Checkpoint(r.RuleID)
	defer func() {
		if p := recover(); p != nil {
			rec.Status, rec.Error = StatusFailed, fmt.Sprintf("internal error: %v", p)
			rec.Checkpoint = start
			rn.opts.Log.Error().Str("rule_id", r.RuleID).Str("stack", string(debug.Stack())).Msg("run panicked")
		}
		rn.finish(ctx, r, &rec)
	}()
	rn.run(ctx, r, now, start, &rec)
	return rec
}

func (rn *Runner) run(ctx context.Context, r *rules.Rule, now time.Time, checkpoint time.Time, rec *RunRecord) {
	from, _ := rules.ParseDateMath(r.From)
	to, _ := rules.ParseDateMath(r.To)
	plan := PlanRun(now, from, to, checkpoint, rn.opts.MaxCatchup)
	rec.Window = Span{Start: plan.Windows[0].From, End: plan.Windows[len(plan.Windows)-1].To}
	// Until proven otherwise the checkpoint stays where it was; on a first
	// run that fails, it is set to where that run began, so that the next
	// run searches its window too.
	rec.Checkpoint = checkpoint
	if checkpoint.IsZero() {
		rec.Checkpoint = rec.Window.Start
	}
	if plan.Gap != nil {
		rec.Gap = &Gap{Span: Span{Start: plan.Gap.From, End: plan.Gap.To}, MS: plan.Gap.To.Sub(plan.Gap.From).Milliseconds() + 1}
		rec.Warnings = append(rec.Warnings, fmt.Sprintf(
			"%s (%s to %s) was never searched: it is older than the catch-up bound (--max-catchup %s)",
			plan.Gap.To.Sub(plan.Gap.From).Round(time.Second), query.FormatTime(plan.Gap.From), query.FormatTime(plan.Gap.To), rn.opts.MaxCatchup))
	}
	if len(r.ExceptionsList) > 0 {
		rec.Warnings = append(rec.Warnings, "the rule's exception lists are not applied: eqlrunner does not read Kibana exception lists")
	}

	builder := alerting.NewBuilder(r, alerting.Run{Space: rn.opts.Space, ExecutionID: rec.ExecutionID, Now: now})
	remaining := r.MaxSignals
	// hold is the earliest point a window with shard failures forces the
	// checkpoint back to: its data may not all have been searched.
	var hold time.Time
	var searchTime, writeTime time.Duration
	noIndicesWarned := false
	defer func() {
		rec.SearchMS, rec.WriteMS = searchTime.Milliseconds(), writeTime.Milliseconds()
	}()

	for i, w := range plan.Windows {
		for {
			if remaining == 0 {
				// The cap is reached before this window: the rest waits
				// for the next run, which starts at the checkpoint.
				rec.Warnings = append(rec.Warnings, fmt.Sprintf(
					"reached max_signals (%d) before searching %s to %s: the next run continues there",
					r.MaxSignals, query.FormatTime(w.From), query.FormatTime(plan.Windows[len(plan.Windows)-1].To)))
				rec.Checkpoint = nextCheckpoint(checkpoint, w.From, hold)
				return
			}
			coll, err := query.Collect(ctx, rn.opts.Searcher, query.Request{Rule: r, Window: w, Size: r.MaxSignals}, rn.opts.Budget*r.MaxSignals)
			if err != nil {
				rec.Status, rec.Error = StatusFailed, err.Error()
				return
			}
			searchTime += coll.SearchTime
			rec.Searches += coll.Searches
			if len(coll.ShardFailures) > 0 {
				rec.Warnings = append(rec.Warnings, fmt.Sprintf(
					"the search of %s to %s ran on the available shards only: %d shard failure(s); this window will be searched again",
					query.FormatTime(w.From), query.FormatTime(w.To), len(coll.ShardFailures)))
				if hold.IsZero() || w.From.Before(hold) {
					hold = w.From
				}
			}
			if coll.NoIndices && !noIndicesWarned {
				noIndicesWarned = true
				rec.Warnings = append(rec.Warnings, fmt.Sprintf(
					"no index matches the rule's index patterns %v: nothing was searched", r.Index))
			}
			if coll.Truncated {
				rec.Warnings = append(rec.Warnings, fmt.Sprintf(
					"the sequence search of %s to %s came back full (%d): older sequences in it may be missed",
					query.FormatTime(w.From), query.FormatTime(w.To), r.MaxSignals))
			}
			matches := matchesOf(r, coll)
			rec.Hits += len(matches)
			wr, err := alerting.Write(ctx, rn.opts.Sink, builder, matches, remaining)
			writeTime += wr.Took
			if err != nil {
				rec.Status, rec.Error = StatusFailed, err.Error()
				return
			}
			rec.New += wr.New
			rec.Duplicates += wr.Duplicates
			remaining -= wr.New
			if wr.Backlog > 0 {
				rec.Backlog += wr.Backlog
				more := ""
				if coll.Complete.Before(w.To) || i < len(plan.Windows)-1 {
					more = " at least"
				}
				rec.Warnings = append(rec.Warnings, fmt.Sprintf(
					"reached max_signals (%d):%s %d more new matches wait for the next run, which continues from %s",
					r.MaxSignals, more, wr.Backlog, query.FormatTime(wr.LastWritten)))
				// The next run searches again from the last signal written;
				// the signals at that instant are deduplicated.
				rec.Checkpoint = nextCheckpoint(checkpoint, wr.LastWritten, hold)
				return
			}
			if !coll.Complete.Before(w.To) {
				break
			}
			// The budget stopped the collection: write what it found and
			// collect the rest of the window.
			w.From = coll.Complete.Add(time.Millisecond)
		}
	}
	rec.Checkpoint = nextCheckpoint(checkpoint, plan.Windows[len(plan.Windows)-1].To, hold)
}

// nextCheckpoint is where the next run starts after this one searched and
// signalled everything before reached: there, or back at hold when a
// window with shard failures must be searched again, but never before the
// previous checkpoint, whose time earlier runs completed.
func nextCheckpoint(previous, reached, hold time.Time) time.Time {
	cp := reached
	if !hold.IsZero() && hold.Before(cp) {
		cp = hold
	}
	if cp.Before(previous) {
		cp = previous
	}
	return cp
}

// matchesOf turns a collection into matches, oldest first. A sequence is
// judged by its first event.
func matchesOf(r *rules.Rule, coll *query.Collection) []alerting.Match {
	matches := make([]alerting.Match, 0, len(coll.Events)+len(coll.Sequences))
	for i := range coll.Events {
		matches = append(matches, alerting.Match{Time: coll.Events[i].Time, Event: &coll.Events[i].Event})
	}
	for i, seq := range coll.Sequences {
		var t time.Time
		for _, ev := range seq.Events {
			if et, ok := query.EventTime(r, ev); ok && !ev.Missing {
				t = et
				break
			}
		}
		matches = append(matches, alerting.Match{Time: t, Sequence: &coll.Sequences[i]})
	}
	slices.SortStableFunc(matches, func(a, b alerting.Match) int { return a.Time.Compare(b.Time) })
	return matches
}

// finish settles the status, keeps the checkpoint, stores the record and
// logs the run's summary.
func (rn *Runner) finish(ctx context.Context, r *rules.Rule, rec *RunRecord) {
	if rec.Status == "" {
		rec.Status = StatusSucceeded
		if len(rec.Warnings) > 0 {
			rec.Status = StatusPartial
		}
	}
	rn.mu.Lock()
	if rec.Checkpoint.After(rn.checkpoints[r.RuleID]) {
		rn.checkpoints[r.RuleID] = rec.Checkpoint
	}
	rn.mu.Unlock()

	recordErr := rn.opts.State.Record(context.WithoutCancel(ctx), *rec)
	rn.logSummary(rec, recordErr)
}

func (rn *Runner) logSummary(rec *RunRecord, recordErr error) {
	var e *zerolog.Event
	switch rec.Status {
	case StatusSucceeded:
		e = rn.opts.Log.Info()
	case StatusPartial:
		e = rn.opts.Log.Warn()
	default:
		e = rn.opts.Log.Error()
	}
	e = e.Str("rule_id", rec.RuleID).Str("rule_name", rec.RuleName).Str("execution_id", rec.ExecutionID).
		Time("window_start", rec.Window.Start).Time("window_end", rec.Window.End).
		Int("hits", rec.Hits).Int("new", rec.New).Int("duplicates", rec.Duplicates).Int("backlog", rec.Backlog).
		Int64("search_ms", rec.SearchMS).Int64("write_ms", rec.WriteMS).Int("searches", rec.Searches).
		Time("checkpoint", rec.Checkpoint).Str("status", rec.Status)
	if rec.Gap != nil {
		e = e.Int64("gap_ms", rec.Gap.MS).Time("gap_start", rec.Gap.Start).Time("gap_end", rec.Gap.End)
	}
	if len(rec.Warnings) > 0 {
		e = e.Strs("warnings", rec.Warnings)
	}
	if rec.Error != "" {
		e = e.Str("error", rec.Error)
	}
	if recordErr != nil {
		e = e.AnErr("record_error", recordErr)
	}
	e.Msg("rule run")
}

// ErrNoRules is returned when there is nothing to run.
var ErrNoRules = errors.New("no rules to run")
