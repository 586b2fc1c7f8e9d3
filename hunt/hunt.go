package hunt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/rules"
)

// Options configure a hunt.
type Options struct {
	// Rules are run over every event (disabled rules included: leaving
	// them out is the caller's choice).
	Rules  []*rules.Rule
	Inputs []Input
	// Output receives the signal documents, one JSON object per line:
	// {"_index":"eqlrunner-signals-<space>","_id":…,"_source":{…}}.
	Output io.Writer
	// From and To, when not zero, bound the events a rule sees by its
	// timestamp field (@timestamp unless the rule says otherwise), both
	// inclusive. An event without a timestamp is then outside.
	From, To time.Time
	// RespectIndex runs a rule only on the inputs its index patterns
	// select (query.SelectsIndex on Input.Index), as the local back end
	// of run does.
	RespectIndex bool
	// Space, Now and ExecutionID describe the hunt in its signals: the
	// Kibana space (default "default"), their @timestamp and their
	// kibana.alert.rule.execution.uuid.
	Space       string
	Now         time.Time
	ExecutionID string
	// Workers decode and match in parallel: GOMAXPROCS when zero.
	Workers int
	// BatchSize is how many bytes of whole lines a worker takes at a time:
	// DefaultBatchSize when zero. A batch holds at least one line.
	BatchSize int
	// OnProblem is told, in input order, of each line, event or input the
	// hunt skipped, and of rules that could not finish.
	OnProblem func(Problem)
	// Progress is told how many bytes of input were read, as stored (that
	// is, compressed for a gzipped file); it is called from the reading
	// goroutine.
	Progress func(n int64)
}

// DefaultBatchSize is large enough that handing a batch to a worker costs
// nothing next to decoding it, and small enough that a few batches per
// worker in flight take little memory.
const DefaultBatchSize = 2 << 20

// maxLineBytes is the longest line read; a longer one is a bad line. It is
// a variable so that tests can lower it.
var maxLineBytes = 64 << 20

// Stats count what a hunt did.
type Stats struct {
	Inputs   int   // Inputs read.
	Bytes    int64 // NDJSON bytes read (after gunzip).
	Events   int64 // Lines decoded into events.
	BadLines int64 // Lines that were no JSON object, or too long.
	// Skipped counts events a rule could not take (a sequence event
	// without a timestamp, a multi-valued join key, a signal that could not
	// be built); the other rules still saw them.
	Skipped int64
	// Relevant counts the events kept for sequence and sample rules (an
	// event relevant to several rules is kept once).
	Relevant    int64
	InputErrors int // Inputs that could not be opened or read to the end.
	RuleErrors  int // Sequence or sample rules that outgrew a limit.
	Signals     int64
	// Matches has, for each of Options.Rules, the events it matched or the
	// sequences or samples it found.
	Matches []int64
}

// Problem is something the hunt skipped: a line (Line > 0) or a whole
// input (Line 0) of Input, an event one Rule could not take, or a Rule's
// run as a whole (no Input).
type Problem struct {
	Input string
	Line  int64
	Rule  *rules.Rule
	Err   error
}

// String formats the problem as "input:line: [rule "name" (id): ]reason".
func (p Problem) String() string {
	var b []byte
	if p.Input != "" {
		b = append(b, p.Input...)
		if p.Line > 0 {
			b = append(b, ':')
			b = strconv.AppendInt(b, p.Line, 10)
		}
		b = append(b, ": "...)
	}
	if p.Rule != nil {
		b = fmt.Appendf(b, "rule %q (%s): ", p.Rule.Name, p.Rule.RuleID)
	}
	b = append(b, p.Err.Error()...)
	return string(b)
}

