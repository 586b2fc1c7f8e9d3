package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/alerting/signalfile"
	"github.com/eqlrunner/eqlrunner/alerting/signalindex"
	"github.com/eqlrunner/eqlrunner/esclient"
	"github.com/eqlrunner/eqlrunner/query/eqlsearch"
	"github.com/eqlrunner/eqlrunner/query/local"
	"github.com/eqlrunner/eqlrunner/rules"
	"github.com/eqlrunner/eqlrunner/scheduler"
	"github.com/eqlrunner/eqlrunner/scheduler/runfile"
	"github.com/eqlrunner/eqlrunner/scheduler/runindex"
)

// env is the process environment; tests replace it.
var env = os.Getenv

func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return serve(ctx, "run", args, stderr, false)
}

func runOnce(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return serve(ctx, "once", args, stderr, true)
}

// serve is run (the daemon) and once (every rule once, then exit).
func serve(ctx context.Context, name string, args []string, stderr io.Writer, once bool) int {
	fs := newFlags(name, stderr)
	flags := newConfigFlags(fs)
	var demo demoFlags
	if !once {
		demo.register(fs)
	}
	fs.Usage = func() {
		if once {
			fmt.Fprintln(stderr, "usage: eqlrunner once [flags]\n\nRuns every loaded rule once and exits 0 if every run succeeded, 1 otherwise.")
		} else {
			fmt.Fprintln(stderr, "usage: eqlrunner run [flags]\n\nRuns every loaded rule on its interval until SIGINT or SIGTERM.")
		}
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "eqlrunner %s: unexpected arguments %q (rules go in --rules)\n", name, fs.Args())
		return exitUsage
	}
	cfg, err := flags.load(env)
	if err == nil && demo.on {
		err = demo.apply(&cfg, fs)
	}
	if err != nil {
		fmt.Fprintf(stderr, "eqlrunner %s: %v\n", name, err)
		return exitUsage
	}
	log, err := newLogger(stderr, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "eqlrunner %s: %v\n", name, err)
		return exitUsage
	}

	loaded, err := loadRules(ctx, cfg, log)
	if err != nil {
		log.Error().Err(err).Msg("rules not loaded")
		return exitProblems
	}
	if demo.on {
		demo.shorten(loaded, log)
	}
	clock := newClock(cfg.Now, once)
	var runner *scheduler.Runner
	if cfg.local() {
		var closeLocal func()
		runner, closeLocal, err = newLocalRunner(ctx, cfg, log)
		if err != nil {
			log.Error().Err(err).Msg("cannot start")
			return exitProblems
		}
		defer closeLocal()
		log.Info().Int("rules", len(loaded)).Str("backend", "local").Str("spool", cfg.spool()).
			Str("signals", localSignalsPath(cfg)).Str("state", localRunsPath(cfg)).
			Bool("once", once).Msg("eqlrunner starting")
	} else {
		runner, err = newESRunner(ctx, cfg, log)
		if err != nil {
			log.Error().Err(err).Msg("cannot start")
			return exitProblems
		}
		log.Info().Int("rules", len(loaded)).Str("backend", "elasticsearch").Str("elasticsearch", cfg.esClientConfig().String()).
			Str("signals_index", cfg.signalsIndex()).Str("runs_index", cfg.runsIndex()).
			Bool("once", once).Msg("eqlrunner starting")
	}

	if once {
		code := exitOK
		for _, r := range loaded {
			if rec := runner.Run(ctx, r, clock()); rec.Status != scheduler.StatusSucceeded {
				code = exitProblems
			}
		}
		return code
	}

	if demo.on {
		stopDemo, err := demo.start(ctx, cfg, log)
		if err != nil {
			log.Error().Err(err).Msg("cannot start the demo")
			return exitProblems
		}
		defer stopDemo()
	}
	s := scheduler.New(scheduler.Options{Rules: loaded, Job: func(ctx context.Context, r *rules.Rule, now time.Time) {
		runner.Run(ctx, r, now)
	}, Log: log, Now: clock})
	if err := s.Start(); err != nil {
		log.Error().Err(err).Msg("cannot schedule")
		return exitProblems
	}
	<-ctx.Done()
	log.Info().Str("shutdown_timeout", cfg.ShutdownTimeout.String()).Msg("stopping: letting runs in flight finish")
	if !s.Stop(cfg.ShutdownTimeout) {
		log.Warn().Msg("runs still going at the shutdown timeout were cancelled; their windows are searched again next start")
	}
	log.Info().Msg("stopped")
	return exitOK
}

