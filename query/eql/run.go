package eql

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Event is one input event: where it comes from, its JSON, and its
// decoded fields. A run keeps Source (not Doc) of the events it may
// return, so Source must not change after Feed; Doc may be reused.
type Event struct {
	Index  string
	ID     string
	Source json.RawMessage
	Doc    *Doc
}

// RunOptions are the request parameters of an _eql/search that shape the
// results.
type RunOptions struct {
	// Size is the most events or sequences returned: 0 means
	// Elasticsearch's default of 10, a negative size returns nothing.
	Size int
	// Head returns the first matches rather than the last ("tail", the
	// default).
	Head bool
	// MaxSamplesPerKey is how many samples each key of a sample query may
	// give; default 1.
	MaxSamplesPerKey int
}

// Run evaluates a program over events fed in order: ascending timestamp,
// then tiebreaker, then arrival. It is not safe for concurrent use; runs
// of one program are independent.
type Run struct {
	prog   *Program
	opts   RunOptions
	window window
	seq    int64
	last   ordinal
	events *eventCollector
	seqs   *sequenceMatcher
	sample *sampleCollector
	err    error
}

// ErrOutOfOrder is returned by Feed for an event earlier than the one
// before it.
var ErrOutOfOrder = errors.New("events must be fed in timestamp order")

// NewRun starts an evaluation of p.
func (p *Program) NewRun(opts RunOptions) *Run {
	if opts.Size == 0 {
		opts.Size = 10
	}
	if opts.MaxSamplesPerKey <= 0 {
		opts.MaxSamplesPerKey = 1
	}
	r := &Run{prog: p, opts: opts, window: planWindow(max(opts.Size, 0), !opts.Head, p.pipes)}
	switch p.Kind {
	case EventKind:
		r.events = &eventCollector{w: r.window}
	case SequenceKind:
		r.seqs = newSequenceMatcher(p, r.window)
	case SampleKind:
		// Samples come in join key order and ignore result_position.
		r.window = planWindow(max(opts.Size, 0), false, p.pipes)
		r.sample = newSampleCollector(p, opts.MaxSamplesPerKey)
	}
	return r
}

// Done reports whether further events cannot change the result (a head
// limit is full).
func (r *Run) Done() bool {
	return r.events != nil && r.events.full()
}

// Feed evaluates one event. An error about the event (a timestamp that is
// missing where a sequence needs it, a multi-valued join key) leaves the
// run usable; the caller may report it and go on.
func (r *Run) Feed(ev *Event) (err error) {
	defer recoverInternal("eval", &err)
	if r.err != nil {
		return r.err
	}
	o, err := r.ordinal(ev.Doc)
	if err != nil {
		return err
	}
	if r.prog.Kind != SampleKind {
		if r.seq > 0 && o.compare(r.last) < 0 {
			return ErrOutOfOrder
		}
		r.last = o
	}
	r.seq++
	switch r.prog.Kind {
	case EventKind:
		if r.prog.filter.match(ev.Doc) {
			r.events.add(hit{ord: o, index: ev.Index, id: ev.ID, source: ev.Source})
		}
	case SequenceKind:
		err = r.seqs.feed(ev, o)
	case SampleKind:
		err = r.sample.feed(ev, o)
	}
	var fatal *limitError
	if errors.As(err, &fatal) {
		r.err = err
	}
	return err
}

// limitError is a run that outgrew a limit: it cannot go on.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func (r *Run) ordinal(d *Doc) (ordinal, error) { return r.prog.ordinal(d, r.seq) }

// ordinal reads the timestamp and tiebreaker of an event. Sequences need
// a timestamp; a multi-valued timestamp or tiebreaker is an error, as in
// Elasticsearch. Samples do not order events.
func (p *Program) ordinal(d *Doc, seq int64) (ordinal, error) {
	o := ordinal{seq: seq}
	ts, many := d.first(p.ts)
	if many && p.Kind != SampleKind {
		return o, fmt.Errorf("expected timestamp field [%s] to hold a single value", p.tsName)
	}
	switch ts.Kind {
	case KindDate:
		o.hasTS, o.ts = true, ts.I
	case KindNull:
		if p.Kind == SequenceKind {
			return o, fmt.Errorf("expected timestamp field [%s] to have a value but got none", p.tsName)
		}
	default:
		ns, ok := toDate(ts)
		if !ok && p.Kind != SampleKind {
			return o, fmt.Errorf("expected timestamp field [%s] to hold a date but got [%s]", p.tsName, ts.String())
		}
		o.hasTS, o.ts = ok, ns
	}
	if p.tb >= 0 {
		tb, many := d.first(p.tb)
		if many && p.Kind != SampleKind {
			return o, fmt.Errorf("expected tiebreaker field [%s] to hold a single comparable value", p.tbName)
		}
		o.tb = tb
	}
	return o, nil
}

// Finish ends the run and returns its result.
func (r *Run) Finish() (res *Result, err error) {
	defer recoverInternal("eval", &err)
	if r.err != nil {
		return nil, r.err
	}
	switch r.prog.Kind {
	case EventKind:
		return &Result{Events: r.events.result()}, nil
	case SequenceKind:
		seqs, err := r.seqs.finish()
		if err != nil {
			return nil, err
		}
		return &Result{Sequences: seqs, IsSequence: true}, nil
	}
	return &Result{Sequences: r.sample.finish(r.window), IsSequence: true}, nil
}

// hit is an event kept for the result.
type hit struct {
	ord     ordinal
	index   string
	id      string
	source  json.RawMessage
	missing bool
}

// eventCollector keeps the events an event query returns: the first or
// last matches, as the window says.
type eventCollector struct {
	w    window
	hits []hit
	ring int // Next slot to overwrite when keeping the tail.
}

func (c *eventCollector) full() bool { return c.w.n >= 0 && len(c.hits) >= c.w.keep() }

func (c *eventCollector) add(h hit) {
	keep := c.w.keep()
	if keep == 0 {
		return
	}
	if c.w.n >= 0 {
		if len(c.hits) < keep {
			c.hits = append(c.hits, h)
		}
		return
	}
	if len(c.hits) < keep {
		c.hits = append(c.hits, h)
		return
	}
	c.hits[c.ring] = h
	c.ring = (c.ring + 1) % keep
}

func (c *eventCollector) result() []Hit {
	ordered := c.hits
	if c.w.n < 0 && c.ring > 0 {
		ordered = append(append([]hit(nil), c.hits[c.ring:]...), c.hits[:c.ring]...)
	}
	var lo, hi int
	if c.w.n >= 0 {
		lo, hi = c.w.bounds(len(ordered))
	} else {
		// The ring holds the last keep() matches: drop the last offset.
		hi = max(len(ordered)-c.w.offset, 0)
		lo = max(hi+c.w.n, 0)
	}
	out := make([]Hit, 0, hi-lo)
	for _, h := range ordered[lo:hi] {
		out = append(out, h.public())
	}
	return out
}

func (h hit) public() Hit {
	return Hit{Index: h.index, ID: h.id, Source: h.source, Missing: h.missing}
}
