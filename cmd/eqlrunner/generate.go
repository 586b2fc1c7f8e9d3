package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/eqlrunner/eqlrunner/eventgen"
)

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("generate", stderr)
	count := fs.Int("count", 1000, "write `N` events; 0 generates in real time, --rate a second, until interrupted")
	rate := fs.Float64("rate", 0, "events a second of event time (default 1000); with --count 0, of real time, and required")
	startFlag := fs.String("start", "", "`time` (RFC 3339) of the first event (default: the last event is just now)")
	seed := fs.Int64("seed", 1, "random seed: the same seed, start and rate give the same events")
	tp := fs.Float64("true-positives", eventgen.DefaultTruePositiveShare, "`share` of events the built-in rule must match")
	nm := fs.Float64("near-misses", eventgen.DefaultNearMissShare, "`share` of events close to the built-in rule that it must not match")
	sources := fs.String("sources", "defend,sysmon,endgame", "`shippers` whose documents to write, comma-separated")
	out := fs.String("o", "-", "`DIR` to append one <index>.ndjson file per index to, or - for NDJSON on stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eqlrunner generate [flags]")
		fmt.Fprintln(stderr, "\nWrites realistic ECS endpoint events (Elastic Defend, Sysmon through the Windows")
		fmt.Fprintln(stderr, "integration, Endgame) as NDJSON: mostly benign, with shares of true positives and")
		fmt.Fprintln(stderr, "near misses of the built-in rule. A summary goes to stderr.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "eqlrunner generate: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	opts := eventgen.Options{Seed: *seed, Rate: *rate, TruePositiveShare: flagShare(*tp), NearMissShare: flagShare(*nm)}
	var err error
	if opts.Sources, err = eventgen.ParseSources(*sources); err != nil {
		return usageError("--sources: %v", err)
	}
	switch {
	case *count < 0:
		return usageError("--count %d is negative", *count)
	case *tp < 0 || *nm < 0:
		return usageError("--true-positives and --near-misses are shares from 0 to 1")
	case *count == 0 && *rate <= 0:
		return usageError("--count 0 generates in real time and needs a --rate")
	case *count == 0 && *startFlag != "":
		return usageError("--start does not go with --count 0: real-time events are stamped with the clock")
	case *startFlag != "":
		if opts.Start, err = time.Parse(time.RFC3339Nano, *startFlag); err != nil {
			return usageError("--start: %v", err)
		}
	default:
		opts.Start = eventgen.DefaultStart(time.Now(), *count, *rate)
	}
	if err := opts.Validate(); err != nil {
		return usageError("%v", err)
	}

	var st eventgen.Stats
	if *out == "-" {
		st, err = eventgen.Stream(ctx, stdout, opts, *count)
	} else {
		st, err = eventgen.Spool(ctx, *out, opts, *count)
	}
	fmt.Fprintf(stderr, "eqlrunner generate: %d %s, %d bytes: %d benign, %d %s, %d %s\n",
		st.Events, plural(int(st.Events), "event", "events"), st.Bytes, st.Benign,
		st.TruePositives, plural(int(st.TruePositives), "true positive", "true positives"),
		st.NearMisses, plural(int(st.NearMisses), "near miss", "near misses"))
	for _, f := range st.Files {
		fmt.Fprintf(stderr, "  %s: %d %s, %d bytes\n", f.Path, f.Events, plural(int(f.Events), "event", "events"), f.Bytes)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eqlrunner generate: %v\n", err)
		return exitProblems
	}
	return exitOK
}

// flagShare maps a flag's share to eventgen's: on the command line 0 means
// none, where eventgen takes 0 for its default.
func flagShare(f float64) float64 {
	if f == 0 {
		return -1
	}
	return f
}
