package alerting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/eqlrunner/eqlrunner/query"
)

// Sink stores signals: Elasticsearch's signals index, or a local file.
type Sink interface {
	// Existing returns which of ids are already stored.
	Existing(ctx context.Context, ids []string) (map[string]bool, error)
	// Create stores signals that must not exist yet, reporting each one.
	Create(ctx context.Context, signals []Signal) ([]ItemResult, error)
}

// ItemStatus is what became of one signal a Sink was asked to create.
type ItemStatus int

// Item outcomes.
const (
	Created  ItemStatus = iota
	Conflict            // It already existed: written by an earlier run or a replica.
	Failed
)

// ItemResult is the outcome of creating one signal.
type ItemResult struct {
	ID     string
	Status ItemStatus
	Error  string // Set when Failed.
}

// Match is one hit of a rule, an event or a sequence, with the time the
// rule's window judged it by. Its signals are built only if it is written.
type Match struct {
	Time     time.Time
	Event    *query.Event
	Sequence *query.Sequence
}

// WriteResult counts what a write did, in matches.
type WriteResult struct {
	New        int // Matches written now.
	Duplicates int // Matches already signalled.
	Backlog    int // New matches left for a later run by the cap.
	// LastWritten is the time of the last match written; the next run
	// continues from there when a backlog is left.
	LastWritten time.Time
	Took        time.Duration
}

// Write signals what is new among matches, oldest first, at most maxNew of
// them: one request asks the sink which signals exist, then one create
// writes the new ones. A signal that turns out to exist at create time (a
// replica wrote it meanwhile) counts as a duplicate; any other failure is
// an error, and nothing of the write may be taken as durable.
func Write(ctx context.Context, sink Sink, b *Builder, matches []Match, maxNew int) (WriteResult, error) {
	start := time.Now()
	var res WriteResult
	ids := make([][]string, len(matches))
	var all []string
	for i, m := range matches {
		ids[i] = b.IDs(m)
		all = append(all, ids[i]...)
	}
	if len(all) == 0 {
		return res, nil
	}
	existing, err := sink.Existing(ctx, all)
	if err != nil {
		return res, fmt.Errorf("dedup: %w", err)
	}

	var toCreate []Signal
	var taken []int
	for i, m := range matches {
		missing := 0
		for _, id := range ids[i] {
			if !existing[id] {
				missing++
			}
		}
		switch {
		case len(ids[i]) == 0 || missing == 0:
			res.Duplicates += min(len(ids[i]), 1)
		case len(taken) < maxNew:
			taken = append(taken, i)
			signals, err := b.Signals(m)
			if err != nil {
				return res, err
			}
			for _, s := range signals {
				if !existing[s.ID] {
					toCreate = append(toCreate, s)
				}
			}
		default:
			res.Backlog++
		}
	}
	if len(toCreate) == 0 {
		res.Took = time.Since(start)
		return res, nil
	}
	items, err := sink.Create(ctx, toCreate)
	if err != nil {
		return res, fmt.Errorf("write signals: %w", err)
	}
	status := make(map[string]ItemStatus, len(items))
	var failures []string
	for _, it := range items {
		status[it.ID] = it.Status
		if it.Status == Failed {
			failures = append(failures, it.ID+": "+it.Error)
		}
	}
	if n := len(failures); n > 0 {
		const shown = 3
		more := ""
		if n > shown {
			more = fmt.Sprintf(" (and %d more)", n-shown)
			failures = failures[:shown]
		}
		return res, fmt.Errorf("write signals: %d of %d failed: %s%s", n, len(items), strings.Join(failures, "; "), more)
	}
	for _, i := range taken {
		created := false
		for _, id := range ids[i] {
			if status[id] == Created {
				created = true
			}
		}
		if created {
			res.New++
		} else {
			res.Duplicates++
		}
		res.LastWritten = matches[i].Time
	}
	res.Took = time.Since(start)
	return res, nil
}

// IDs are the ids of the signals a match gives, computed without building
// them: dedup needs only these.
func (b *Builder) IDs(m Match) []string {
	switch {
	case m.Event != nil:
		return []string{SignalID(m.Event.Index, m.Event.ID, b.run.Space, b.rule.RuleID)}
	case m.Sequence != nil:
		shell, blocks := b.sequenceIDs(presentEvents(*m.Sequence))
		if shell == "" {
			return nil
		}
		return append([]string{shell}, blocks...)
	}
	return nil
}

// Signals builds a match's signals: one for an event; a shell and its
// building blocks for a sequence.
func (b *Builder) Signals(m Match) ([]Signal, error) {
	switch {
	case m.Event != nil:
		s, err := b.Event(*m.Event)
		if err != nil {
			return nil, err
		}
		return []Signal{s}, nil
	case m.Sequence != nil:
		return b.Sequence(*m.Sequence)
	}
	return nil, nil
}
