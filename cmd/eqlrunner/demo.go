package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/eventgen"
	"github.com/eqlrunner/eqlrunner/rules"
)

// demoFlags are run's --demo mode: the whole product on one machine with
// nothing installed. Events are generated into the local spool as the
// service runs, starting with a few minutes of history so that the first
// run at start-up already finds something.
type demoFlags struct {
	on       bool
	rate     float64
	interval time.Duration
	history  time.Duration
}

func (d *demoFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&d.on, "demo", false, "generate events into the local spool as the service runs (implies --backend local)")
	fs.Float64Var(&d.rate, "demo-rate", 50, "events per second --demo generates")
	fs.DurationVar(&d.interval, "demo-interval", 30*time.Second, "rule interval under --demo, so that signals keep coming")
	fs.DurationVar(&d.history, "demo-history", 3*time.Minute, "event history --demo writes before the first run")
}

// apply makes the configuration a demo's: the local back end, and a
// console log unless another format was asked for.
func (d *demoFlags) apply(cfg *config, fs *flag.FlagSet) error {
	if cfg.Backend == "elasticsearch" {
		return errors.New("--demo runs on the local back end: drop --backend elasticsearch")
	}
	if d.rate <= 0 || d.interval <= 0 || d.history < 0 {
		return errors.New("--demo-rate, --demo-interval and --demo-history must be positive")
	}
	cfg.Backend = "local"
	logFormatSet := false
	fs.Visit(func(f *flag.Flag) { logFormatSet = logFormatSet || f.Name == "log-format" })
	if !logFormatSet && cfg.LogFormat == defaultConfig().LogFormat {
		cfg.LogFormat = "console"
	}
	return nil
}

// shorten runs the rules every demo interval instead of their own, so that
// new signals show up while one watches.
func (d *demoFlags) shorten(loaded []*rules.Rule, log zerolog.Logger) {
	for _, r := range loaded {
		copied := *r
		copied.Interval = fmt.Sprintf("%ds", max(int(d.interval.Seconds()), 1))
		*r = copied
	}
	log.Info().Str("interval", d.interval.String()).Msg("demo: rules run every interval")
}

// start writes the history, then generates events in the background until
// stop.
func (d *demoFlags) start(ctx context.Context, cfg config, log zerolog.Logger) (stop func(), err error) {
	spool := cfg.spool()
	count := int(d.history.Seconds() * d.rate)
	opts := eventgen.Options{Seed: time.Now().UnixNano(), Rate: d.rate, Start: eventgen.DefaultStart(time.Now(), count, d.rate)}
	if _, err := eventgen.Spool(ctx, spool, opts, count); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		live := eventgen.Options{Seed: opts.Seed + 1, Rate: d.rate}
		if _, err := eventgen.Spool(ctx, spool, live, 0); err != nil && ctx.Err() == nil {
			log.Error().Err(err).Msg("demo: event generation stopped")
		}
	}()
	log.Info().Str("spool", spool).Float64("events_per_s", d.rate).Int("history_events", count).
		Str("signals", filepath.Join(cfg.DataDir, "signals", cfg.signalsIndex()+".ndjson")).
		Msg("demo: generating events; watch the signals file (tail -f), stop with Ctrl-C")
	return func() { cancel(); <-done }, nil
}
