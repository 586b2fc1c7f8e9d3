package hunt

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
)

// Sequence and sample rules need the whole stream in timestamp order,
// which the inputs do not give (each file is in its own order, and
// sequences span files). Rather than holding every event, the workers keep
// only the events relevant to such a rule (eql.Program.Relevant: they
// match a stage, a missing-event stage or the until condition): each with
// an order key per group of rules that order events alike (orderGroup)
// and the rules of the group it is relevant to. An event of a regular file
// is kept as its offset and length, read again at the end; an event of a
// gzipped file or a stream as its line. At the end each group's events are
// sorted, read and decoded once more, and fed to the runs of its rules.
// Memory is therefore bounded by the relevant events, at a few dozen bytes
// each for files, not by the input.

// keptLine is a relevant event of a batch: its line in the batch's arena,
// or, for a plain file, where it lies in the file.
type keptLine struct {
	start, end int
	offset     int64 // When the batch is plain; start and end are 0 then.
	length     int
	line       int64
}

// localOrder is a batch's relevant event in one order group: its key, and
// the rules it is relevant to (batch.rules[start:end]).
type localOrder struct {
	group, event int // Index into ruleSet.orders and batch.kept.
	start, end   int
	key          eql.OrderKey
}

// keep keeps the line that starts at pos in the batch: where it lies in
// its file, or a copy in the batch's arena, since the batch's data is
// reused. It returns its index in b.kept.
func (b *batch) keep(line []byte, n int64, pos int) int {
	if b.plain {
		b.kept = append(b.kept, keptLine{offset: b.offset + int64(pos), length: len(line), line: n})
		return len(b.kept) - 1
	}
	start := len(b.arena)
	b.arena = append(b.arena, line...)
	b.kept = append(b.kept, keptLine{start: start, end: len(b.arena), line: n})
	return len(b.kept) - 1
}

// keptEvents are the relevant events of the whole stream, in input order.
type keptEvents struct {
	events []keptEvent
	orders [][]keptOrder // Per order group.
	rules  [][]int32     // Per order group: the rules of its keptOrders.
}

type keptEvent struct {
	line   []byte // Nil for an event of a plain file, read again from offset.
	offset int64
	length int32
	input  int32
	n      int64 // Line number.
}

type keptOrder struct {
	event      int // Index into keptEvents.events: the input order.
	start, end int // Into keptEvents.rules of the group.
	key        eql.OrderKey
}

// take moves the relevant events of a batch in. The batch's arena now
// belongs to the kept lines.
func (k *keptEvents) take(b *batch) {
	base := len(k.events)
	for _, l := range b.kept {
		ev := keptEvent{offset: l.offset, length: int32(l.length), input: int32(b.input), n: l.line}
		if !b.plain {
			ev.line = b.arena[l.start:l.end:l.end]
		}
		k.events = append(k.events, ev)
	}
	for _, o := range b.orders {
		rules := k.rules[o.group]
		k.orders[o.group] = append(k.orders[o.group], keptOrder{event: base + o.event,
			start: len(rules), end: len(rules) + o.end - o.start, key: o.key})
		k.rules[o.group] = append(rules, b.rules[o.start:o.end]...)
	}
}

// finish runs each stateful rule over its relevant events, in timestamp,
// tiebreaker and input order (samples in input order, as Elasticsearch
// does not order them), and writes the signals of what it finds, rule by
// rule.
func (h *hunter) finish(ctx context.Context) error {
	runs := make([]*eql.Run, len(h.set.rules))
	for ri := range h.set.rules {
		if c := &h.set.rules[ri]; c.stateful {
			runs[ri] = c.prog.NewRun(eql.RunOptions{Size: allEvents})
		}
	}
	if len(h.set.orders) > 0 {
		dec, err := eql.NewDecoder(h.set.table, nil)
		if err != nil {
			return err
		}
		doc := eql.NewDoc(h.set.table)
		files := &rereader{inputs: h.opts.Inputs}
		defer files.close()
		for g := range h.set.orders {
			if err := h.runGroup(ctx, g, runs, dec, doc, files); err != nil {
				return err
			}
		}
	}
	enc := newSignalEncoder()
	var out bytes.Buffer
	for ri, run := range runs {
		if run == nil {
			continue
		}
		res, err := run.Finish()
		if err != nil {
			h.ruleError(ri, err)
			continue
		}
		out.Reset()
		h.writeResult(&out, enc, ri, res)
		if _, err := h.opts.Output.Write(out.Bytes()); err != nil {
			return fmt.Errorf("write signals: %w", err)
		}
	}
	return nil
}