// loadRules loads the configured rules, or the built-in ones, logging
// every problem; any error stops the service.
func loadRules(ctx context.Context, cfg config, log zerolog.Logger) ([]*rules.Rule, error) {
	opts := rules.LoadOptions{CheckQuery: checkEQL}
	if cfg.VersionLock != "" {
		lock, err := rules.ReadVersionLock(ctx, cfg.VersionLock)
		if err != nil {
			return nil, err
		}
		opts.VersionLock = lock
	}
	var res *rules.Result
	if len(cfg.Rules) == 0 {
		res = rules.Builtin(opts)
	} else {
		res = rules.Load(ctx, opts, cfg.Rules...)
	}
	for _, p := range res.Problems {
		e := log.Error()
		if p.Warning {
			e = log.Warn()
		}
		e.Str("problem", p.String()).Msg("rule problem")
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("%d rule error(s); run eqlrunner validate for the list", res.Errors())
	}
	if len(res.Rules) == 0 {
		return nil, scheduler.ErrNoRules
	}
	var enabled []*rules.Rule
	for _, r := range res.Rules {
		if r.Enabled {
			enabled = append(enabled, r)
		} else {
			log.Info().Str("rule_id", r.RuleID).Msg("rule disabled: not run")
		}
	}
	if len(enabled) == 0 {
		return nil, errors.New("every loaded rule is disabled")
	}
	return enabled, nil
}

// newESRunner connects to Elasticsearch, makes sure the signals and runs
// indices exist, and reads the checkpoints.
func newESRunner(ctx context.Context, cfg config, log zerolog.Logger) (*scheduler.Runner, error) {
	client, err := esclient.New(cfg.esClientConfig(), log)
	if err != nil {
		return nil, err
	}
	signals := signalindex.New(client, cfg.signalsIndex())
	runs := runindex.New(client, cfg.runsIndex())
	for _, ensure := range []func(context.Context) error{signals.Ensure, runs.Ensure} {
		if err := ensure(ctx); err != nil {
			return nil, err
		}
	}
	return scheduler.NewRunner(ctx, scheduler.RunnerOptions{
		Searcher:   eqlsearch.New(client),
		Sink:       signals,
		State:      runs,
		Space:      cfg.Space,
		MaxCatchup: cfg.MaxCatchup,
		Log:        log,
	})
}

// newLocalRunner runs rules with no cluster: events from the spool,
// signals to an NDJSON file, run history beside it. The data directory is
// locked, so that a second instance cannot write the same files.
func newLocalRunner(ctx context.Context, cfg config, log zerolog.Logger) (*scheduler.Runner, func(), error) {
	unlock, err := lockDir(filepath.Join(cfg.DataDir, "state"))
	if err != nil {
		return nil, nil, err
	}
	signals, err := signalfile.Open(localSignalsPath(cfg), cfg.signalsIndex())
	if err != nil {
		unlock()
		return nil, nil, err
	}
	runs, err := runfile.Open(localRunsPath(cfg))
	if err != nil {
		signals.Close()
		unlock()
		return nil, nil, err
	}
	closeAll := func() {
		runs.Close()
		signals.Close()
		unlock()
	}
	runner, err := scheduler.NewRunner(ctx, scheduler.RunnerOptions{
		Searcher:   local.New(cfg.spool(), log),
		Sink:       signals,
		State:      runs,
		Space:      cfg.Space,
		MaxCatchup: cfg.MaxCatchup,
		Log:        log,
	})
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return runner, closeAll, nil
}

func localSignalsPath(cfg config) string {
	return filepath.Join(cfg.DataDir, "signals", cfg.signalsIndex()+".ndjson")
}

func localRunsPath(cfg config) string {
	return filepath.Join(cfg.DataDir, "state", cfg.runsIndex()+".ndjson")
}

// newClock returns the service's clock: the real one, or one that reads
// --now. For once it stays there, so that a replay searches exactly the
// window asked for; for run it starts there and runs on.
func newClock(at time.Time, frozen bool) func() time.Time {
	switch {
	case at.IsZero():
		return time.Now
	case frozen:
		return func() time.Time { return at }
	}
	offset := time.Until(at)
	return func() time.Time { return time.Now().Add(offset) }
}

func newLogger(w io.Writer, cfg config) (zerolog.Logger, error) {
	level, err := zerolog.ParseLevel(cfg.LogLevel)
	if err != nil || level == zerolog.NoLevel {
		return zerolog.Nop(), fmt.Errorf("log level %q: want debug, info, warn or error", cfg.LogLevel)
	}
	// Times in logs carry milliseconds, as windows and checkpoints do.
	zerolog.TimeFieldFormat = "2006-01-02T15:04:05.000Z07:00"
	// Runs of different rules log at once; one write per event keeps
	// lines whole on any writer.
	w = zerolog.SyncWriter(w)
	if cfg.LogFormat == "console" {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.RFC3339}
	}
	return zerolog.New(w).Level(level).With().Timestamp().Logger(), nil
}
