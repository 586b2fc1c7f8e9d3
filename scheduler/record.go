package scheduler

import (
	"context"
	"time"
)

// RunsIndexName is where a space's run history is kept:
// eqlrunner-runs-<space>, as an Elasticsearch index or a local file.
func RunsIndexName(space string) string { return "eqlrunner-runs-" + space }

// Run statuses.
const (
	StatusSucceeded = "succeeded"
	StatusPartial   = "partial" // Signals written, with warnings: a backlog, a gap, shard failures.
	StatusFailed    = "failed"  // Nothing of the run may be taken as done; the checkpoint stays.
)

// RunRecord is the history of one run of a rule: its run document.
type RunRecord struct {
	Timestamp   time.Time `json:"@timestamp"`
	ExecutionID string    `json:"execution_id"`
	RuleID      string    `json:"rule_id"`
	RuleName    string    `json:"rule_name"`
	RuleVersion int       `json:"rule_version"`
	Space       string    `json:"space"`
	Window      Span      `json:"window"`
	// Checkpoint is where the rule's next run continues from: every match
	// before it is signalled. A failed run carries the checkpoint it started
	// from, so the latest record of a rule always holds its checkpoint.
	Checkpoint time.Time `json:"checkpoint"`
	Status     string    `json:"status"`
	Hits       int       `json:"hits"`
	New        int       `json:"new"`
	Duplicates int       `json:"duplicates"`
	Backlog    int       `json:"backlog"`
	Gap        *Gap      `json:"gap,omitempty"`
	Searches   int       `json:"searches"`
	SearchMS   int64     `json:"search_ms"`
	WriteMS    int64     `json:"write_ms"`
	Warnings   []string  `json:"warnings,omitempty"`
	Error      string    `json:"error,omitempty"`
}

// Span is a closed time range.
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Gap is time that was never searched.
type Gap struct {
	Span
	MS int64 `json:"ms"`
}

// State keeps run history: Elasticsearch's runs index, or local files.
type State interface {
	// Checkpoints returns the checkpoint of every rule that has run.
	Checkpoints(ctx context.Context) (map[string]time.Time, error)
	// Record stores a run's record.
	Record(ctx context.Context, rec RunRecord) error
}
