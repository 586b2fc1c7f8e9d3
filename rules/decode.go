package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// decoder turns a rule object (the [rule] table of a TOML file, or one line
// of a Kibana export) into a Rule, recording a problem for every field of
// the wrong type rather than stopping at the first.
type decoder struct {
	m        map[string]any
	rule     *Rule
	prefix   string // Path of m inside the rule: "threat[0].tactic".
	problems *[]Problem
}

// sub returns a decoder for a nested object at path, sharing the problems.
func (d *decoder) sub(m map[string]any, path string) *decoder {
	return &decoder{m: m, rule: d.rule, prefix: path, problems: d.problems}
}

func (d *decoder) path(field string) string {
	if d.prefix == "" {
		return field
	}
	return d.prefix + "." + field
}

func (d *decoder) fail(field, format string, args ...any) {
	p := d.path(field)
	*d.problems = append(*d.problems, Problem{
		Pos:     d.rule.Position(p),
		Field:   p,
		Message: fmt.Sprintf(format, args...),
	})
}

// decodeRule fills r from m. Keys it does not know are ignored: rule
// formats grow, and a newer field must not make a rule unusable.
func decodeRule(m map[string]any, r *Rule) []Problem {
	var problems []Problem
	d := &decoder{m: m, rule: r, problems: &problems}
	r.RuleID = d.str("rule_id")
	r.UUID = d.str("id")
	r.Name = d.str("name")
	r.Description = d.str("description")
	r.Type = d.str("type")
	r.Language = d.str("language")
	r.Query = d.str("query")
	r.Index = d.strList("index", false)
	r.From = d.strOr("from", DefaultFrom)
	r.To = d.strOr("to", DefaultTo)
	r.Interval = d.strOr("interval", DefaultInterval)
	r.MaxSignals = d.intOr("max_signals", DefaultMaxSignals)
	r.RiskScore = d.intOr("risk_score", riskScoreUnset)
	r.Severity = d.str("severity")
	r.Version = d.intOr("version", 0)
	r.Revision = d.intOr("revision", 0)
	r.Author = d.strList("author", false)
	r.License = d.str("license")
	r.References = d.strList("references", false)
	r.FalsePositives = d.strList("false_positives", false)
	r.Tags = d.strList("tags", false)
	r.Note = d.str("note")
	r.Setup = d.str("setup")
	r.TimestampOverride = d.str("timestamp_override")
	r.TimestampOverrideFallbackDisabled = d.boolOr("timestamp_override_fallback_disabled", false)
	r.TimestampField = d.str("timestamp_field")
	r.EventCategoryOverride = d.str("event_category_override")
	r.TiebreakerField = d.str("tiebreaker_field")
	r.BuildingBlockType = d.str("building_block_type")
	r.Enabled = d.boolOr("enabled", true)
	r.Immutable = d.boolOr("immutable", false)
	r.CreatedAt = d.timestamp("created_at")
	r.UpdatedAt = d.timestamp("updated_at")
	r.Threat = d.threats("threat")
	r.Filters = d.objects("filters")
	r.ExceptionsList = d.exceptionLists("exceptions_list")
	r.InvestigationFields = d.investigationFields("investigation_fields")
	if _, ok := m["data_view_id"]; ok && len(r.Index) == 0 {
		d.fail("data_view_id", "data views are not supported: list the index patterns in index")
	}
	return problems
}

// riskScoreUnset marks a rule that gives no risk_score. It lies outside the
// int32 range wholeNumber accepts, so no written value can collide with it
// (-1 did: risk_score = -1 was reported as missing).
const riskScoreUnset = math.MinInt

func (d *decoder) str(field string) string { return d.strOr(field, "") }

func (d *decoder) strOr(field, def string) string {
	v, ok := d.m[field]
	if !ok || v == nil {
		return def
	}
	s, ok := v.(string)
	if !ok {
		d.fail(field, "want a string, got %s", kindOf(v))
		return def
	}
	return s
}

// strList reads an array of strings; with one set, a lone string is taken as
// a list of one (detection-rules metadata writes integration both ways).
func (d *decoder) strList(field string, one bool) []string {
	v, ok := d.m[field]
	if !ok || v == nil {
		return nil
	}
	return stringList(v, one, func(format string, args ...any) { d.fail(field, format, args...) })
}

