package hunt

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/eqlrunner/eqlrunner/query"
)

// Input is one source of NDJSON events: a file, or a stream such as
// standard input.
type Input struct {
	// Name is what messages call the input: its path, or "-".
	Name string
	// Index is the _index its events get: query.IndexOfFile, the file's
	// base name without .gz and then .ndjson, .jsonl or .json; "stdin" for
	// "-".
	Index string
	// Size is its size on disk, for progress; -1 when unknown.
	Size int64
	// Stream marks a live stream (a pipe): batches go out as soon as a
	// read ends on a complete line, instead of when the batch is full.
	Stream bool
	// open returns the input's bytes as stored (maybe gzipped).
	open func() (io.ReadCloser, error)
	// path is set for a regular file, which can be read again at an
	// offset: the events sequence rules keep are then kept as offsets.
	path string
}

// Inputs resolves command-line paths in order: a file is read as named, a
// directory tree is walked in lexical order for *.ndjson, *.jsonl and
// *.json files, each possibly gzipped (hidden files and directories are
// skipped), and "-" is stdin. Whether a file is gzipped is read from its
// first bytes, not its name.
func Inputs(ctx context.Context, paths []string, stdin io.Reader) ([]Input, error) {
	var out []Input
	for _, p := range paths {
		if p == "-" {
			out = append(out, Input{Name: "-", Index: "stdin", Size: -1, Stream: true,
				open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, fileInput(p, info))
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			hidden := path != p && strings.HasPrefix(d.Name(), ".")
			switch {
			case d.IsDir() && hidden:
				return filepath.SkipDir
			case d.IsDir() || !query.IsEventFile(path):
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if info.Mode().IsRegular() {
				out = append(out, fileInput(path, info))
				found++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if found == 0 {
			return nil, fmt.Errorf("%s: no *.ndjson, *.jsonl or *.json files (gzipped or not) in the tree", p)
		}
	}
	return out, nil
}

func fileInput(path string, info fs.FileInfo) Input {
	size := info.Size()
	if !info.Mode().IsRegular() {
		size = -1
	}
	in := Input{Name: path, Index: query.IndexOfFile(path), Size: size, Stream: !info.Mode().IsRegular(),
		open: func() (io.ReadCloser, error) { return os.Open(path) }}
	if info.Mode().IsRegular() {
		in.path = path
	}
	return in
}

// NewInput makes an input of a reader, for callers that hold events
// elsewhere (tests, an embedding program).
func NewInput(name, index string, r io.Reader) Input {
	return Input{Name: name, Index: index, Size: -1,
		open: func() (io.ReadCloser, error) { return io.NopCloser(r), nil }}
}
