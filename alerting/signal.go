package alerting

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/rules"
)

// DefaultSpace is the Kibana space signals belong to unless told otherwise.
const DefaultSpace = "default"

// IndexName is the signals index of a space: eqlrunner-signals-<space>.
// It deliberately avoids Kibana's reserved .alerts-* names and any leading dot.
func IndexName(space string) string { return "eqlrunner-signals-" + space }

// Signal is one alert document ready to be written: ID is both the document
// _id and its kibana.alert.uuid.
type Signal struct {
	ID     string
	Source map[string]any
	// BuildingBlock is set on the member signals of a sequence; Kibana keeps
	// them out of notifications and the default alerts table.
	BuildingBlock bool
}

// SignalID is the deterministic _id of the signal a rule raises on one event:
//
//	lowercase hex SHA-256( _index + _id + "undefined" + space + ":" + rule_id )
//
// It is Kibana's generateId with the rule_id in the place of the rule's
// saved-object id ("undefined" is what Kibana hashes for the _version EQL
// hits never carry). The same event, rule and space always give the same id,
// whatever the run, window or rule version, so overlapping windows, retries
// and replicas cannot write a signal twice.
func SignalID(index, id, space, ruleID string) string {
	return sha256Hex(index + id + "undefined" + space + ":" + ruleID)
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Run describes the rule run signals are built in.
type Run struct {
	Space       string    // Kibana space; DefaultSpace when empty.
	ExecutionID string    // kibana.alert.rule.execution.uuid.
	Now         time.Time // When the signals are built: their @timestamp.
	// Manual marks a run over a past window asked for by hand (a backfill),
	// recorded as kibana.alert.rule.execution.type "manual".
	Manual bool
}

// Builder turns a rule's search hits into signal documents. The rule's own
// fields are computed once; building is a pure function of the rule, the
// run and the hit.
type Builder struct {
	rule       *rules.Rule
	run        Run
	now        string
	ruleFields map[string]any
}

// NewBuilder prepares the signals of one run of a rule.
func NewBuilder(r *rules.Rule, run Run) *Builder {
	if run.Space == "" {
		run.Space = DefaultSpace
	}
	b := &Builder{rule: r, run: run, now: formatTime(run.Now)}
	b.ruleFields = ruleFields(r, run, b.now)
	return b
}

func formatTime(t time.Time) string { return query.FormatTime(t) }

func errorf(format string, args ...any) error {
	return fmt.Errorf("build signal: "+format, args...)
}
