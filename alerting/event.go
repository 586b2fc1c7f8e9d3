package alerting

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/eqlrunner/eqlrunner/query"
)

// Ancestor is an entry of kibana.alert.ancestors: the event (or, for a
// sequence's shell signal, the building block) a signal derives from.
type Ancestor struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Index string `json:"index"`
	Depth int    `json:"depth"`
	Rule  string `json:"rule,omitempty"`
}

// Event builds the signal a rule raises on one event, as Kibana builds a
// security alert for an EQL event rule: the event's source (with the
// search's fields values it lacks) at the top level, then the kibana.alert.*
// keys.
func (b *Builder) Event(ev query.Event) (Signal, error) {
	id := SignalID(ev.Index, ev.ID, b.run.Space, b.rule.RuleID)
	doc, err := b.eventDoc(ev)
	if err != nil {
		return Signal{}, err
	}
	doc["kibana.alert.uuid"] = id
	return Signal{ID: id, Source: doc}, nil
}

// eventDoc builds everything of an event's signal but its id.
func (b *Builder) eventDoc(ev query.Event) (map[string]any, error) {
	src, err := decodeJSONObject(ev.Source)
	if err != nil {
		return nil, errorf("event %s/%s: _source: %v", ev.Index, ev.ID, err)
	}
	fields, err := decodeFields(ev.Fields)
	if err != nil {
		return nil, errorf("event %s/%s: %v", ev.Index, ev.ID, err)
	}
	originalTime := eventTime(src, fields)
	mergeMissingFields(src, fields)
	reason := Reason(src, b.rule.Severity, b.rule.Name)

	doc := sanitize(src)
	b.addAlertFields(doc, []Ancestor{{ID: ev.ID, Type: "event", Index: ev.Index, Depth: 0}}, reason)
	if originalTime != "" {
		doc["kibana.alert.original_time"] = originalTime
	}
	return doc, nil
}

// addAlertFields lays the kibana.alert.* keys over a document.
func (b *Builder) addAlertFields(doc map[string]any, ancestors []Ancestor, reason string) {
	maps.Copy(doc, b.ruleFields)
	depth := 0
	for _, a := range ancestors {
		depth = max(depth, a.Depth)
	}
	doc["@timestamp"] = b.now
	doc["event.kind"] = "signal"
	doc["kibana.space_ids"] = []string{b.run.Space}
	doc["kibana.alert.ancestors"] = ancestors
	doc["kibana.alert.depth"] = depth + 1
	doc["kibana.alert.status"] = "active"
	doc["kibana.alert.workflow_status"] = "open"
	doc["kibana.alert.workflow_tags"] = []string{}
	doc["kibana.alert.workflow_assignee_ids"] = []string{}
	doc["kibana.alert.reason"] = reason
	doc["kibana.alert.risk_score"] = b.rule.RiskScore
	doc["kibana.alert.severity"] = b.rule.Severity
	doc["kibana.alert.start"] = b.now
	doc["kibana.alert.last_detected"] = b.now
	doc["kibana.alert.intended_timestamp"] = b.now
	setIf(doc, "kibana.alert.building_block_type", b.rule.BuildingBlockType)
}

func decodeJSONObject(raw json.RawMessage) (map[string]any, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

func decodeFields(raw map[string][]json.RawMessage) (map[string][]any, error) {
	out := make(map[string][]any, len(raw))
	for k, vals := range raw {
		items := make([]any, 0, len(vals))
		for _, v := range vals {
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.UseNumber()
			var x any
			if err := dec.Decode(&x); err != nil {
				return nil, errorf("fields[%q]: %v", k, err)
			}
			items = append(items, x)
		}
		out[k] = items
	}
	return out, nil
}

// mergeMissingFields copies into the source the fields values it lacks
// (runtime fields, constant_keyword values), as Kibana's default
// "missingFields" strategy does. Single values are unboxed from their
// array; what Kibana skips is skipped.
func mergeMissingFields(src map[string]any, fields map[string][]any) {
	keys := slices.Sorted(maps.Keys(fields))
	for _, k := range keys {
		vals := fields[k]
		if len(vals) == 0 || skipField(k, keys) || slices.ContainsFunc(vals, isObject) {
			continue
		}
		if query.Lookup(src, k) != nil || !pathSettable(src, k) {
			continue
		}
		if len(vals) == 1 {
			setPath(src, k, vals[0])
		} else {
			setPath(src, k, vals)
		}
	}
}

// skipField says which fields keys Kibana never merges: _ignored (an EQL
// quirk, elasticsearch#77152), invalid keys, and multi-field sub-keys
// (process.name.text beside process.name).
func skipField(key string, keys []string) bool {
	if key == "_ignored" || strings.HasPrefix(key, ".") || strings.Contains(key, "..") {
		return true
	}
	for _, other := range keys {
		if len(other) < len(key) && strings.HasPrefix(key, other) && key[len(other)] == '.' {
			return true
		}
	}
	return false
}

func isObject(v any) bool { _, ok := v.(map[string]any); return ok }

// sanitize prepares a merged source to become a signal: the source's own
// kibana.*, signal.* and threshold_result.* keys are dropped (a signal must
// not pass for another), event.* and data_stream.* are copied flat to
// kibana.alert.original_event.* and kibana.alert.original_data_stream.*, and
// event.kind is taken out of the event (the signal's is "signal").
func sanitize(src map[string]any) map[string]any {
	doc := make(map[string]any, len(src)+64)
	for k, v := range src {
		switch first, _, _ := strings.Cut(k, "."); first {
		case "kibana", "signal", "threshold_result":
			continue
		case "event":
			flatten("kibana.alert.original_event"+strings.TrimPrefix(k, "event"), v, doc)
		case "data_stream":
			flatten("kibana.alert.original_data_stream"+strings.TrimPrefix(k, "data_stream"), v, doc)
		}
		doc[k] = v
	}
	if ev, ok := doc["event"].(map[string]any); ok {
		if _, has := ev["kind"]; has {
			trimmed := maps.Clone(ev)
			delete(trimmed, "kind")
			if len(trimmed) == 0 {
				delete(doc, "event")
			} else {
				doc["event"] = trimmed
			}
		}
	}
	return doc
}

// eventTime is kibana.alert.original_time: the event's @timestamp, from the
// search's fields when there, normalised to UTC with milliseconds. It is
// empty when the event has no valid @timestamp.
func eventTime(src map[string]any, fields map[string][]any) string {
	var v any
	if vals := fields["@timestamp"]; len(vals) > 0 {
		v = vals[0]
	} else {
		v = src["@timestamp"]
	}
	t, ok := query.ParseTimestamp(v)
	if !ok {
		return ""
	}
	return formatTime(t)
}
