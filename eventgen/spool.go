package eventgen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Stats counts what Stream or Spool wrote.
type Stats struct {
	Events, Bytes                     int64
	Benign, TruePositives, NearMisses int64
	// Files are the files Spool appended to, by path.
	Files []FileStats
}

// FileStats counts what Spool appended to one file.
type FileStats struct {
	Path          string
	Events, Bytes int64
}

func (s *Stats) count(ev Event) {
	s.Events++
	s.Bytes += int64(len(ev.Line)) + 1
	switch ev.Kind {
	case Benign:
		s.Benign++
	case TruePositive:
		s.TruePositives++
	case NearMiss:
		s.NearMisses++
	}
}

// Stream writes count events from opts to w as NDJSON, one event a line.
// With count 0 it runs in real time, as Spool does.
func Stream(ctx context.Context, w io.Writer, opts Options, count int) (Stats, error) {
	return generate(ctx, &streamSink{out: batch{w: w}}, opts, count)
}

// Spool appends events from opts to files in dir (created if missing), one
// per index, named <index>.ndjson, so that a file's base name is the index
// a rule's index patterns select.
//
// With count > 0 it writes count events as fast as it can. With count 0 it
// runs in real time until ctx is done, then returns with no error: it
// writes opts.Rate events a second stamped with the clock (opts.Start is
// ignored), each once its event.ingested has passed, so that a reader
// never sees an event ingested in the future.
//
// Files are only ever written whole lines at a time, flushed when a batch
// is done (in real time, every tick), so a reader that stops at the last
// newline never sees half an event.
//
// In real time, files roll over every hour, named <index>-<yyyy.mm.dd-hh>
// (still selected by the patterns that select <index>, as Elasticsearch's
// dated indices are), so that a service searching the spool can pass over
// the hours a window does not reach, however long the spool runs.
func Spool(ctx context.Context, dir string, opts Options, count int) (Stats, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("eventgen: spool: %w", err)
	}
	s := &dirSink{dir: dir, files: map[string]*fileBatch{}, hourly: count == 0}
	st, err := generate(ctx, s, opts, count)
	for _, f := range s.files {
		if cerr := f.file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("eventgen: spool: %w", cerr)
		}
		s.closed = append(s.closed, f)
	}
	for _, f := range s.closed {
		st.Files = append(st.Files, FileStats{Path: f.path, Events: f.events, Bytes: f.bytes})
	}
	slices.SortFunc(st.Files, func(a, b FileStats) int { return cmp.Compare(a.Path, b.Path) })
	return st, err
}

// realTimeTick is how often real-time generation writes what has come due.
const realTimeTick = 100 * time.Millisecond

func generate(ctx context.Context, s sink, opts Options, count int) (Stats, error) {
	var st Stats
	if count < 0 {
		return st, fmt.Errorf("eventgen: count %d is negative", count)
	}
	if count == 0 {
		if opts.Rate <= 0 {
			return st, errors.New("eventgen: real time (count 0) needs a rate")
		}
		opts.Start = time.Now().Add(-maxIngestDelay)
	}
	g, err := New(opts)
	if err != nil {
		return st, err
	}
	add := func() error {
		ev := g.Next()
		st.count(ev)
		return s.add(ev)
	}
	if count > 0 {
		for i := range count {
			if i%4096 == 0 && ctx.Err() != nil {
				return st, errors.Join(fmt.Errorf("eventgen: stopped after %d of %d events: %w", i, count, ctx.Err()), s.flush())
			}
			if err := add(); err != nil {
				return st, err
			}
		}
		return st, s.flush()
	}
	tick := time.NewTicker(realTimeTick)
	defer tick.Stop()
	for {
		due := time.Now().Add(-maxIngestDelay)
		for !g.nextTime().After(due) {
			if err := add(); err != nil {
				return st, err
			}
		}
		if err := s.flush(); err != nil {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, nil
		case <-tick.C:
		}
	}
}

// sink takes events a line at a time and writes them in batches of whole
// lines.
type sink interface {
	add(ev Event) error
	flush() error
}

// batchSize is how much a batch holds before it is written.
const batchSize = 256 << 10

type batch struct {
	w   io.Writer
	buf []byte
}

func (b *batch) add(line []byte) error {
	b.buf = append(b.buf, line...)
	b.buf = append(b.buf, '\n')
	if len(b.buf) >= batchSize {
		return b.flush()
	}
	return nil
}

func (b *batch) flush() error {
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.w.Write(b.buf)
	b.buf = b.buf[:0]
	return err
}

type streamSink struct{ out batch }

func (s *streamSink) add(ev Event) error { return s.out.add(ev.Line) }
func (s *streamSink) flush() error       { return s.out.flush() }

type dirSink struct {
	dir    string
	files  map[string]*fileBatch // The open file of each index.
	closed []*fileBatch          // Files rolled over.
	hourly bool
}

type fileBatch struct {
	batch
	file          *os.File
	path          string
	hour          string // The hour it holds, when files roll over.
	events, bytes int64
}

func (s *dirSink) add(ev Event) error {
	f := s.files[ev.Index]
	var hour string
	if s.hourly {
		hour = ev.Time.UTC().Format("2006.01.02-15")
	}
	if f != nil && f.hour != hour {
		if err := f.flush(); err != nil {
			return fmt.Errorf("eventgen: spool: %w", err)
		}
		if err := f.file.Close(); err != nil {
			return fmt.Errorf("eventgen: spool: %w", err)
		}
		s.closed = append(s.closed, f)
		f = nil
	}
	if f == nil {
		name := ev.Index
		if hour != "" {
			name += "-" + hour
		}
		path := filepath.Join(s.dir, name+".ndjson")
		file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("eventgen: spool: %w", err)
		}
		f = &fileBatch{batch: batch{w: file}, file: file, path: path, hour: hour}
		s.files[ev.Index] = f
	}
	f.events++
	f.bytes += int64(len(ev.Line)) + 1
	if err := f.add(ev.Line); err != nil {
		return fmt.Errorf("eventgen: spool: %w", err)
	}
	return nil
}

func (s *dirSink) flush() error {
	var errs []error
	for _, f := range s.files {
		if err := f.flush(); err != nil {
			errs = append(errs, fmt.Errorf("eventgen: spool: %w", err))
		}
	}
	return errors.Join(errs...)
}
