package scheduler

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/rules"
)

func testRule(id, interval string) *rules.Rule {
	return &rules.Rule{RuleID: id, Interval: interval, From: "now-9m", To: "now"}
}

type jobLog struct {
	mu   sync.Mutex
	runs map[string][]time.Time
}

func (l *jobLog) add(id string, t time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.runs == nil {
		l.runs = map[string][]time.Time{}
	}
	l.runs[id] = append(l.runs[id], t)
}

func (l *jobLog) count(id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.runs[id])
}

func TestSchedulerRunsAtStartThenEveryIntervalAtTheRulesOffset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log jobLog
		r := testRule("rule-a", "5m")
		s := New(Options{Rules: []*rules.Rule{r}, Log: zerolog.Nop(), Job: func(_ context.Context, r *rules.Rule, now time.Time) {
			log.add(r.RuleID, now)
		}})
		start := time.Now()
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(31 * time.Minute)
		synctest.Wait()
		s.Stop(time.Minute)

		log.mu.Lock()
		runs := log.runs["rule-a"]
		log.mu.Unlock()
		if len(runs) != 7 {
			t.Fatalf("ran %d times in 31 minutes, want 1 at start + 6 ticks: %v", len(runs), runs)
		}
		if !runs[0].Equal(start) {
			t.Errorf("first run at %v, want at start %v", runs[0], start)
		}
		offset := Offset("rule-a", 5*time.Minute)
		for _, at := range runs[1:] {
			if got := at.Sub(at.Truncate(5 * time.Minute)); got != offset {
				t.Errorf("tick at %v is %v into its interval, want the rule's offset %v", at, got, offset)
			}
		}
	})
}

func TestOffsetSpreadsRulesAndIsStable(t *testing.T) {
	seen := map[time.Duration]bool{}
	for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
		o := Offset(id, 5*time.Minute)
		if o < 0 || o >= 5*time.Minute {
			t.Errorf("offset %v outside the interval", o)
		}
		if Offset(id, 5*time.Minute) != o {
			t.Error("offset not stable")
		}
		seen[o] = true
	}
	if len(seen) < 4 {
		t.Errorf("six rules share %d offsets", len(seen))
	}
}

func TestSchedulerSkipsATickWhileTheRuleStillRuns(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log jobLog
		s := New(Options{Rules: []*rules.Rule{testRule("slow", "1m")}, Log: zerolog.Nop(), RunTimeout: time.Hour,
			Job: func(_ context.Context, r *rules.Rule, now time.Time) {
				log.add(r.RuleID, now)
				time.Sleep(150 * time.Second) // Overruns two ticks.
			}})
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		s.Stop(time.Hour)
		if s.Skips("slow") == 0 {
			t.Error("no tick was skipped")
		}
		if n := log.count("slow"); n < 3 || n > 5 {
			t.Errorf("ran %d times in 10 minutes with 150 s runs", n)
		}
	})
}

func TestSchedulerRecoversAPanickingRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log jobLog
		s := New(Options{Rules: []*rules.Rule{testRule("boom", "1m")}, Log: zerolog.Nop(), Job: func(_ context.Context, r *rules.Rule, now time.Time) {
			log.add(r.RuleID, now)
			panic("boom")
		}})
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(3*time.Minute + time.Second)
		synctest.Wait()
		s.Stop(time.Minute)
		if n := log.count("boom"); n != 4 {
			t.Errorf("ran %d times, want 4: a panic must not stop the rule", n)
		}
	})
}

func TestStopWaitsForRunsInFlightThenCancelsThem(t *testing.T) {
	for _, tt := range []struct {
		name         string
		run, timeout time.Duration
		finished     bool // The run ends on its own, and Stop says so.
	}{
		{"a run shorter than the shutdown timeout finishes", 20 * time.Second, time.Minute, true},
		{"a run longer than the shutdown timeout is cancelled", 20 * time.Minute, 10 * time.Second, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				finished := make(chan bool, 1)
				s := New(Options{Rules: []*rules.Rule{testRule("long", "5m")}, Log: zerolog.Nop(), RunTimeout: time.Hour,
					Job: func(ctx context.Context, _ *rules.Rule, _ time.Time) {
						select {
						case <-time.After(tt.run):
							finished <- true
						case <-ctx.Done():
							finished <- false
						}
					}})
				if err := s.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Second)
				if stopped := s.Stop(tt.timeout); stopped != tt.finished || <-finished != tt.finished {
					t.Errorf("Stop = %v, want %v", stopped, tt.finished)
				}
			})
		})
	}
}
