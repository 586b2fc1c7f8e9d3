package eql

import (
	"fmt"
	"sort"
)

// sequenceMatcher runs a sequence query as a state machine per join key,
// as Elasticsearch's SequenceMatcher does: each stage holds at most one
// pending sequence per key, the latest; an event matching stage s takes
// the sequence waiting at the previous positive stage (if it is within
// maxspan and no until event came between) and moves it to s. Sequences
// complete in order of their last event. Missing-event stages are checked
// afterwards by timestamp, as Elasticsearch's TumblingWindow does.
type sequenceMatcher struct {
	p        *Program
	w        window
	first    int   // First positive stage.
	last     int   // Last positive stage.
	prevPos  []int // Previous positive stage of each stage, -1 for none.
	missing0 bool
	missingN bool
	states   map[string]*keyState
	pending  []*partial
	deadline int64 // Earliest deadline among pending; valid when pending is not empty.
	done     []completed
	matched  []bool
	keyBuf   []Value
	now      ordinal
	sweeps   int
}

type keyState struct {
	stages []*partial
	lead   []leadMark // Per stage, used by leading missing stages.
}

// leadMark remembers the two latest distinct timestamps (milliseconds) of
// events matching a leading missing stage.
type leadMark struct {
	last, prev       int64
	hasLast, hasPrev bool
}

type partial struct {
	key      []Value
	enc      string
	hits     []hit
	start    ordinal
	last     ordinal
	tainted  bool // A middle missing event came after the last match.
	taint    int64
	leading  int64
	hasLead  bool
	trailing int64
	hasTrail bool
}

type completed struct {
	ord  ordinal
	keys []Value
	hits []hit
}

func newSequenceMatcher(p *Program, w window) *sequenceMatcher {
	m := &sequenceMatcher{p: p, w: w, first: -1, last: -1, states: map[string]*keyState{}}
	m.prevPos = make([]int, len(p.stages))
	prev := -1
	for i, st := range p.stages {
		m.prevPos[i] = prev
		if !st.missing {
			if m.first < 0 {
				m.first = i
			}
			m.last = i
			prev = i
		}
	}
	m.missing0 = p.stages[0].missing
	m.missingN = p.stages[len(p.stages)-1].missing
	m.matched = make([]bool, len(p.stages))
	return m
}

func (m *sequenceMatcher) state(enc string, create bool) (*keyState, error) {
	st, ok := m.states[enc]
	if ok || !create {
		return st, nil
	}
	if len(m.states) >= m.p.limits.MaxKeys {
		m.sweep()
		if len(m.states) >= m.p.limits.MaxKeys {
			return nil, &limitError{fmt.Sprintf("sequence tracks more than %d join keys at once (Limits.MaxKeys)", m.p.limits.MaxKeys)}
		}
	}
	st = &keyState{stages: make([]*partial, len(m.p.stages))}
	m.states[enc] = st
	return st, nil
}

// sweep forgets keys whose pending sequences have all outlived maxspan.
func (m *sequenceMatcher) sweep() {
	m.sweeps++
	for enc, st := range m.states {
		live := false
		for i, p := range st.stages {
			if p == nil {
				continue
			}
			if m.p.maxspan > 0 && m.now.ts-p.start.ts > m.p.maxspan {
				st.stages[i] = nil
				continue
			}
			live = true
		}
		for _, l := range st.lead {
			if l.hasLast && (m.p.maxspan == 0 || m.now.millis()-l.last <= m.p.maxspan/1e6) {
				live = true
			}
		}
		if !live {
			delete(m.states, enc)
		}
	}
}

func (m *sequenceMatcher) keysOf(i int, d *Doc) ([]Value, string, error) {
	vals, err := stageKeys(m.p.stages[i], d, m.keyBuf)
	if err != nil {
		return nil, "", err
	}
	m.keyBuf = vals
	return vals, encodeKey(vals), nil
}

func (m *sequenceMatcher) feed(ev *Event, o ordinal) error {
	m.now = o
	d := ev.Doc
	for i, st := range m.p.stages {
		if i > 0 && m.p.stages[i-1] == st {
			m.matched[i] = m.matched[i-1]
			continue
		}
		m.matched[i] = st.filter.match(d)
	}
	h := hit{ord: o, index: ev.Index, id: ev.ID, source: ev.Source}
	// Positive stages, last first, so one event moves a sequence one step.
	for s := m.last; s >= 0; s-- {
		if m.p.stages[s].missing || !m.matched[s] {
			continue
		}
		key, enc, err := m.keysOf(s, d)
		if err != nil {
			return err
		}
		if s == m.first {
			st, err := m.state(enc, true)
			if err != nil {
				return err
			}
			p := &partial{key: cloneValues(key), enc: enc, hits: make([]hit, len(m.p.stages)), start: o, last: o}
			p.hits[s] = h
			m.leading(st, p)
			if s == m.last {
				if err := m.complete(p); err != nil {
					return err
				}
			} else {
				st.stages[s] = p
			}
			continue
		}
		st, _ := m.state(enc, false)
		if st == nil {
			continue
		}
		prev := m.prevPos[s]
		p := st.stages[prev]
		if p == nil {
			continue
		}
		st.stages[prev] = nil
		if m.p.maxspan > 0 && o.ts-p.start.ts > m.p.maxspan {
			continue
		}
		if p.tainted && p.taint < o.millis() {
			continue
		}
		p.hits[s] = h
		p.last = o
		p.tainted = false
		if s == m.last {
			if err := m.complete(p); err != nil {
				return err
			}
		} else {
			st.stages[s] = p
		}
	}
	// Missing stages.
	for i, stg := range m.p.stages {
		if !stg.missing || !m.matched[i] {
			continue
		}
		_, enc, err := m.keysOf(i, d)
		if err != nil {
			return err
		}
		switch {
		case i < m.first:
			st, err := m.state(enc, true)
			if err != nil {
				return err
			}
			if st.lead == nil {
				st.lead = make([]leadMark, len(m.p.stages))
			}
			l := &st.lead[i]
			if ms := o.millis(); !l.hasLast || ms > l.last {
				l.prev, l.hasPrev = l.last, l.hasLast
				l.last, l.hasLast = ms, true
			}
		case i > m.last:
			for _, p := range m.pending {
				if p.enc == enc && !p.hasTrail && o.millis() > p.last.millis() {
					p.trailing, p.hasTrail = o.millis(), true
				}
			}
		default:
			if st, _ := m.state(enc, false); st != nil {
				if p := st.stages[m.prevPos[i]]; p != nil && !p.tainted && o.millis() > p.last.millis() {
					p.tainted, p.taint = true, o.millis()
				}
			}
		}
	}
	if u := m.p.until; u != nil && u.filter.match(d) {
		vals, err := stageKeys(u, d, m.keyBuf)
		if err != nil {
			return err
		}
		m.keyBuf = vals
		if st, _ := m.state(encodeKey(vals), false); st != nil {
			for i, p := range st.stages {
				if p != nil && p.last.compare(o) < 0 {
					st.stages[i] = nil
				}
			}
		}
	}
	m.settle(o.ts, false)
	return nil
}

