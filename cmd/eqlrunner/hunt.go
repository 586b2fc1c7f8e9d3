package main

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/eqlrunner/eqlrunner/hunt"
	"github.com/eqlrunner/eqlrunner/rules"
)

// progressMinBytes is the input size from which hunt shows a progress bar
// (when stderr is a terminal): smaller inputs are done before one helps.
const progressMinBytes = 64 << 20

func runHunt(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("hunt", stderr)
	var rulePaths stringsFlag
	fs.Var(&rulePaths, "rules", "rule file or directory `path` (repeatable; default: the built-in rules)")
	lockPath := fs.String("version-lock", "", "detection-rules `version.lock.json` giving versions to rules without one")
	fromFlag := fs.String("from", "", "skip events before this RFC 3339 `time` (by each rule's timestamp field)")
	toFlag := fs.String("to", "", "skip events after this RFC 3339 `time`")
	outPath := fs.String("o", "-", "write the signals to `FILE` instead of stdout")
	failOnMatch := fs.Bool("fail-on-match", false, "exit 1 when any rule matched")
	space := fs.String("space", "default", "Kibana `space` of the signals: their index is eqlrunner-signals-<space>")
	respectIndex := fs.Bool("respect-index", false, "run a rule only on files whose index name (base name without .ndjson/.jsonl/.json/.gz) its index patterns select")
	nowFlag := fs.String("now", "", "build signals as if the clock read this RFC 3339 `time` (reproducible output)")
	execID := fs.String("execution-id", "", "kibana.alert.rule.execution.uuid of the signals (default: a random UUID)")
	maxProblems := fs.Int("max-problems", 20, "print at most `N` skipped lines and events, then only count them")
	workers := fs.Int("workers", 0, "`goroutines` decoding and matching (default GOMAXPROCS)")
	batchSize := fs.Int("batch-size", hunt.DefaultBatchSize, "`bytes` of whole lines a worker takes at a time")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: eqlrunner hunt [flags] FILE|DIR|-...")
		fmt.Fprintln(stderr, "\nRuns detection rules over NDJSON events (plain or gzipped files, directory trees")
		fmt.Fprintln(stderr, "of *.ndjson, *.jsonl and *.json files, gzipped or not, and - for stdin) and")
		fmt.Fprintln(stderr, "writes a signal document per line. Exits 0 with or without matches (1 with")
		fmt.Fprintln(stderr, "--fail-on-match and a match), 2 on errors.")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "eqlrunner hunt: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	opts := hunt.Options{RespectIndex: *respectIndex, Space: *space, ExecutionID: *execID,
		Workers: *workers, BatchSize: *batchSize, Now: time.Now()}
	var err error
	for _, t := range []struct {
		name, value string
		into        *time.Time
	}{{"--from", *fromFlag, &opts.From}, {"--to", *toFlag, &opts.To}, {"--now", *nowFlag, &opts.Now}} {
		if t.value == "" {
			continue
		}
		if *t.into, err = time.Parse(time.RFC3339Nano, t.value); err != nil {
			return usageError("%s: want an RFC 3339 time like 2026-12-04T10:05:00Z, got %q", t.name, t.value)
		}
	}
	switch {
	case !opts.From.IsZero() && !opts.To.IsZero() && opts.To.Before(opts.From):
		return usageError("--to %s is before --from %s", *toFlag, *fromFlag)
	case *space == "":
		return usageError("--space must not be empty")
	case *workers < 0 || *batchSize < 0 || *maxProblems < 0:
		return usageError("--workers, --batch-size and --max-problems must not be negative")
	}
	if opts.ExecutionID == "" {
		opts.ExecutionID = uuid.NewString()
	}

	if opts.Inputs, err = hunt.Inputs(ctx, fs.Args(), os.Stdin); err != nil {
		fmt.Fprintf(stderr, "eqlrunner hunt: %v\n", err)
		return exitUsage
	}
	if opts.Rules, err = loadHuntRules(ctx, rulePaths, *lockPath, stderr); err != nil {
		fmt.Fprintf(stderr, "eqlrunner hunt: %v\n", err)
		return exitUsage
	}

	out, err := openOutput(*outPath, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "eqlrunner hunt: %v\n", err)
		return exitUsage
	}
	report := newProblemReport(stderr, *maxProblems)
	opts.OnProblem = report.add
	opts.Output = out.w
	if bar := progressBar(stderr, opts.Inputs); bar != nil {
		report.bar = bar
		opts.Progress = func(n int64) { _ = bar.Add64(n) }
	}

	start := time.Now()
	stats, err := hunt.Run(ctx, opts)
	elapsed := time.Since(start)
	if report.bar != nil {
		_ = report.bar.Finish()
	}
	if err == nil {
		err = out.commit()
	} else {
		out.abort()
	}
	report.summary(stats, opts.Rules, elapsed)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "eqlrunner hunt: %v\n", err)
		return exitUsage
	case stats.InputErrors > 0 || stats.RuleErrors > 0:
		return exitUsage
	case *failOnMatch && stats.Signals > 0:
		return exitProblems
	}
	return exitOK
}

