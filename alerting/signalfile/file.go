// Package signalfile stores signals in a local NDJSON file, for running with
// no cluster: the same documents the signals index would hold, one per
// line, each {"_index","_id","_source"}.
package signalfile

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

	"github.com/eqlrunner/eqlrunner/alerting"
)

// File is a signals file. It keeps the ids of what it holds in memory, so
// that dedup needs no scan.
type File struct {
	path  string
	index string

	mu  sync.Mutex
	f   *os.File
	ids map[string]bool
}

// Open opens (or creates) the signals file at path for the named index. A
// last line left half-written by a crash is cut off: its signal was never
// counted as written, and the run that wrote it is repeated.
func Open(path, index string) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("signals file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("signals file: %w", err)
	}
	ids, end, err := scan(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("signals file %s: %w", path, err)
	}
	if err := f.Truncate(end); err != nil {
		f.Close()
		return nil, fmt.Errorf("signals file %s: %w", path, err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("signals file %s: %w", path, err)
	}
	return &File{path: path, index: index, f: f, ids: ids}, nil
}

// scan reads the ids of the complete lines and where they end.
func scan(f *os.File) (map[string]bool, int64, error) {
	ids := map[string]bool{}
	r := bufio.NewReaderSize(f, 1<<20)
	var end int64
	for line := 1; ; line++ {
		data, err := r.ReadBytes('\n')
		if err == io.EOF {
			return ids, end, nil // A partial last line is dropped.
		}
		if err != nil {
			return nil, 0, err
		}
		end += int64(len(data))
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		var doc struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(data, &doc); err != nil || doc.ID == "" {
			return nil, 0, fmt.Errorf("line %d: not a signal document", line)
		}
		ids[doc.ID] = true
	}
}

// Path is the file's path.
func (s *File) Path() string { return s.path }

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
	start, err := s.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", s.path, err)
	}
	_, err = s.f.Write(buf.Bytes())
	if err == nil {
		err = s.f.Sync()
	}
	if err != nil {
		// Take back what part of the batch reached the file, so that it
		// holds only signals that count as written.
		if terr := s.f.Truncate(start); terr == nil {
			_, _ = s.f.Seek(start, io.SeekStart)
		}
		return nil, fmt.Errorf("write %s: %w", s.path, err)
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
