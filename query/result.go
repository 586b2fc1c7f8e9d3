package query

import "encoding/json"

// Event is one hit of an EQL search, as Elasticsearch's _eql/search returns
// it in hits.events or inside a sequence. EQL hits carry no _version.
type Event struct {
	Index  string                       `json:"_index"`
	ID     string                       `json:"_id"`
	Source json.RawMessage              `json:"_source,omitempty"`
	Fields map[string][]json.RawMessage `json:"fields,omitempty"`
	// Missing marks the placeholder of a missing event (![...]) in a
	// sequence; it has no _source.
	Missing bool `json:"missing,omitempty"`
}

// Sequence is one hit of a sequence or sample query: its join keys and its
// events in order.
type Sequence struct {
	JoinKeys []json.RawMessage `json:"join_keys,omitempty"`
	Events   []Event           `json:"events"`
}