// loadHuntRules loads the rules to hunt with, printing their problems.
// Rules of other types than EQL are left out with a count: hunting with a
// whole detection-rules checkout is the common case. Disabled rules are
// left out too. Any other rule error stops the hunt.
func loadHuntRules(ctx context.Context, paths []string, lockPath string, stderr io.Writer) ([]*rules.Rule, error) {
	opts := rules.LoadOptions{CheckQuery: checkEQL}
	if lockPath != "" {
		lock, err := rules.ReadVersionLock(ctx, lockPath)
		if err != nil {
			return nil, err
		}
		opts.VersionLock = lock
	}
	var res *rules.Result
	if len(paths) == 0 {
		res = rules.Builtin(opts)
	} else {
		res = rules.Load(ctx, opts, paths...)
	}
	errs, unsupported := 0, 0
	for _, p := range res.Problems {
		switch {
		case p.Unsupported:
			unsupported++
			continue
		case !p.Warning:
			errs++
		}
		fmt.Fprintln(stderr, p)
	}
	if errs > 0 {
		return nil, fmt.Errorf("%d rule %s; eqlrunner validate lists every problem", errs, plural(errs, "error", "errors"))
	}
	var enabled []*rules.Rule
	for _, r := range res.Rules {
		if r.Enabled {
			enabled = append(enabled, r)
		}
	}
	fmt.Fprintf(stderr, "eqlrunner hunt: %d %s", len(enabled), plural(len(enabled), "rule", "rules"))
	if n := len(res.Rules) - len(enabled); n > 0 {
		fmt.Fprintf(stderr, ", %d disabled %s left out", n, plural(n, "rule", "rules"))
	}
	if unsupported > 0 {
		fmt.Fprintf(stderr, ", %d %s of other types than EQL left out", unsupported, plural(unsupported, "rule", "rules"))
	}
	fmt.Fprintln(stderr)
	if len(enabled) == 0 {
		return nil, fmt.Errorf("no enabled EQL rule to hunt with")
	}
	return enabled, nil
}

// output is where signals go: stdout, or a file written under a temporary
// name and renamed into place when the hunt ends, so that FILE never holds
// a half-written hunt.
type output struct {
	w    *bufio.Writer
	file *os.File
	path string
}

func openOutput(path string, stdout io.Writer) (*output, error) {
	if path == "-" {
		return &output{w: bufio.NewWriterSize(stdout, 1<<20)}, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("-o: %w", err)
	}
	return &output{w: bufio.NewWriterSize(f, 1<<20), file: f, path: path}, nil
}

func (o *output) commit() error {
	err := o.w.Flush()
	if o.file == nil {
		return err
	}
	if err == nil {
		err = o.file.Chmod(0o644)
	}
	if cerr := o.file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.file.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.file.Name())
		return fmt.Errorf("-o %s: %w", o.path, err)
	}
	return nil
}

func (o *output) abort() {
	if o.file == nil {
		_ = o.w.Flush() // What was found so far still goes out.
		return
	}
	o.file.Close()
	os.Remove(o.file.Name())
}

// progressBar returns a bar counting the input's bytes when stderr is a
// terminal and the input is large and of known size; nil otherwise.
func progressBar(stderr io.Writer, inputs []hunt.Input) *progressbar.ProgressBar {
	f, ok := stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	var total int64
	for _, in := range inputs {
		if in.Size < 0 {
			return nil
		}
		total += in.Size
	}
	if total < progressMinBytes {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("hunting"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// problemReport prints the hunt's problems as they come, at most max of
// the skipped lines and events, and sums them up at the end.
type problemReport struct {
	w             io.Writer
	max           int
	shown, hidden int
	bar           *progressbar.ProgressBar
}

func newProblemReport(w io.Writer, max int) *problemReport { return &problemReport{w: w, max: max} }

func (r *problemReport) add(p hunt.Problem) {
	// Whole inputs and rules are few and always worth a line.
	if p.Line > 0 {
		if r.shown >= r.max {
			r.hidden++
			return
		}
		r.shown++
	}
	if r.bar != nil {
		_ = r.bar.Clear()
	}
	fmt.Fprintln(r.w, p)
}

func (r *problemReport) summary(st hunt.Stats, rs []*rules.Rule, elapsed time.Duration) {
	w := r.w
	secs := max(elapsed.Seconds(), 1e-9)
	if r.hidden > 0 {
		fmt.Fprintf(w, "eqlrunner hunt: %d more skipped %s not shown (--max-problems %d)\n", r.hidden, plural(r.hidden, "line or event", "lines and events"), r.max)
	}
	fmt.Fprintf(w, "eqlrunner hunt: %d %s, %d %s (%.1f MB), %d bad %s, %d skipped by a rule, in %s: %.0f events/s, %.1f MB/s\n",
		st.Inputs, plural(st.Inputs, "input", "inputs"), st.Events, plural(int(st.Events), "event", "events"),
		float64(st.Bytes)/1e6, st.BadLines, plural(int(st.BadLines), "line", "lines"), st.Skipped,
		elapsed.Round(time.Millisecond), float64(st.Events)/secs, float64(st.Bytes)/1e6/secs)
	if st.Relevant > 0 {
		fmt.Fprintf(w, "eqlrunner hunt: %d %s kept for sequence and sample rules\n", st.Relevant, plural(int(st.Relevant), "event", "events"))
	}
	order := make([]int, 0, len(rs))
	for i := range rs {
		if st.Matches[i] > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(st.Matches[b], st.Matches[a]) })
	fmt.Fprintf(w, "eqlrunner hunt: %d %s from %d of %d %s\n", st.Signals, plural(int(st.Signals), "signal", "signals"),
		len(order), len(rs), plural(len(rs), "rule", "rules"))
	for _, i := range order {
		fmt.Fprintf(w, "  %8d  %s (%s)\n", st.Matches[i], rs[i].Name, rs[i].RuleID)
	}
}
