package scheduler

import (
	"time"

	"github.com/eqlrunner/eqlrunner/query"
)

// DefaultMaxCatchup bounds how far back a run reaches for time earlier runs
// missed (--max-catchup).
const DefaultMaxCatchup = 24 * time.Hour

// Plan is the time one run of a rule searches.
type Plan struct {
	// Windows are consecutive, oldest first, none wider than the rule's
	// lookback. The last is the rule's normal window: [now+from, now+to].
	Windows []query.Window
	// Gap is time no run has searched that is older than the catch-up
	// bound; it is reported, and the run moves on past it.
	Gap *query.Window
}

// PlanRun decides which time a run of a rule at now searches. Normally that
// is the rule's window, [now+from, now+to] (now-9m to now). When the
// checkpoint (the point up to which every match is signalled) is older
// than the window's start, because ticks were missed, the service or the
// cluster was down, or a run failed, the run starts at the checkpoint, so
// that no time is left unsearched; but no further back than maxCatchup
// before now, and what lies beyond is the gap. A long catch-up is split
// into windows no wider than the lookback, so that each search stays the
// size of a normal one. A zero checkpoint (a rule's first run) means no
// catch-up.
func PlanRun(now time.Time, from, to time.Duration, checkpoint time.Time, maxCatchup time.Duration) Plan {
	now = now.Truncate(time.Millisecond)
	end := now.Add(to)
	lookback := to - from
	start := now.Add(from)
	if !checkpoint.IsZero() && checkpoint.Before(start) {
		start = checkpoint
	}
	var p Plan
	// The rule's own window is always searched, however small maxCatchup.
	earliest := now.Add(-maxCatchup)
	if normal := now.Add(from); earliest.After(normal) {
		earliest = normal
	}
	if maxCatchup > 0 && start.Before(earliest) {
		p.Gap = &query.Window{From: start, To: earliest.Add(-time.Millisecond)}
		start = earliest
	}
	for hi := end; ; hi = hi.Add(-lookback) {
		lo := hi.Add(-lookback)
		if !lo.After(start) {
			p.Windows = append(p.Windows, query.Window{From: start, To: hi})
			break
		}
		p.Windows = append(p.Windows, query.Window{From: lo, To: hi})
	}
	for i, j := 0, len(p.Windows)-1; i < j; i, j = i+1, j-1 {
		p.Windows[i], p.Windows[j] = p.Windows[j], p.Windows[i]
	}
	return p
}
