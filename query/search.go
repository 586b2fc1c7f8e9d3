package query

import (
	"context"
	"encoding/json"
	"time"

	"github.com/eqlrunner/eqlrunner/rules"
)

// Window is a closed time range [From, To]: both bounds are searched, as
// Kibana's range filter has them.
type Window struct {
	From, To time.Time
}

// Request is one EQL search: a rule's query over one time window.
type Request struct {
	Rule   *rules.Rule
	Window Window
	// Size is how many events or sequences the search returns at most;
	// the rule's max_signals.
	Size int
	// Exclude leaves these events out of the search. It pages through more
	// matches than Size that share one millisecond, where the window cannot
	// be split any further.
	Exclude []EventRef
}

// EventRef names an event: its concrete index and _id.
type EventRef struct {
	Index, ID string
}

// Response is what one search found.
type Response struct {
	Events    []Event
	Sequences []Sequence
	// ShardFailures are the raw shard failures of a partial result.
	ShardFailures []json.RawMessage
	// NoIndices reports that no index matched the rule's patterns (an
	// Elasticsearch EQL search answers that with index_not_found even with
	// allow_no_indices): nothing to search, which is not an error.
	NoIndices bool
}

// Len is the number of hits: events or sequences.
func (r *Response) Len() int { return len(r.Events) + len(r.Sequences) }

// Searcher runs EQL searches: Elasticsearch, or the embedded engine.
type Searcher interface {
	Search(ctx context.Context, req Request) (*Response, error)
}

// RangeField is the field a rule's time window applies to: its
// timestamp_override, else @timestamp. Fallback reports whether documents
// lacking the override are judged by @timestamp instead, as Kibana does
// unless timestamp_override_fallback_disabled is set.
func RangeField(r *rules.Rule) (field string, fallback bool) {
	if r.TimestampOverride == "" || r.TimestampOverride == "@timestamp" {
		return "@timestamp", false
	}
	return r.TimestampOverride, !r.TimestampOverrideFallbackDisabled
}
