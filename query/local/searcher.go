// Package local searches a spool of NDJSON event files with eqlrunner's own
// EQL engine, the way Elasticsearch's _eql/search searches indices: the
// back end of run and once when there is no cluster.
package local

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
	"github.com/eqlrunner/eqlrunner/rules"
)

// maxLine is the longest event line read; longer lines are reported and
// skipped.
const maxLine = 16 << 20

// fileSlack is how much earlier than a window's start a spool file may
// have been last written and still hold events of the window: shippers
// stamp event.ingested a little before they write.
const fileSlack = 5 * time.Minute

// Searcher searches the event files under a directory. Each file is an
// index named after its base name (logs-endpoint.events.file-default.ndjson
// is the index logs-endpoint.events.file-default), which a rule's index
// patterns select or not. Files may be gzipped, and may be growing: a last
// line without its newline is left for the next search.
type Searcher struct {
	dir string
	log zerolog.Logger

	mu       sync.Mutex
	programs map[*rules.Rule]*program
	reported map[string]bool // Bad lines already reported, by file:line.
}

// New returns a Searcher over the spool at dir.
func New(dir string, log zerolog.Logger) *Searcher {
	return &Searcher{dir: dir, log: log, programs: map[*rules.Rule]*program{}, reported: map[string]bool{}}
}

// program is a rule's compiled query with the fields its window reads.
type program struct {
	prog     *eql.Program
	fields   *eql.FieldTable
	rangeID  eql.FieldID
	tsID     eql.FieldID
	fallback bool
}

func (s *Searcher) program(r *rules.Rule) (*program, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.programs[r]; ok {
		return p, nil
	}
	fields := eql.NewFieldTable()
	prog, err := eql.Compile(r.Query, eql.Options{
		TimestampField: r.TimestampField, TiebreakerField: r.TiebreakerField,
		CategoryField: r.EventCategoryOverride, Fields: fields,
	})
	if err != nil {
		return nil, fmt.Errorf("rule %s: %w", r.RuleID, err)
	}
	field, fallback := query.RangeField(r)
	p := &program{prog: prog, fields: fields, rangeID: fields.ID(field), tsID: fields.ID("@timestamp"), fallback: fallback}
	s.programs[r] = p
	return p, nil
}

// Search implements query.Searcher.
func (s *Searcher) Search(ctx context.Context, req query.Request) (*query.Response, error) {
	p, err := s.program(req.Rule)
	if err != nil {
		return nil, err
	}
	files, err := s.files(req)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return &query.Response{NoIndices: true}, nil
	}
	exclude := make(map[query.EventRef]bool, len(req.Exclude))
	for _, e := range req.Exclude {
		exclude[e] = true
	}
	dec, err := eql.NewDecoder(p.fields, nil)
	if err != nil {
		return nil, err
	}
	doc := eql.NewDoc(p.fields)
	var inputs []eql.Input
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		index := query.IndexOfFile(f)
		err := readLines(f, func(n int, line []byte) {
			doc.Reset()
			if err := dec.Decode(line, doc); err != nil {
				s.report(f, n, err)
				return
			}
			t, ok := p.eventTime(doc)
			if !ok || t.Before(req.Window.From) || t.After(req.Window.To) {
				return
			}
			// Only events that can change the result are kept: matches of
			// an event query, events matching a stage of a sequence.
			if !p.prog.Relevant(doc) {
				return
			}
			id := query.FileEventID(line)
			if exclude[query.EventRef{Index: index, ID: id}] {
				return
			}
			inputs = append(inputs, eql.Input{Index: index, ID: id, Source: slices.Clone(line)})
		})
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
	}
	res, skipped, err := p.prog.Search(inputs, nil, eql.RunOptions{Size: req.Size})
	for _, sk := range skipped {
		s.report(sk.Index, 0, fmt.Errorf("%s: %w", sk.ID, sk.Err))
	}
	if err != nil {
		return nil, err
	}
	return &query.Response{Events: res.QueryEvents(), Sequences: res.QuerySequences()}, nil
}

// eventTime is the time the rule's window judges an event by: the range
// field, or @timestamp when the event lacks it and the rule falls back.
func (p *program) eventTime(d *eql.Doc) (time.Time, bool) {
	if t, ok := valueTime(d.Values(p.rangeID)); ok {
		return t, true
	}
	if p.fallback && len(d.Values(p.rangeID)) == 0 {
		return valueTime(d.Values(p.tsID))
	}
	return time.Time{}, false
}

func valueTime(vals []eql.Value) (time.Time, bool) {
	if len(vals) != 1 {
		return time.Time{}, false
	}
	switch v := vals[0]; v.Kind {
	case eql.KindDate:
		return time.Unix(0, v.I).UTC(), true
	case eql.KindInt:
		return time.UnixMilli(v.I).UTC(), true
	case eql.KindFloat:
		return time.UnixMicro(int64(v.F * 1000)).UTC(), true
	case eql.KindString:
		return query.ParseTimestamp(v.S)
	}
	return time.Time{}, false
}

// files lists the spool files the rule's index patterns select, leaving
// out those last written well before the window: they cannot hold its
// events.
func (s *Searcher) files(req query.Request) ([]string, error) {
	var out []string
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == s.dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || !query.IsEventFile(path) || !query.SelectsIndex(req.Rule.Index, query.IndexOfFile(path)) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.ModTime().Before(req.Window.From.Add(-fileSlack)) {
			return nil
		}
		out = append(out, path)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("spool %s: %w", s.dir, err)
	}
	return out, nil
}

// readLines calls fn for each complete line of a file, numbered from 1.
func readLines(path string, fn func(n int, line []byte)) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // Rotated away since it was listed.
		}
		return err
	}
	defer f.Close()
	r, _, err := query.Decompress(f)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	var long []byte
	for n := 1; ; {
		chunk, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			// Part of a line longer than the buffer: gather it, up to a limit.
			if len(long) <= maxLine {
				long = append(long, chunk...)
			}
			continue
		case err == io.EOF:
			return nil // A last line without its newline is still being written.
		case err != nil:
			return err
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(line) <= maxLine {
			if trimmed := trimLine(line); len(trimmed) > 0 {
				fn(n, trimmed)
			}
		}
		n++
	}
}

func trimLine(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// report logs a bad line once: every run searches the spool again.
func (s *Searcher) report(file string, line int, err error) {
	key := fmt.Sprintf("%s:%d: %v", file, line, err)
	s.mu.Lock()
	seen := s.reported[key]
	s.reported[key] = true
	s.mu.Unlock()
	if !seen {
		s.log.Warn().Str("file", file).Int("line", line).Err(err).Msg("bad event line skipped")
	}
}
