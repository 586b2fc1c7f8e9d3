package scheduler

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/rules"
)

// Job runs one rule as if the clock read now.
type Job func(ctx context.Context, r *rules.Rule, now time.Time)

// Options configure a Scheduler.
type Options struct {
	Rules []*rules.Rule
	Job   Job
	Log   zerolog.Logger
	// Now is the clock; time.Now by default. --now shifts it.
	Now func() time.Time
	// RunTimeout bounds one run; the rule's interval by default, at least a minute.
	RunTimeout time.Duration
}

// Scheduler runs each rule on its interval with robfig/cron: one entry per
// rule, spread over the interval by a stable offset hashed from the rule
// id, a first run at start-up, runs of one rule never overlapping (a tick
// that finds the last run still going is skipped, logged and counted), a
// panic in a run recovered and logged. Cron only says when: which time a
// run searches comes from its checkpoint, so a skipped or missed tick
// loses nothing.
type Scheduler struct {
	opts  Options
	cron  *cron.Cron
	runs  context.Context
	stop  context.CancelFunc
	skips map[string]*atomic.Int64
	wg    sync.WaitGroup
}

// New prepares a Scheduler; Start starts it.
func New(opts Options) *Scheduler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	runs, stop := context.WithCancel(context.Background())
	return &Scheduler{
		opts:  opts,
		cron:  cron.New(cron.WithLocation(time.UTC), cron.WithLogger(cronLogger{log: opts.Log})),
		runs:  runs,
		stop:  stop,
		skips: map[string]*atomic.Int64{},
	}
}

// Offset is where in its interval a rule runs: a hash of the rule id, so
// that rules spread over the interval and a rule keeps its slot across
// restarts and replicas.
func Offset(ruleID string, interval time.Duration) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(ruleID))
	secs := int64(interval / time.Second)
	if secs <= 0 {
		return 0
	}
	return time.Duration(h.Sum64()%uint64(secs)) * time.Second
}

// every fires at offset past each multiple of interval since the epoch.
type every struct {
	interval, offset time.Duration
}

func (e every) Next(t time.Time) time.Time {
	base := t.Truncate(e.interval).Add(e.offset)
	for !base.After(t) {
		base = base.Add(e.interval)
	}
	return base
}

// Start adds every rule and starts the clock; each rule also runs once now.
func (s *Scheduler) Start() error {
	var first []cron.Job
	for _, r := range s.opts.Rules {
		interval := r.IntervalDuration()
		if interval <= 0 {
			return fmt.Errorf("rule %s: invalid interval %q", r.RuleID, r.Interval)
		}
		skips := &atomic.Int64{}
		s.skips[r.RuleID] = skips
		log := s.opts.Log.With().Str("rule_id", r.RuleID).Logger()
		// Recover goes inside SkipIfStillRunning: in cron v3.0.1 a panic
		// escaping SkipIfStillRunning would keep the rule "running" forever.
		job := cron.NewChain(
			cron.SkipIfStillRunning(cronLogger{log: log, skips: skips}),
			cron.Recover(cronLogger{log: log}),
		).Then(cron.FuncJob(func() { s.runOnce(r, interval) }))
		s.cron.Schedule(every{interval: interval, offset: Offset(r.RuleID, interval)}, job)
		first = append(first, job)
	}
	s.cron.Start()
	for _, job := range first {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			job.Run()
		}()
	}
	return nil
}

func (s *Scheduler) runOnce(r *rules.Rule, interval time.Duration) {
	timeout := s.opts.RunTimeout
	if timeout <= 0 {
		timeout = max(interval, time.Minute)
	}
	ctx, cancel := context.WithTimeout(s.runs, timeout)
	defer cancel()
	s.opts.Job(ctx, r, s.opts.Now())
}

// Skips reports how many ticks of a rule were skipped because its last
// run was still going.
func (s *Scheduler) Skips(ruleID string) int64 {
	if c := s.skips[ruleID]; c != nil {
		return c.Load()
	}
	return 0
}

// Stop stops scheduling and waits for the runs in flight to finish, at
// most timeout; then it cancels them. It reports whether they all finished
// in time.
func (s *Scheduler) Stop(timeout time.Duration) bool {
	cronDone := s.cron.Stop()
	all := make(chan struct{})
	go func() {
		<-cronDone.Done()
		s.wg.Wait()
		close(all)
	}()
	defer s.stop()
	select {
	case <-all:
		return true
	case <-time.After(timeout):
		s.stop()
		// Cancelled runs end at their next request; give them a moment to
		// record themselves as failed.
		select {
		case <-all:
		case <-time.After(5 * time.Second):
		}
		return false
	}
}

// cronLogger sends robfig/cron's messages to zerolog, and counts skips.
type cronLogger struct {
	log   zerolog.Logger
	skips *atomic.Int64
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" && l.skips != nil {
		n := l.skips.Add(1)
		l.log.Warn().Int64("skipped", n).Msg("tick skipped: the rule's last run is still going")
		return
	}
	l.log.Trace().Fields(kv).Msg("cron: " + msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error().Err(err).Fields(kv).Msg("cron: " + msg)
}
