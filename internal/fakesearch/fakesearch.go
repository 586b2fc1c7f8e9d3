// Package fakesearch is an in-memory query.Searcher for tests: it answers
// an event query the way Elasticsearch's _eql/search does, over events the
// test adds, with every event matching the query.
package fakesearch

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/eqlrunner/eqlrunner/query"
)

// Searcher holds events and answers searches over them: the events the
// rule's window selects (by its timestamp override, with the @timestamp
// fallback), less the excluded ones, the newest Size of them oldest first,
// as result_position tail does.
type Searcher struct {
	mu       sync.Mutex
	events   []query.Event
	times    map[string][]eventTime // Per range field: each event's time, worked out once.
	requests []query.Request
	// Fail, when set, can fail a search.
	Fail func(req query.Request) error
}

// Add adds events.
func (s *Searcher) Add(events ...query.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, events...)
}

// Requests returns the searches made so far.
func (s *Searcher) Requests() []query.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Search implements query.Searcher.
func (s *Searcher) Search(_ context.Context, req query.Request) (*query.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, req)
	if s.Fail != nil {
		if err := s.Fail(req); err != nil {
			return nil, err
		}
	}
	type timed struct {
		ev query.Event
		t  time.Time
	}
	times := s.timesFor(req)
	var in []timed
	for i, ev := range s.events {
		t, ok := times[i].t, times[i].ok
		if !ok || t.Before(req.Window.From) || t.After(req.Window.To) ||
			slices.Contains(req.Exclude, query.EventRef{Index: ev.Index, ID: ev.ID}) {
			continue
		}
		in = append(in, timed{ev, t})
	}
	slices.SortStableFunc(in, func(a, b timed) int { return cmp.Or(a.t.Compare(b.t), cmp.Compare(a.ev.ID, b.ev.ID)) })
	if len(in) > req.Size {
		in = in[len(in)-req.Size:]
	}
	resp := &query.Response{}
	for _, e := range in {
		resp.Events = append(resp.Events, e.ev)
	}
	return resp, nil
}

type eventTime struct {
	t  time.Time
	ok bool
}

// timesFor returns the time of every event for the request's rule, decoding
// each event once per range field rather than once per search.
func (s *Searcher) timesFor(req query.Request) []eventTime {
	field, fallback := query.RangeField(req.Rule)
	key := fmt.Sprint(field, fallback)
	if s.times == nil {
		s.times = map[string][]eventTime{}
	}
	times := s.times[key]
	for _, ev := range s.events[len(times):] {
		t, ok := query.EventTime(req.Rule, ev)
		times = append(times, eventTime{t, ok})
	}
	s.times[key] = times
	return times
}
