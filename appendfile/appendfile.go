// Package appendfile keeps an append-only NDJSON file that a crash cannot
// leave half-written: what counts as written is synced whole lines. The
// local back end keeps its signals and its run history this way.
package appendfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is an append-only file of lines.
type File struct {
	path string
	f    *os.File
}

// Open opens (or creates, with its directory) the file at path and calls
// each with every complete, non-blank line, numbered from 1. A last line
// without its newline, left by a crash in the middle of an append, is cut
// off: it never counted as written. An error from each stops the open.
func Open(path string, each func(n int, line []byte) error) (*File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	end, err := scan(f, each)
	if err == nil {
		err = f.Truncate(end)
	}
	if err == nil {
		_, err = f.Seek(end, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &File{path: path, f: f}, nil
}

// scan reads the complete lines and returns where they end.
func scan(f *os.File, each func(n int, line []byte) error) (int64, error) {
	r := bufio.NewReaderSize(f, 1<<20)
	var end int64
	for n := 1; ; n++ {
		data, err := r.ReadBytes('\n')
		if err == io.EOF {
			return end, nil
		}
		if err != nil {
			return 0, err
		}
		end += int64(len(data))
		if len(bytes.TrimSpace(data)) == 0 {
			continue
		}
		if err := each(n, data); err != nil {
			return 0, fmt.Errorf("line %d: %w", n, err)
		}
	}
}

// Path is the file's path.
func (a *File) Path() string { return a.path }

// Append writes data, whole lines, and syncs it to disk: only then does
// it count as written. On failure whatever part of data reached the file
// is taken back, so that the file holds only what counted.
func (a *File) Append(data []byte) error {
	start, err := a.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("append to %s: %w", a.path, err)
	}
	_, err = a.f.Write(data)
	if err == nil {
		err = a.f.Sync()
	}
	if err != nil {
		if terr := a.f.Truncate(start); terr == nil {
			_, _ = a.f.Seek(start, io.SeekStart)
		}
		return fmt.Errorf("append to %s: %w", a.path, err)
	}
	return nil
}

// Close closes the file.
func (a *File) Close() error { return a.f.Close() }
