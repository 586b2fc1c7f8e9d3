package eql

import "strings"

// Relevant reports whether an event can change what a run of p finds: for
// an event query, whether it matches; for a sequence or sample, whether it
// matches one of its stages (missing-event stages included) or its until
// condition. Feeding a run only the relevant events of a stream, in the
// stream's order, gives the result of feeding it every event, so a caller
// scanning a large stream can keep just those (with their OrderKey) and
// run them at the end. Like Match, it is safe for concurrent use, each
// goroutine with its own Doc.
func (p *Program) Relevant(d *Doc) bool {
	if p.Kind == EventKind {
		return p.Match(d)
	}
	for i, st := range p.stages {
		// A stage with runs=N appears N times in a row: test it once.
		if i > 0 && p.stages[i-1] == st {
			continue
		}
		if st.filter.match(d) {
			return true
		}
	}
	return p.until != nil && p.until.filter.match(d)
}

// OrderKey is where an event stands in the order a run must be fed:
// timestamp, then tiebreaker, missing values first. Events with equal keys
// keep their input order, which the caller knows.
type OrderKey struct{ o ordinal }

// OrderKey reads the timestamp and tiebreaker of an event, with the errors
// Run.Feed would report for it (a sequence event without a timestamp, a
// multi-valued timestamp or tiebreaker). The key does not point into d or
// the line d was decoded from.
func (p *Program) OrderKey(d *Doc) (OrderKey, error) {
	o, err := p.ordinal(d, 0)
	if err != nil {
		return OrderKey{}, err
	}
	o.tb.S = strings.Clone(o.tb.S)
	return OrderKey{o}, nil
}

// Compare orders two keys of one program: -1, 0 or +1.
func (k OrderKey) Compare(other OrderKey) int { return k.o.compare(other.o) }

// Err returns the error that stopped the run (a limit it outgrew), or nil
// while it can go on: Feed's other errors are about one event, and the run
// goes on after them.
func (r *Run) Err() error { return r.err }
