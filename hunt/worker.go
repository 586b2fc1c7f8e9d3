package hunt

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
)

// worker decodes and matches batches. Its decoder and document are reused
// from event to event, so that an event no rule matches costs no
// allocation.
type worker struct {
	h       *hunter
	dec     *eql.Decoder
	doc     *eql.Doc
	inRange []bool // Per timestamp field of the rule set.
	enc     *signalEncoder

	// The rules an event is tried against: stamp marks, per rule, the
	// last event it was added for, so that an event with several
	// categories tries a rule once.
	event    uint64
	stamp    []uint64
	cands    []int
	matched  []int
	relevant []int // Stateful rules the event is relevant to.
}

func newWorker(h *hunter) (*worker, error) {
	dec, err := eql.NewDecoder(h.set.table, nil)
	if err != nil {
		return nil, err
	}
	return &worker{h: h, dec: dec, doc: eql.NewDoc(h.set.table), inRange: make([]bool, len(h.set.times)),
		enc: newSignalEncoder(), stamp: make([]uint64, len(h.set.rules))}, nil
}

func (w *worker) process(b *batch) {
	h := w.h
	if len(b.data) == 0 {
		return
	}
	in := &h.opts.Inputs[b.input]
	sel := h.sels[b.input]
	data := b.data
	for n := b.line; len(data) > 0; n++ {
		pos := len(b.data) - len(data) // Where the line starts in the batch.
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			line, data = data, nil
		}
		// Trimmed as the local back end trims spool lines, so that a line
		// gets the same id (query.LineID) hunted or run.
		line = bytes.TrimRight(line, " \r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) > maxLineBytes {
			// The reader holds such a line only when a batch could.
			b.bad++
			b.problems = append(b.problems, Problem{Input: in.Name, Line: n, Err: errLongLine()})
			continue
		}
		if err := w.dec.Decode(line, w.doc); err != nil {
			b.bad++
			b.problems = append(b.problems, Problem{Input: in.Name, Line: n, Err: err})
			continue
		}
		b.events++
		w.event++
		w.checkTimes()
		w.matched = w.matched[:0]
		for _, ri := range w.candidates(&sel.events) {
			c := &h.set.rules[ri]
			if w.inRange[c.time] && c.prog.Match(w.doc) {
				w.matched = append(w.matched, ri)
			}
		}
		// Signals of one event come in the order of the rules.
		slices.Sort(w.matched)
		for _, ri := range w.matched {
			w.signal(b, ri, in, n, line)
		}
		w.relevant = w.relevant[:0]
		for _, ri := range w.candidates(&sel.stateful) {
			c := &h.set.rules[ri]
			if w.inRange[c.time] && c.prog.Relevant(w.doc) {
				w.relevant = append(w.relevant, ri)
			}
		}
		if len(w.relevant) > 0 {
			w.keep(b, in, n, pos, line)
		}
	}
}

// keep keeps the event of line n for the stateful rules it is relevant
// to: its line once, and an order key per order group.
func (w *worker) keep(b *batch, in *Input, n int64, pos int, line []byte) {
	rules := w.h.set.rules
	slices.SortFunc(w.relevant, func(a, b int) int { return cmp.Or(cmp.Compare(rules[a].order, rules[b].order), cmp.Compare(a, b)) })
	kept := -1
	for i, j := 0, 0; i < len(w.relevant); i = j {
		g := rules[w.relevant[i]].order
		for j = i; j < len(w.relevant) && rules[w.relevant[j]].order == g; j++ {
		}
		// The group's rules read the event's order alike, errors too.
		key, err := rules[w.relevant[i]].prog.OrderKey(w.doc)
		if err != nil {
			for _, ri := range w.relevant[i:j] {
				b.skipped++
				b.problems = append(b.problems, Problem{Input: in.Name, Line: n, Rule: rules[ri].rule, Err: err})
			}
			continue
		}
		if kept < 0 {
			kept = b.keep(line, n, pos)
		}
		start := len(b.rules)
		for _, ri := range w.relevant[i:j] {
			b.rules = append(b.rules, int32(ri))
		}
		b.orders = append(b.orders, localOrder{group: g, event: kept, start: start, end: len(b.rules), key: key})
	}
}

// candidates returns the rules of x the current event may concern: those
// of its categories, and those of no category.
func (w *worker) candidates(x *categoryIndex) []int {
	c := append(w.cands[:0], x.always...)
	for _, f := range x.fields {
		for _, v := range w.doc.Values(f.id) {
			if v.Kind != eql.KindString {
				continue // A category is a string: nothing else equals it.
			}
			for _, ri := range f.rules[v.S] {
				if w.stamp[ri] != w.event {
					w.stamp[ri] = w.event
					c = append(c, ri)
				}
			}
		}
	}
	w.cands = c
	return c
}

// checkTimes decides, for each timestamp field, whether the event is
// within --from/--to.
func (w *worker) checkTimes() {
	h := w.h
	for i, f := range h.set.times {
		w.inRange[i] = !h.bounded || h.inRange(w.doc.Values(f))
	}
}

// inRange reports whether some value of a timestamp field is within the
// bounds, as a range query matches a multi-valued field.
func (h *hunter) inRange(vals []eql.Value) bool {
	for _, v := range vals {
		if v.Kind == eql.KindDate && v.I >= h.from && v.I <= h.to {
			return true
		}
	}
	return false
}

// signal writes the signal rule ri raises on the event of line n.
func (w *worker) signal(b *batch, ri int, in *Input, n int64, line []byte) {
	c := &w.h.set.rules[ri]
	sig, err := c.builder.Event(query.Event{Index: in.Index, ID: query.FileEventID(line), Source: line})
	if err == nil {
		err = w.enc.write(&b.out, w.h.index, c.builder, sig)
	}
	if err != nil {
		b.skipped++
		b.problems = append(b.problems, Problem{Input: in.Name, Line: n, Rule: c.rule, Err: err})
		return
	}
	b.matches[ri]++
	b.signals++
}
