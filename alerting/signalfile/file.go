// Package signalfile stores signals in a local NDJSON file, for running with
// no cluster: the same documents the signals index would hold, one per
// line, each {"_index","_id","_source"}.
package signalfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/eqlrunner/eqlrunner/appendfile"
	"sync"

	"github.com/eqlrunner/eqlrunner/alerting"
)

// File is a signals file. It keeps the ids of what it holds in memory, so
// that dedup needs no scan.
type File struct {
	index string

	mu  sync.Mutex
	f   *appendfile.File
	ids map[string]bool
}

// Open opens (or creates) the signals file at path for the named index. A
// last line left half-written by a crash is cut off: its signal was never
// counted as written, and the run that wrote it is repeated.
func Open(path, index string) (*File, error) {
	ids := map[string]bool{}
	f, err := appendfile.Open(path, func(_ int, line []byte) error {
		var doc struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(line, &doc); err != nil || doc.ID == "" {
			return errors.New("not a signal document")
		}
		ids[doc.ID] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("signals file: %w", err)
	}
	return &File{index: index, f: f, ids: ids}, nil
}

// Path is the file's path.
func (s *File) Path() string { return s.f.Path() }

// Existing implements alerting.Sink.
func (s *File) Existing(_ context.Context, ids []string) (map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, id := range ids {
		if s.ids[id] {
			out[id] = true
		}
	}
	return out, nil
}

// Create implements alerting.Sink: the signals are appended in one write
// and synced to disk before they count as created.
func (s *File) Create(_ context.Context, signals []alerting.Signal) ([]alerting.ItemResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	out := make([]alerting.ItemResult, len(signals))
	var created []string
	for i, sig := range signals {
		out[i].ID = sig.ID
		if s.ids[sig.ID] {
			out[i].Status = alerting.Conflict
			continue
		}
		if err := enc.Encode(document{Index: s.index, ID: sig.ID, Source: sig.Source}); err != nil {
			out[i].Status, out[i].Error = alerting.Failed, err.Error()
			continue
		}
		created = append(created, sig.ID)
	}
	if err := s.f.Append(buf.Bytes()); err != nil {
		return nil, err
	}
	for _, id := range created {
		s.ids[id] = true
	}
	return out, nil
}

type document struct {
	Index  string         `json:"_index"`
	ID     string         `json:"_id"`
	Source map[string]any `json:"_source"`
}

// Close closes the file.
func (s *File) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}
