package eql

import (
	"fmt"
	"sort"
)

// sampleCollector runs a sample query as Elasticsearch's SampleIterator
// does: events are grouped by join key (a multi-valued key puts the event
// in a group per value, as composite aggregations do), each group keeps
// the first few events of each stage in input order, and a group forms up
// to max_samples_per_key samples of distinct events, one per stage.
// Samples come in join key order.
type sampleCollector struct {
	p      *Program
	perKey int
	cap    int // Events kept per stage and key.
	groups map[string]*sampleGroup
}

type sampleGroup struct {
	keys   []Value
	stages [][]hit
}

func newSampleCollector(p *Program, perKey int) *sampleCollector {
	return &sampleCollector{p: p, perKey: perKey, cap: len(p.stages) * perKey, groups: map[string]*sampleGroup{}}
}

func (c *sampleCollector) feed(ev *Event, o ordinal) error {
	for s, st := range c.p.stages {
		if !st.filter.match(ev.Doc) {
			continue
		}
		combos := [][]Value{nil}
		for _, k := range st.keys {
			var vals []Value
			if !k.null {
				vals = ev.Doc.Values(k.id)
			}
			if len(vals) == 0 {
				vals = []Value{Null}
			}
			next := make([][]Value, 0, len(combos)*len(vals))
			for _, prefix := range combos {
				for _, v := range vals {
					next = append(next, append(append([]Value(nil), prefix...), v))
				}
			}
			combos = next
		}
		for _, keys := range combos {
			enc := encodeKey(keys)
			g, ok := c.groups[enc]
			if !ok {
				if len(c.groups) >= c.p.limits.MaxKeys {
					return &limitError{fmt.Sprintf("sample tracks more than %d join keys (Limits.MaxKeys)", c.p.limits.MaxKeys)}
				}
				g = &sampleGroup{keys: cloneValues(keys), stages: make([][]hit, len(c.p.stages))}
				c.groups[enc] = g
			}
			if len(g.stages[s]) < c.cap {
				g.stages[s] = append(g.stages[s], hit{ord: o, index: ev.Index, id: ev.ID, source: ev.Source})
			}
		}
	}
	return nil
}

func (c *sampleCollector) finish(w window) []SequenceHit {
	groups := make([]*sampleGroup, 0, len(c.groups))
	for _, g := range c.groups {
		complete := true
		for _, hs := range g.stages {
			if len(hs) == 0 {
				complete = false
				break
			}
		}
		if complete {
			groups = append(groups, g)
		}
	}
	sort.Slice(groups, func(i, j int) bool { return compareKeys(groups[i].keys, groups[j].keys) < 0 })
	var out []SequenceHit
	for _, g := range groups {
		for range c.perKey {
			picked := make([]int, len(g.stages))
			if !pickDistinct(g.stages, 0, picked) {
				break
			}
			s := SequenceHit{JoinKeys: g.keys}
			for st, i := range picked {
				s.Events = append(s.Events, g.stages[st][i].public())
			}
			out = append(out, s)
			// Events used by a sample are not used again for this key.
			used := make([]int64, len(picked))
			for st, i := range picked {
				used[st] = g.stages[st][i].ord.seq
			}
			for _, seq := range used {
				for k := range g.stages {
					g.stages[k] = removeSeq(g.stages[k], seq)
				}
			}
		}
	}
	lo, hi := w.bounds(len(out))
	return out[lo:hi]
}

func removeSeq(hs []hit, seq int64) []hit {
	out := hs[:0]
	for _, h := range hs {
		if h.ord.seq != seq {
			out = append(out, h)
		}
	}
	return out
}

// pickDistinct chooses, by backtracking in stage order, one event per
// stage with no event used twice (SampleIterator.matchSample).
func pickDistinct(stages [][]hit, s int, picked []int) bool {
	if s == len(stages) {
		return true
	}
	for i, h := range stages[s] {
		used := false
		for prev := 0; prev < s; prev++ {
			if stages[prev][picked[prev]].ord.seq == h.ord.seq {
				used = true
				break
			}
		}
		if used {
			continue
		}
		picked[s] = i
		if pickDistinct(stages, s+1, picked) {
			return true
		}
	}
	return false
}
