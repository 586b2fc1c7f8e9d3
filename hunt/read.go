package hunt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/eqlrunner/eqlrunner/query"
	"io"
	"slices"
)

// batch is a run of whole lines of one input, and what a worker made of
// them. Batches are pooled: reset clears one for reuse.
type batch struct {
	seq   int   // Position in the stream; the merger writes batches in seq order.
	input int   // Index into Options.Inputs.
	line  int64 // Number of the first line.
	data  []byte
	// offset is where data starts in the input; plain says the input is a
	// regular file read as stored, so that offset can be read again.
	offset int64
	plain  bool

	// Set by the reader.
	opened   bool // The first batch of an input that opened.
	inputErr bool // problems holds the input's read error.

	// Set by the worker.
	events, bad, skipped, signals int64
	matches                       []int64 // Per rule.
	out                           bytes.Buffer
	problems                      []Problem
	kept                          []keptLine // Relevant events, their lines in arena.
	orders                        []localOrder
	rules                         []int32 // Rules of the orders.
	arena                         []byte
}

func newBatch(size, rules int) *batch {
	return &batch{data: make([]byte, 0, size), matches: make([]int64, rules)}
}

func (b *batch) reset(size int) {
	b.data = b.data[:0]
	if cap(b.data) > 4*size {
		// It grew for a long line: let that memory go.
		b.data = make([]byte, 0, size)
	}
	b.opened, b.inputErr = false, false
	b.offset, b.plain = 0, false
	b.events, b.bad, b.skipped, b.signals = 0, 0, 0, 0
	clear(b.matches)
	b.out.Reset()
	clear(b.problems)
	b.problems = b.problems[:0]
	b.kept = b.kept[:0]
	b.orders = b.orders[:0]
	b.rules = b.rules[:0]
	// The merger took the arena's memory: the kept lines live on in it.
	b.arena = nil
}

// read cuts every input, in order, into batches of whole lines. A batch
// never spans two inputs, so that it has one index and one selection of
// rules.
func (h *hunter) read(ctx context.Context, free <-chan *batch, work chan<- *batch) error {
	r := reader{ctx: ctx, free: free, work: work, size: h.opts.BatchSize}
	for i, in := range h.opts.Inputs {
		if err := r.input(i, in, h.opts.Progress); err != nil {
			return err
		}
	}
	return nil
}

type reader struct {
	ctx   context.Context
	free  <-chan *batch
	work  chan<- *batch
	size  int
	seq   int
	src   io.Reader // The input being read, gunzipped.
	read  int64     // Bytes read from src so far.
	carry []byte    // The start of a line the last batch could not hold.
}

// get waits for a free batch; nil when the hunt is over.
func (r *reader) get(input int, line int64) *batch {
	select {
	case b := <-r.free:
		b.seq, b.input, b.line = r.seq, input, line
		r.seq++
		return b
	case <-r.ctx.Done():
		return nil
	}
}

func (r *reader) send(b *batch) error {
	select {
	case r.work <- b:
		return nil
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
}

// input reads one input. Its read errors are the input's problem, not the
// hunt's: they go down the stream in order, after what was read, and the
// hunt goes on with the next input. Only the end of the hunt (ctx) stops
// the reader.
func (r *reader) input(i int, in Input, progress func(int64)) error {
	line := int64(1)
	fail := func(err error) error {
		b := r.get(i, line)
		if b == nil {
			return r.ctx.Err()
		}
		b.inputErr = true
		b.problems = append(b.problems, Problem{Input: in.Name, Err: err})
		return r.send(b)
	}
	raw, err := in.open()
	if err != nil {
		return fail(err)
	}
	defer raw.Close()
	src, gzipped, err := query.Decompress(countingReader{raw, progress})
	if err != nil {
		return fail(err)
	}
	r.src, r.read = src, 0
	plain := in.path != "" && !gzipped
	r.carry = r.carry[:0]
	for first := true; ; first = false {
		b := r.get(i, line)
		if b == nil {
			return r.ctx.Err()
		}
		b.opened = first
		buf := b.data[:0]
		if cap(buf) < r.size {
			buf = make([]byte, 0, r.size)
		}
		buf = append(buf, r.carry...)
		r.carry = r.carry[:0]
		buf, dropped, eof, readErr := r.lines(buf, in.Stream)
		b.data = buf
		// What was read and is not in the batch is the carry.
		b.offset = r.read - int64(len(r.carry)) - int64(len(buf))
		b.plain = plain
		for k := range dropped {
			b.problems = append(b.problems, Problem{Input: in.Name, Line: line + k, Err: errLongLine()})
		}
		b.bad = dropped
		b.line = line + dropped
		line = b.line + int64(bytes.Count(buf, nl))
		if err := r.send(b); err != nil {
			return err
		}
		switch {
		case readErr != nil:
			return fail(readErr)
		case eof:
			return nil
		}
	}
}

var nl = []byte{'\n'}

// errLongLine is the problem of a line over maxLineBytes.
func errLongLine() error { return fmt.Errorf("line longer than %d MiB", maxLineBytes>>20) }

// lines fills buf with whole lines: as many as fit, or at least one (buf
// grows for a long line, and a line over maxLineBytes is skipped and
// counted in dropped). At the end of the input, buf takes the last line
// whether it ends with a newline or not.
func (r *reader) lines(buf []byte, stream bool) (_ []byte, dropped int64, eof bool, err error) {
	for {
		buf, eof, err = r.fill(buf, stream)
		if eof || err != nil {
			return buf, dropped, eof, err
		}
		if cut := bytes.LastIndexByte(buf, '\n'); cut >= 0 {
			r.carry = append(r.carry, buf[cut+1:]...)
			return buf[:cut+1], dropped, false, nil
		}
		if len(buf) < maxLineBytes {
			buf = slices.Grow(buf, len(buf))
			continue
		}
		dropped++
		eof, err = r.skipLine(buf[:0])
		buf = append(buf[:0], r.carry...)
		r.carry = r.carry[:0]
		if eof || err != nil {
			return buf, dropped, eof, err
		}
	}
}

// fill reads into buf until it is full or the input ends. A stream stops
// as soon as a read ends on a complete line, so that a live pipe's events
// are matched as they come.
func (r *reader) fill(buf []byte, stream bool) ([]byte, bool, error) {
	for len(buf) < cap(buf) {
		n, err := r.src.Read(buf[len(buf):cap(buf)])
		r.read += int64(n)
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, true, nil
		}
		if err != nil {
			return buf, false, err
		}
		if stream && n > 0 && buf[len(buf)-1] == '\n' {
			break
		}
	}
	return buf, false, nil
}

// skipLine reads past the end of the current line, using scratch as its
// buffer, and leaves what follows the newline in r.carry.
func (r *reader) skipLine(scratch []byte) (eof bool, err error) {
	for {
		n, err := r.src.Read(scratch[:cap(scratch)])
		r.read += int64(n)
		chunk := scratch[:n]
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
			r.carry = append(r.carry, chunk[i+1:]...)
			return errors.Is(err, io.EOF), nil
		}
		if errors.Is(err, io.EOF) {
			return true, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// countingReader tells progress how many bytes it read.
type countingReader struct {
	r        io.Reader
	progress func(int64)
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.progress(int64(n))
	}
	return n, err
}