// runGroup feeds the relevant events of an order group to the runs of its
// rules, each event decoded once. An event a run cannot take is told and
// skipped; a run that outgrows a limit is its rule's error, and the rule
// is dropped (runs[ri] = nil).
func (h *hunter) runGroup(ctx context.Context, g int, runs []*eql.Run, dec *eql.Decoder, doc *eql.Doc, files *rereader) error {
	orders, rules := h.kept.orders[g], h.kept.rules[g]
	h.kept.orders[g], h.kept.rules[g] = nil, nil
	if h.set.orders[g].kind != eql.SampleKind {
		slices.SortFunc(orders, func(a, b keptOrder) int { return cmp.Or(a.key.Compare(b.key), cmp.Compare(a.event, b.event)) })
	}
	for i, o := range orders {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		ev := &h.kept.events[o.event]
		in := &h.opts.Inputs[ev.input]
		line := ev.line
		if line == nil {
			// A fresh slice: a run keeps the sources of the events it
			// may return.
			var err error
			if line, err = files.read(int(ev.input), ev.offset, int(ev.length)); err != nil {
				return fmt.Errorf("%s:%d: read again: %w", in.Name, ev.n, err)
			}
		}
		if err := dec.Decode(line, doc); err != nil {
			// The worker decoded the same line with the same table.
			return fmt.Errorf("%s:%d: decode again: %w", in.Name, ev.n, err)
		}
		for _, ri := range rules[o.start:o.end] {
			run := runs[ri]
			if run == nil {
				continue
			}
			// The id is worked out only for the events a result returns.
			err := run.Feed(&eql.Event{Index: in.Index, Source: line, Doc: doc})
			switch {
			case err == nil:
			case run.Err() != nil || eql.IsInternal(err):
				h.ruleError(int(ri), err)
				runs[ri] = nil
			default:
				h.stats.Skipped++
				h.opts.OnProblem(Problem{Input: in.Name, Line: ev.n, Rule: h.set.rules[ri].rule, Err: err})
			}
		}
	}
	return nil
}

// ruleError tells that a stateful rule could not finish.
func (h *hunter) ruleError(ri int, err error) {
	h.stats.RuleErrors++
	h.opts.OnProblem(Problem{Rule: h.set.rules[ri].rule, Err: err})
}

// writeResult writes the signals of a stateful rule's result. A match
// whose signals cannot be built is told and left out.
func (h *hunter) writeResult(out *bytes.Buffer, enc *signalEncoder, ri int, res *eql.Result) {
	c := &h.set.rules[ri]
	emit := func(sigs []alerting.Signal, err error) {
		if err == nil {
			err = enc.write(out, h.index, c.builder, sigs...)
		}
		if err != nil {
			h.stats.Skipped++
			h.opts.OnProblem(Problem{Rule: c.rule, Err: err})
			return
		}
		h.stats.Matches[ri]++
		h.stats.Signals += int64(len(sigs))
	}
	if !res.IsSequence {
		for _, ev := range res.QueryEvents() {
			ev.ID = query.FileEventID(ev.Source)
			sig, err := c.builder.Event(ev)
			emit([]alerting.Signal{sig}, err)
		}
	}
	for _, seq := range res.QuerySequences() {
		for i, ev := range seq.Events {
			if !ev.Missing {
				seq.Events[i].ID = query.FileEventID(ev.Source)
			}
		}
		emit(c.builder.Sequence(seq))
	}
}

// rereader reads kept events of plain files again, each file opened once.
type rereader struct {
	inputs []Input
	files  map[int]*os.File
}

func (r *rereader) read(input int, offset int64, length int) ([]byte, error) {
	f := r.files[input]
	if f == nil {
		var err error
		if f, err = os.Open(r.inputs[input].path); err != nil {
			return nil, err
		}
		if r.files == nil {
			r.files = map[int]*os.File{}
		}
		r.files[input] = f
	}
	line := make([]byte, length)
	if _, err := f.ReadAt(line, offset); err != nil {
		return nil, fmt.Errorf("the file changed under the hunt: %w", err)
	}
	return line, nil
}

func (r *rereader) close() {
	for _, f := range r.files {
		f.Close()
	}
}
