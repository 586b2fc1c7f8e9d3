package query

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"
)

// Collection is what Collect found in a window, oldest first.
type Collection struct {
	Events    []TimedEvent
	Sequences []Sequence
	// Complete is how far the window was searched through: every match up
	// to and including Complete is in the collection. It is the window's
	// end unless the budget stopped the search early.
	Complete time.Time
	// Truncated reports a sequence search that came back full: sequences
	// cannot be found by splitting the window (a sequence may straddle the
	// split), so older ones may be missing, as in Kibana.
	Truncated     bool
	Searches      int
	SearchTime    time.Duration
	ShardFailures []json.RawMessage
	// NoIndices reports that no index matched the rule's patterns.
	NoIndices bool
}

// TimedEvent is an event with the time the rule's window judged it by.
type TimedEvent struct {
	Event
	Time time.Time
}

// Collect finds every match of req.Rule in req.Window, not only the Size
// newest that one search returns (Kibana keeps those and silently loses the
// rest of a busy window). A search that comes back full is split in two
// halves, oldest first, until each part comes back below Size; within a
// single millisecond it pages by excluding the events already seen. Once
// budget events are collected, the search stops at the end of the part
// being searched and Complete says how far it got, so a caller can write
// what it has and continue from there.
func Collect(ctx context.Context, s Searcher, req Request, budget int) (*Collection, error) {
	c := &collector{s: s, req: req, budget: budget, out: &Collection{Complete: req.Window.From.Add(-time.Millisecond)}}
	if err := c.window(ctx, req.Window); err != nil {
		return nil, err
	}
	return c.out, nil
}

type collector struct {
	s       Searcher
	req     Request
	budget  int
	out     *Collection
	stopped bool
}

func (c *collector) search(ctx context.Context, w Window, exclude []EventRef) (*Response, error) {
	req := c.req
	req.Window = w
	req.Exclude = exclude
	start := time.Now()
	resp, err := c.s.Search(ctx, req)
	c.out.SearchTime += time.Since(start)
	c.out.Searches++
	if err != nil {
		return nil, err
	}
	c.out.ShardFailures = append(c.out.ShardFailures, resp.ShardFailures...)
	c.out.NoIndices = c.out.NoIndices || resp.NoIndices
	return resp, nil
}

func (c *collector) window(ctx context.Context, w Window) error {
	if c.stopped {
		return nil
	}
	if len(c.out.Events) >= c.budget {
		c.stopped = true
		return nil
	}
	resp, err := c.search(ctx, w, nil)
	if err != nil {
		return err
	}
	if len(resp.Sequences) > 0 || resp.Len() == 0 {
		c.out.Sequences = append(c.out.Sequences, resp.Sequences...)
		c.out.Truncated = c.out.Truncated || resp.Len() >= c.req.Size
		c.out.Complete = w.To
		return nil
	}
	if resp.Len() < c.req.Size {
		c.add(resp.Events)
		c.out.Complete = w.To
		return nil
	}
	// The newest Size matches all at one instant (a batch ingested at
	// once): nothing is newer, so page through that millisecond and
	// collect what is older.
	if at, same := sameInstant(c.req, resp.Events); same && at.After(w.From) && !at.After(w.To) {
		if err := c.window(ctx, Window{From: w.From, To: at.Add(-time.Millisecond)}); err != nil {
			return err
		}
		if c.stopped {
			return nil
		}
		if err := c.millisecond(ctx, Window{From: at, To: at}, resp.Events); err != nil {
			return err
		}
		c.out.Complete = w.To
		return nil
	}
	if w.To.Sub(w.From) >= time.Millisecond {
		mid := w.From.Add(w.To.Sub(w.From) / 2).Truncate(time.Millisecond)
		if err := c.window(ctx, Window{From: w.From, To: mid}); err != nil {
			return err
		}
		return c.window(ctx, Window{From: mid.Add(time.Millisecond), To: w.To})
	}
	return c.millisecond(ctx, w, resp.Events)
}

// millisecond pages through a full one-millisecond window: each search
// excludes the events found so far, until one comes back below Size.
func (c *collector) millisecond(ctx context.Context, w Window, first []Event) error {
	found := first
	for {
		exclude := make([]EventRef, len(found))
		for i, ev := range found {
			exclude[i] = EventRef{Index: ev.Index, ID: ev.ID}
		}
		resp, err := c.search(ctx, w, exclude)
		if err != nil {
			return err
		}
		found = append(found, resp.Events...)
		// A back end that ignored the exclusion would page forever.
		if resp.Len() < c.req.Size || slices.ContainsFunc(resp.Events, func(ev Event) bool {
			return slices.Contains(exclude, EventRef{Index: ev.Index, ID: ev.ID})
		}) {
			break
		}
	}
	c.add(found)
	c.out.Complete = w.To
	return nil
}

// sameInstant reports whether every event has the same time, to the
// millisecond, and which.
func sameInstant(req Request, events []Event) (time.Time, bool) {
	var at time.Time
	for i, ev := range events {
		t, ok := EventTime(req.Rule, ev)
		if !ok {
			return time.Time{}, false
		}
		t = t.Truncate(time.Millisecond)
		if i > 0 && !t.Equal(at) {
			return time.Time{}, false
		}
		at = t
	}
	return at, len(events) > 0
}

func (c *collector) add(events []Event) {
	timed := make([]TimedEvent, 0, len(events))
	for _, ev := range events {
		t, _ := EventTime(c.req.Rule, ev)
		timed = append(timed, TimedEvent{Event: ev, Time: t})
	}
	sortEvents(timed)
	c.out.Events = append(c.out.Events, timed...)
}

// sortEvents orders events by time, then index and id, so that results do
// not depend on the order a back end returned them in.
func sortEvents(evs []TimedEvent) {
	slices.SortStableFunc(evs, func(a, b TimedEvent) int {
		return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.Index, b.Index), cmp.Compare(a.ID, b.ID))
	})
}
