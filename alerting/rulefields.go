package alerting

import (
	"github.com/eqlrunner/eqlrunner/rules"
)

// Kibana's constants for the EQL rule type.
const (
	ruleCategory = "Event Correlation Rule"
	ruleTypeID   = "siem.eqlRule"
	producer     = "siem"
)

// ruleFields is the rule snapshot every signal of a run carries: Kibana's
// kibana.alert.rule.* keys, with kibana.alert.rule.parameters holding the
// rule's parameters in snake_case as Kibana stores them.
func ruleFields(r *rules.Rule, run Run, now string) map[string]any {
	executionType := "scheduled"
	if run.Manual {
		executionType = "manual"
	}
	f := map[string]any{
		"kibana.alert.rule.actions":             []any{},
		"kibana.alert.rule.author":              orEmpty(r.Author),
		"kibana.alert.rule.category":            ruleCategory,
		"kibana.alert.rule.consumer":            producer,
		"kibana.alert.rule.description":         r.Description,
		"kibana.alert.rule.enabled":             r.Enabled,
		"kibana.alert.rule.exceptions_list":     orEmpty(r.ExceptionsList),
		"kibana.alert.rule.execution.timestamp": now,
		"kibana.alert.rule.execution.type":      executionType,
		"kibana.alert.rule.execution.uuid":      run.ExecutionID,
		"kibana.alert.rule.false_positives":     orEmpty(r.FalsePositives),
		"kibana.alert.rule.from":                r.From,
		"kibana.alert.rule.immutable":           r.Immutable,
		"kibana.alert.rule.indices":             orEmpty(r.Index),
		"kibana.alert.rule.interval":            r.Interval,
		"kibana.alert.rule.license":             r.License,
		"kibana.alert.rule.max_signals":         r.MaxSignals,
		"kibana.alert.rule.name":                r.Name,
		"kibana.alert.rule.parameters":          parameters(r),
		"kibana.alert.rule.producer":            producer,
		"kibana.alert.rule.references":          orEmpty(r.References),
		"kibana.alert.rule.revision":            r.Revision,
		"kibana.alert.rule.risk_score":          r.RiskScore,
		"kibana.alert.rule.risk_score_mapping":  []any{},
		"kibana.alert.rule.rule_id":             r.RuleID,
		"kibana.alert.rule.rule_type_id":        ruleTypeID,
		"kibana.alert.rule.severity":            r.Severity,
		"kibana.alert.rule.severity_mapping":    []any{},
		"kibana.alert.rule.tags":                orEmpty(r.Tags),
		"kibana.alert.rule.threat":              orEmpty(r.Threat),
		"kibana.alert.rule.to":                  r.To,
		"kibana.alert.rule.type":                r.Type,
		"kibana.alert.rule.uuid":                r.UUID,
		"kibana.alert.rule.version":             r.Version,
	}
	setIf(f, "kibana.alert.rule.note", r.Note)
	setIf(f, "kibana.alert.rule.timestamp_override", r.TimestampOverride)
	setIf(f, "kibana.alert.rule.building_block_type", r.BuildingBlockType)
	if !r.CreatedAt.IsZero() {
		f["kibana.alert.rule.created_at"] = formatTime(r.CreatedAt)
	}
	if !r.UpdatedAt.IsZero() {
		f["kibana.alert.rule.updated_at"] = formatTime(r.UpdatedAt)
	}
	return f
}

// parameters is the rule as Kibana's rule API writes it, less what only
// Kibana knows (output_index, rule_source, related integrations).
func parameters(r *rules.Rule) map[string]any {
	p := map[string]any{
		"author":             orEmpty(r.Author),
		"description":        r.Description,
		"exceptions_list":    orEmpty(r.ExceptionsList),
		"false_positives":    orEmpty(r.FalsePositives),
		"filters":            orEmpty(r.Filters),
		"from":               r.From,
		"immutable":          r.Immutable,
		"index":              orEmpty(r.Index),
		"language":           r.Language,
		"license":            r.License,
		"max_signals":        r.MaxSignals,
		"query":              r.Query,
		"references":         orEmpty(r.References),
		"risk_score":         r.RiskScore,
		"risk_score_mapping": []any{},
		"rule_id":            r.RuleID,
		"severity":           r.Severity,
		"severity_mapping":   []any{},
		"threat":             orEmpty(r.Threat),
		"to":                 r.To,
		"type":               r.Type,
		"version":            r.Version,
	}
	if r.Language == "" {
		p["language"] = "eql"
	}
	setIf(p, "note", r.Note)
	setIf(p, "setup", r.Setup)
	setIf(p, "building_block_type", r.BuildingBlockType)
	setIf(p, "timestamp_override", r.TimestampOverride)
	setIf(p, "timestamp_field", r.TimestampField)
	setIf(p, "event_category_override", r.EventCategoryOverride)
	setIf(p, "tiebreaker_field", r.TiebreakerField)
	if r.TimestampOverrideFallbackDisabled {
		p["timestamp_override_fallback_disabled"] = true
	}
	if r.InvestigationFields != nil {
		p["investigation_fields"] = r.InvestigationFields
	}
	return p
}

// orEmpty makes a nil list an empty one, so that it is written as [] the way
// Kibana writes rule arrays, rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// setIf sets key only to a non-empty value: Kibana leaves unset params out
// of the document rather than writing null.
func setIf(m map[string]any, key, value string) {
	if value != "" {
		m[key] = value
	}
}