// leading records, on a new sequence, the latest event of its leading
// missing stages before it started.
func (m *sequenceMatcher) leading(st *keyState, p *partial) {
	if st.lead == nil {
		return
	}
	start := p.start.millis()
	for i := 0; i < m.first; i++ {
		l := st.lead[i]
		var ts int64
		var ok bool
		switch {
		case l.hasLast && l.last < start:
			ts, ok = l.last, true
		case l.hasPrev && l.prev < start:
			ts, ok = l.prev, true
		}
		if ok && (!p.hasLead || ts > p.leading) {
			p.leading, p.hasLead = ts, true
		}
	}
}

func (m *sequenceMatcher) complete(p *partial) error {
	if !m.missingN {
		m.decide(p)
		return nil
	}
	if len(m.pending) >= m.p.limits.MaxPending {
		return &limitError{fmt.Sprintf("more than %d sequences wait for their trailing missing events (Limits.MaxPending)", m.p.limits.MaxPending)}
	}
	dl := p.start.ts + m.p.maxspan
	if len(m.pending) == 0 || dl < m.deadline {
		m.deadline = dl
	}
	m.pending = append(m.pending, p)
	return nil
}

// settle decides pending sequences: those with a trailing missing event
// seen, and those whose window has passed (all of them at the end).
func (m *sequenceMatcher) settle(now int64, all bool) {
	if len(m.pending) == 0 {
		return
	}
	keep := m.pending[:0]
	m.deadline = 0
	for _, p := range m.pending {
		dl := p.start.ts + m.p.maxspan
		if all || p.hasTrail || now > dl {
			m.decide(p)
			continue
		}
		if len(keep) == 0 || dl < m.deadline {
			m.deadline = dl
		}
		keep = append(keep, p)
	}
	clear(m.pending[len(keep):])
	m.pending = keep
}

// decide keeps or drops a sequence by its missing events, with the rules
// of Elasticsearch's TumblingWindow.doCheckMissingEvents.
func (m *sequenceMatcher) decide(p *partial) {
	bigger := func(from int64, hasFrom bool, to int64, hasTo bool) bool {
		if !hasFrom || !hasTo {
			return true
		}
		return (to-from)*1e6 > m.p.maxspan
	}
	ok := (!p.hasTrail && !p.hasLead) ||
		(!p.hasLead && m.missing0) ||
		(!p.hasTrail && m.missingN) ||
		(m.missing0 && m.missingN && bigger(p.leading, p.hasLead, p.trailing, p.hasTrail)) ||
		(m.missing0 && !m.missingN && bigger(p.leading, p.hasLead, p.last.millis(), true)) ||
		(!m.missing0 && m.missingN && bigger(p.start.millis(), true, p.trailing, p.hasTrail))
	if !ok {
		return
	}
	hits := make([]hit, len(p.hits))
	for i, st := range m.p.stages {
		if st.missing {
			hits[i] = hit{missing: true}
		} else {
			hits[i] = p.hits[i]
		}
	}
	m.done = append(m.done, completed{ord: p.last, keys: p.key, hits: hits})
	if keep := m.w.keep(); len(m.done) > 2*keep+1024 {
		m.trim()
	}
}

// trim sorts the completed sequences and drops those the window cannot
// return.
func (m *sequenceMatcher) trim() {
	sort.Slice(m.done, func(i, j int) bool { return m.done[i].ord.compare(m.done[j].ord) < 0 })
	keep := m.w.keep()
	if len(m.done) <= keep {
		return
	}
	if m.w.n >= 0 {
		clear(m.done[keep:])
		m.done = m.done[:keep]
		return
	}
	m.done = append(m.done[:0], m.done[len(m.done)-keep:]...)
}

func (m *sequenceMatcher) finish() ([]SequenceHit, error) {
	m.settle(0, true)
	sort.Slice(m.done, func(i, j int) bool { return m.done[i].ord.compare(m.done[j].ord) < 0 })
	lo, hi := m.w.bounds(len(m.done))
	out := make([]SequenceHit, 0, hi-lo)
	for _, c := range m.done[lo:hi] {
		s := SequenceHit{JoinKeys: c.keys}
		for _, h := range c.hits {
			s.Events = append(s.Events, h.public())
		}
		out = append(out, s)
	}
	return out, nil
}
