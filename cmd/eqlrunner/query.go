package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
)

// maxLineBytes is the longest NDJSON line the query command reads.
const maxLineBytes = 64 << 20

func runQuery(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("query", stderr)
	size := fs.Int("size", 10, "most events or sequences to return")
	tiebreaker := fs.String("tiebreaker", "", "`field` ordering events with the same timestamp")
	tsField := fs.String("timestamp-field", "@timestamp", "`field` holding the event time")
	catField := fs.String("category-field", "event.category", "`field` holding the event category")
	position := fs.String("result-position", "tail", "return the first (head) or last (tail) matches")
	perKey := fs.Int("max-samples-per-key", 1, "most samples per join key of a sample query")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eqlrunner query [flags] QUERY FILE|-...")
		fmt.Fprintln(stderr, "\nEvaluates an EQL query over NDJSON events (one JSON object per line; - reads")
		fmt.Fprintln(stderr, "standard input) and prints the body Elasticsearch's _eql/search would return.")
		fmt.Fprintln(stderr, "Each event's _index is its file name without extension, its _id its line number.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() < 2 {
		fs.Usage()
		return exitUsage
	}
	if *position != "head" && *position != "tail" {
		fmt.Fprintf(stderr, "eqlrunner query: --result-position must be head or tail, not %q\n", *position)
		return exitUsage
	}
	if *size < 0 {
		fmt.Fprintln(stderr, "eqlrunner query: --size must not be negative")
		return exitUsage
	}
	text := fs.Arg(0)
	prog, err := eql.Compile(text, eql.Options{TimestampField: *tsField, TiebreakerField: *tiebreaker, CategoryField: *catField})
	if err != nil {
		var list eql.ErrorList
		if errors.As(err, &list) {
			fmt.Fprintln(stderr, list.Format(text))
		} else {
			fmt.Fprintf(stderr, "eqlrunner query: %v\n", err)
		}
		return exitProblems
	}
	start := time.Now()
	var inputs []eql.Input
	paths := map[string]string{} // _index to the path it came from.
	for _, path := range fs.Args()[1:] {
		in, err := readNDJSON(ctx, path, &inputs)
		if err != nil {
			fmt.Fprintf(stderr, "eqlrunner query: %v\n", err)
			return exitProblems
		}
		paths[in] = path
	}
	opts := eql.RunOptions{Size: *size, Head: *position == "head", MaxSamplesPerKey: *perKey}
	if *size == 0 {
		opts.Size = -1
	}
	res, skipped, err := prog.Search(inputs, nil, opts)
	for _, s := range skipped {
		fmt.Fprintf(stderr, "%s:%s: %v\n", paths[s.Index], s.ID, s.Err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eqlrunner query: %v\n", err)
		return exitProblems
	}
	out := res.Body(time.Since(start).Milliseconds())
	stdout.Write(out)
	fmt.Fprintln(stdout)
	return exitOK
}

// readNDJSON appends the events of path to inputs and returns the index
// name it gave them. Blank lines are skipped.
func readNDJSON(ctx context.Context, path string, inputs *[]eql.Input) (string, error) {
	var r io.Reader
	index := "stdin"
	if path == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", err
		}
		defer f.Close()
		if r, _, err = query.Decompress(f); err != nil {
			return "", fmt.Errorf("%s: %w", path, err)
		}
		index = query.IndexOfFile(path)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if line%4096 == 0 && ctx.Err() != nil {
			return "", ctx.Err()
		}
		b := sc.Bytes()
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		*inputs = append(*inputs, eql.Input{Index: index, ID: strconv.Itoa(line), Source: append([]byte(nil), b...)})
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("%s:%d: %w", path, line+1, err)
	}
	return index, nil
}