// Run hunts: it reads the inputs in order, evaluates every rule over
// every event and writes a signal for each match to Options.Output. Event
// rules are matched as the events stream by, by Workers goroutines in
// parallel, and their signals written in input order; sequence and sample
// rules see their relevant events, in timestamp order across all inputs,
// at the end. Run returns an error only when it cannot go on (the output
// fails, ctx ends); problems with the input are told to OnProblem and
// counted.
func Run(ctx context.Context, opts Options) (Stats, error) {
	if opts.Output == nil {
		return Stats{}, errors.New("hunt: no output")
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.OnProblem == nil {
		opts.OnProblem = func(Problem) {}
	}
	if opts.Progress == nil {
		opts.Progress = func(int64) {}
	}
	if opts.Space == "" {
		opts.Space = alerting.DefaultSpace
	}
	set, err := compileRules(opts.Rules, alerting.Run{Space: opts.Space, ExecutionID: opts.ExecutionID, Now: opts.Now, Manual: true})
	if err != nil {
		return Stats{}, err
	}
	h := newHunter(opts, set)
	if err := h.stream(ctx); err != nil {
		return h.stats, err
	}
	if err := h.finish(ctx); err != nil {
		return h.stats, err
	}
	return h.stats, nil
}

// hunter is one hunt: the reader, the workers and the merger of stream,
// then the stateful rules' runs of finish.
type hunter struct {
	opts     Options
	set      *ruleSet
	sels     []*selection // Per input.
	index    string       // The signals index.
	bounded  bool
	from, to int64 // Nanoseconds; math limits when unbounded on a side.

	stats Stats
	kept  keptEvents
}

func newHunter(opts Options, set *ruleSet) *hunter {
	h := &hunter{opts: opts, set: set, index: alerting.IndexName(opts.Space)}
	h.stats.Matches = make([]int64, len(set.rules))
	h.kept.orders = make([][]keptOrder, len(set.orders))
	h.kept.rules = make([][]int32, len(set.orders))
	h.from, h.to = math.MinInt64, math.MaxInt64
	if !opts.From.IsZero() {
		h.bounded, h.from = true, opts.From.UnixNano()
	}
	if !opts.To.IsZero() {
		h.bounded, h.to = true, opts.To.UnixNano()
	}
	// Inputs of one index (all inputs, unless the index decides) share
	// their selection.
	byIndex := map[string]*selection{}
	for _, in := range opts.Inputs {
		key := ""
		if opts.RespectIndex {
			key = in.Index
		}
		if byIndex[key] == nil {
			byIndex[key] = set.selectRules(key, opts.RespectIndex)
		}
		h.sels = append(h.sels, byIndex[key])
	}
	return h
}

// stream runs the pipeline over every input: one reader cuts the input
// into batches of whole lines, numbered in order; Workers goroutines
// decode and match them; the merger puts them back in order and writes
// them out. Batches are recycled through a pool of fixed size, so memory
// stays bounded however large the input: the reader waits for a free
// batch, which the merger frees once it has written the batch out.
func (h *hunter) stream(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := make([]*worker, h.opts.Workers)
	for i := range workers {
		w, err := newWorker(h)
		if err != nil {
			return err
		}
		workers[i] = w
	}
	free := make(chan *batch, 2*len(workers)+2)
	for range cap(free) {
		free <- newBatch(h.opts.BatchSize, len(h.set.rules))
	}
	work := make(chan *batch)
	done := make(chan *batch, cap(free))

	var readErr error
	go func() {
		readErr = h.read(ctx, free, work)
		close(work)
	}()
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(func() {
			for b := range work {
				w.process(b)
				done <- b
			}
		})
	}
	go func() {
		wg.Wait()
		close(done)
	}()

	// The merger: batches come back in any order and leave in reading
	// order. At most cap(free) exist, so the reorder buffer is that small.
	var outErr error
	pending := map[int]*batch{}
	next := 0
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if outErr == nil {
				if outErr = h.merge(b); outErr != nil {
					cancel()
				}
			}
			b.reset(h.opts.BatchSize)
			free <- b
		}
	}
	switch {
	case outErr != nil:
		return outErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}

// merge takes in a processed batch: its signals go out, its problems are
// told, its counts added, and its relevant events kept.
func (h *hunter) merge(b *batch) error {
	if b.out.Len() > 0 {
		if _, err := h.opts.Output.Write(b.out.Bytes()); err != nil {
			return fmt.Errorf("write signals: %w", err)
		}
	}
	for _, p := range b.problems {
		h.opts.OnProblem(p)
	}
	if b.opened {
		h.stats.Inputs++
	}
	if b.inputErr {
		h.stats.InputErrors++
	}
	h.stats.Bytes += int64(len(b.data))
	h.stats.Events += b.events
	h.stats.BadLines += b.bad
	h.stats.Skipped += b.skipped
	h.stats.Signals += b.signals
	for i, n := range b.matches {
		h.stats.Matches[i] += n
	}
	h.kept.take(b)
	h.stats.Relevant = int64(len(h.kept.events))
	return nil
}
