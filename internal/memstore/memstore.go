// Package memstore keeps signals and run records in memory, for tests of
// the run logic without a cluster.
package memstore

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/scheduler"
)

// Store is an alerting.Sink and a scheduler.State.
type Store struct {
	mu      sync.Mutex
	signals map[string]alerting.Signal
	order   []string
	runs    []scheduler.RunRecord
	// FailCreate, when set, fails the creation of matching signals with an
	// item error, as a bulk item failing with 500 would.
	FailCreate func(id string) bool
}

// New returns an empty store.
func New() *Store { return &Store{signals: map[string]alerting.Signal{}} }

// Existing implements alerting.Sink.
func (s *Store) Existing(_ context.Context, ids []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, id := range ids {
		if _, ok := s.signals[id]; ok {
			out[id] = true
		}
	}
	return out, nil
}

// Create implements alerting.Sink.
func (s *Store) Create(_ context.Context, signals []alerting.Signal) ([]alerting.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]alerting.ItemResult, 0, len(signals))
	for _, sig := range signals {
		switch _, exists := s.signals[sig.ID]; {
		case s.FailCreate != nil && s.FailCreate(sig.ID):
			out = append(out, alerting.ItemResult{ID: sig.ID, Status: alerting.Failed, Error: "HTTP 500: exception: injected"})
		case exists:
			out = append(out, alerting.ItemResult{ID: sig.ID, Status: alerting.Conflict})
		default:
			s.signals[sig.ID] = sig
			s.order = append(s.order, sig.ID)
			out = append(out, alerting.ItemResult{ID: sig.ID, Status: alerting.Created})
		}
	}
	return out, nil
}

// Signals returns the stored signals in the order they were written.
func (s *Store) Signals() []alerting.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]alerting.Signal, len(s.order))
	for i, id := range s.order {
		out[i] = s.signals[id]
	}
	return out
}

// Checkpoints implements scheduler.State: the latest checkpoint of each
// rule's runs.
func (s *Store) Checkpoints(context.Context) (map[string]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]time.Time{}
	for _, r := range s.runs {
		if r.Checkpoint.After(out[r.RuleID]) {
			out[r.RuleID] = r.Checkpoint
		}
	}
	return out, nil
}

// Record implements scheduler.State.
func (s *Store) Record(_ context.Context, rec scheduler.RunRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs = append(s.runs, rec)
	return nil
}

// Runs returns the recorded runs.
func (s *Store) Runs() []scheduler.RunRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.runs)
}

// IDs returns the ids of the stored signals, sorted.
func (s *Store) IDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.signals))
}
