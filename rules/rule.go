package rules

import (
	"encoding/json"
	"time"
)

// Rule is one detection rule as Elastic describes it: the union of what a
// detection-rules TOML file and a Kibana rule export carry, with Kibana's
// defaults applied. Field names follow Kibana's snake_case API names.
type Rule struct {
	RuleID      string
	UUID        string // Kibana's saved-object id when the rule came from an export, else RuleID.
	Name        string
	Description string
	Type        string
	Language    string
	Query       string
	Index       []string

	From     string // Date math, "now-9m".
	To       string // Date math, "now".
	Interval string // Duration, "5m".

	MaxSignals int
	RiskScore  int
	Severity   string
	Version    int
	Revision   int

	Author         []string
	License        string
	References     []string
	FalsePositives []string
	Tags           []string
	Note           string
	Setup          string

	TimestampOverride                 string
	TimestampOverrideFallbackDisabled bool
	TimestampField                    string
	EventCategoryOverride             string
	TiebreakerField                   string

	Threat              []Threat
	BuildingBlockType   string
	Enabled             bool
	Immutable           bool
	Filters             []map[string]any
	ExceptionsList      []ExceptionListRef
	InvestigationFields *InvestigationFields

	// CreatedAt and UpdatedAt come from an export, or from the TOML metadata
	// dates; zero when neither says.
	CreatedAt time.Time
	UpdatedAt time.Time

	Metadata Metadata

	// Source says where the rule was read from.
	Source Source

	// fieldLines maps a field path ("risk_score", "threat[1].tactic.id") to
	// the line it was written on, for positioned problems.
	fieldLines map[string]int
	// queryPos locates the query text inside the file, so that EQL errors
	// can name a file line and column.
	queryPos textPos
}

// Defaults Kibana applies to a rule that does not set them.
const (
	DefaultFrom       = "now-6m"
	DefaultTo         = "now"
	DefaultInterval   = "5m"
	DefaultMaxSignals = 100
	DefaultVersion    = 1
)

// Source is where a rule came from.
type Source struct {
	Path string
	Line int // Line the rule starts on: 1 for TOML, the record's line for NDJSON.
}

// Metadata is the [metadata] block of a detection-rules TOML file.
type Metadata struct {
	CreationDate string
	UpdatedDate  string
	Maturity     string
	Integration  []string
}

// Threat is one MITRE ATT&CK (or other framework) mapping, in Kibana's shape.
type Threat struct {
	Framework string      `json:"framework"`
	Tactic    ThreatEntry `json:"tactic"`
	Technique []Technique `json:"technique"`
}

// ThreatEntry is an id, name and reference: a tactic or a subtechnique.
type ThreatEntry struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Reference string `json:"reference"`
}

// Technique is an ATT&CK technique with its optional subtechniques.
type Technique struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Reference    string        `json:"reference"`
	Subtechnique []ThreatEntry `json:"subtechnique"`
}

// MarshalJSON writes the threat as the rule declared it: a nil technique list
// (the rule had none) is left out, an empty one is kept, so that
// kibana.alert.rule.threat is the rule's array unchanged.
func (t Threat) MarshalJSON() ([]byte, error) {
	if t.Technique == nil {
		return json.Marshal(struct {
			Framework string      `json:"framework"`
			Tactic    ThreatEntry `json:"tactic"`
		}{t.Framework, t.Tactic})
	}
	type plain Threat
	return json.Marshal(plain(t))
}

// MarshalJSON leaves out a nil subtechnique list and keeps an empty one, as
// Threat.MarshalJSON does for techniques.
func (t Technique) MarshalJSON() ([]byte, error) {
	if t.Subtechnique == nil {
		return json.Marshal(struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			Reference string `json:"reference"`
		}{t.ID, t.Name, t.Reference})
	}
	type plain Technique
	return json.Marshal(plain(t))
}

// ExceptionListRef points at a Kibana exception list; the items themselves
// live in Kibana.
type ExceptionListRef struct {
	ID            string `json:"id"`
	ListID        string `json:"list_id"`
	Type          string `json:"type"`
	NamespaceType string `json:"namespace_type"`
}

// InvestigationFields lists the fields Kibana highlights on an alert.
type InvestigationFields struct {
	FieldNames []string `json:"field_names"`
}

// Lookback is the width of every scheduled search window: to − from.
func (r *Rule) Lookback() time.Duration {
	from, err1 := ParseDateMath(r.From)
	to, err2 := ParseDateMath(r.To)
	if err1 != nil || err2 != nil {
		return 0
	}
	return to - from
}

// IntervalDuration is the rule's schedule; zero when the interval is invalid
// (validation reports that).
func (r *Rule) IntervalDuration() time.Duration {
	d, err := ParseInterval(r.Interval)
	if err != nil {
		return 0
	}
	return d
}

// Position returns the line a field was written on, falling back to the
// nearest enclosing field and then to the rule's own line.
func (r *Rule) Position(field string) Position {
	line := r.Source.Line
	for f := field; f != ""; f = parentField(f) {
		if l, ok := r.fieldLines[f]; ok {
			line = l
			break
		}
	}
	return Position{Path: r.Source.Path, Line: line}
}

// parentField strips the last segment of a field path:
// "threat[1].tactic.id" → "threat[1].tactic" → "threat[1]" → "threat".
func parentField(f string) string {
	for i := len(f) - 1; i >= 0; i-- {
		switch f[i] {
		case '.':
			return f[:i]
		case '[':
			return f[:i]
		}
	}
	return ""
}
