// Package runfile keeps run history in a local NDJSON file, for running with
// no cluster: one run record per line, from which each rule's checkpoint is
// read at start-up.
package runfile

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/eqlrunner/eqlrunner/appendfile"
	"sync"
	"time"

	"github.com/eqlrunner/eqlrunner/scheduler"
)

// File is a run history file.
type File struct {
	mu          sync.Mutex
	f           *appendfile.File
	checkpoints map[string]time.Time
}

// Open opens (or creates) the run history at path. A last line left
// half-written by a crash is cut off.
func Open(path string) (*File, error) {
	cps := map[string]time.Time{}
	f, err := appendfile.Open(path, func(_ int, line []byte) error {
		var rec scheduler.RunRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			return err
		}
		if rec.Checkpoint.After(cps[rec.RuleID]) {
			cps[rec.RuleID] = rec.Checkpoint
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("run history: %w", err)
	}
	return &File{f: f, checkpoints: cps}, nil
}

// Checkpoints implements scheduler.State: each rule's latest checkpoint.
func (s *File) Checkpoints(context.Context) (map[string]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]time.Time, len(s.checkpoints))
	for k, v := range s.checkpoints {
		out[k] = v
	}
	return out, nil
}

// Record implements scheduler.State: the record is appended and synced, so
// that a checkpoint counts only once it is on disk.
func (s *File) Record(_ context.Context, rec scheduler.RunRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.f.Append(append(data, '\n')); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	if rec.Checkpoint.After(s.checkpoints[rec.RuleID]) {
		s.checkpoints[rec.RuleID] = rec.Checkpoint
	}
	return nil
}

// Close closes the file.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}
