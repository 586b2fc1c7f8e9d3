// Package runfile keeps run history in a local NDJSON file, for running with
// no cluster: one run record per line, from which each rule's checkpoint is
// read at start-up.
package runfile

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/eqlrunner/eqlrunner/scheduler"
)

// File is a run history file.
type File struct {
	path string

	mu          sync.Mutex
	f           *os.File
	checkpoints map[string]time.Time
}

// Open opens (or creates) the run history at path. A last line left
// half-written by a crash is cut off.
func Open(path string) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("run history: %w", err)
	}
	f, ferr := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if ferr != nil {
		return nil, fmt.Errorf("run history: %w", ferr)
	}
	cps := map[string]time.Time{}
	r := bufio.NewReader(f)
	var err error
	var end int64
	for line := 1; ; line++ {
		data, err := r.ReadBytes('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("run history %s: %w", path, err)
		}
		end += int64(len(data))
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		var rec scheduler.RunRecord
		if err := json.Unmarshal(data, &rec); err != nil {
			f.Close()
			return nil, fmt.Errorf("run history %s:%d: %w", path, line, err)
		}
		if rec.Checkpoint.After(cps[rec.RuleID]) {
			cps[rec.RuleID] = rec.Checkpoint
		}
	}
	err = f.Truncate(end)
	if err == nil {
		_, err = f.Seek(end, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("run history %s: %w", path, err)
	}
	return &File{path: path, f: f, checkpoints: cps}, nil
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
	if _, err := s.f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("record run: %w", err)
	}
	if err := s.f.Sync(); err != nil {
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