func stringList(v any, one bool, fail func(string, ...any)) []string {
	if s, ok := v.(string); ok && one {
		return []string{s}
	}
	items, ok := v.([]any)
	if !ok {
		fail("want an array of strings, got %s", kindOf(v))
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			fail("item %d: want a string, got %s", i, kindOf(it))
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) intOr(field string, def int) int {
	v, ok := d.m[field]
	if !ok || v == nil {
		return def
	}
	n, err := wholeNumber(v)
	if err != nil {
		d.fail(field, "%v", err)
		return def
	}
	return n
}

func wholeNumber(v any) (int, error) {
	var f float64
	switch n := v.(type) {
	case int64:
		if n > math.MaxInt32 || n < math.MinInt32 {
			return 0, fmt.Errorf("%d is out of range", n)
		}
		return int(n), nil
	case float64:
		f = n
	case json.Number:
		if i, err := strconv.ParseInt(string(n), 10, 32); err == nil {
			return int(i), nil
		}
		var err error
		if f, err = n.Float64(); err != nil {
			return 0, fmt.Errorf("%s is out of range", n)
		}
	default:
		return 0, fmt.Errorf("want a number, got %s", kindOf(v))
	}
	if f != math.Trunc(f) || f > math.MaxInt32 || f < math.MinInt32 {
		return 0, fmt.Errorf("want a whole number, got %v", f)
	}
	return int(f), nil
}

func (d *decoder) boolOr(field string, def bool) bool {
	v, ok := d.m[field]
	if !ok || v == nil {
		return def
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(field, "want true or false, got %s", kindOf(v))
		return def
	}
	return b
}

func (d *decoder) timestamp(field string) time.Time {
	s := d.str(field)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		d.fail(field, "want an RFC 3339 time, got %q", s)
		return time.Time{}
	}
	return t.UTC()
}

func (d *decoder) objects(field string) []map[string]any {
	v, ok := d.m[field]
	if !ok || v == nil {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		d.fail(field, "want an array of objects, got %s", kindOf(v))
		return nil
	}
	out := make([]map[string]any, 0, len(items))
	for i, it := range items {
		o, ok := it.(map[string]any)
		if !ok {
			d.fail(fmt.Sprintf("%s[%d]", field, i), "want an object, got %s", kindOf(it))
			continue
		}
		out = append(out, o)
	}
	return out
}

func (d *decoder) threats(field string) []Threat {
	objs := d.objects(field)
	if objs == nil {
		return nil
	}
	out := make([]Threat, 0, len(objs))
	for i, o := range objs {
		td := d.sub(o, fmt.Sprintf("%s[%d]", d.path(field), i))
		t := Threat{Framework: td.str("framework"), Tactic: td.entry("tactic")}
		if techs := td.objects("technique"); techs != nil {
			t.Technique = make([]Technique, 0, len(techs))
			for j, to := range techs {
				ted := td.sub(to, fmt.Sprintf("%s[%d]", td.path("technique"), j))
				tech := Technique{ID: ted.str("id"), Name: ted.str("name"), Reference: ted.str("reference")}
				if subs := ted.objects("subtechnique"); subs != nil {
					tech.Subtechnique = make([]ThreatEntry, 0, len(subs))
					for k, so := range subs {
						sd := ted.sub(so, fmt.Sprintf("%s[%d]", ted.path("subtechnique"), k))
						tech.Subtechnique = append(tech.Subtechnique, sd.entryHere())
					}
				}
				t.Technique = append(t.Technique, tech)
			}
		}
		out = append(out, t)
	}
	return out
}

// entry reads the {id, name, reference} object at field.
func (d *decoder) entry(field string) ThreatEntry {
	v, ok := d.m[field]
	if !ok || v == nil {
		return ThreatEntry{}
	}
	o, ok := v.(map[string]any)
	if !ok {
		d.fail(field, "want an object, got %s", kindOf(v))
		return ThreatEntry{}
	}
	return d.sub(o, d.path(field)).entryHere()
}

func (d *decoder) entryHere() ThreatEntry {
	return ThreatEntry{ID: d.str("id"), Name: d.str("name"), Reference: d.str("reference")}
}

func (d *decoder) exceptionLists(field string) []ExceptionListRef {
	objs := d.objects(field)
	if objs == nil {
		return nil
	}
	out := make([]ExceptionListRef, 0, len(objs))
	for i, o := range objs {
		ed := d.sub(o, fmt.Sprintf("%s[%d]", d.path(field), i))
		out = append(out, ExceptionListRef{
			ID:            ed.str("id"),
			ListID:        ed.str("list_id"),
			Type:          ed.str("type"),
			NamespaceType: ed.str("namespace_type"),
		})
	}
	return out
}

func (d *decoder) investigationFields(field string) *InvestigationFields {
	v, ok := d.m[field]
	if !ok || v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		d.fail(field, "want an object, got %s", kindOf(v))
		return nil
	}
	return &InvestigationFields{FieldNames: d.sub(o, d.path(field)).strList("field_names", false)}
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64, json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case nil:
		return "null"
	default:
		return fmt.Sprintf("a %T", v)
	}
}
