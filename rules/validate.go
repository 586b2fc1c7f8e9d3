package rules

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// MaxSignalsLimit is Kibana's alerting limit on alerts per run
// (xpack.alerting.rules.run.alerts.max).
const MaxSignalsLimit = 1000

// severityBands are the risk score ranges Elastic's own rule tests hold each
// severity to.
var severityBands = map[string][2]int{
	"low":      {0, 21},
	"medium":   {22, 47},
	"high":     {48, 73},
	"critical": {74, 100},
}

var (
	tacticID       = regexp.MustCompile(`^TA\d{4}$`)
	techniqueID    = regexp.MustCompile(`^T\d{4}$`)
	subtechniqueID = regexp.MustCompile(`^T\d{4}\.\d{3}$`)
)

const attackFramework = "MITRE ATT&CK"

// validate checks one decoded rule on its own; what needs the whole load
// (duplicate rule_ids) or the EQL parser is checked by the loader.
func validate(r *Rule) []Problem {
	var ps []Problem
	add := func(warning bool, field, format string, args ...any) {
		ps = append(ps, Problem{Pos: r.Position(field), Field: field, Message: fmt.Sprintf(format, args...), Warning: warning})
	}
	errorf := func(field, format string, args ...any) { add(false, field, format, args...) }
	warnf := func(field, format string, args ...any) { add(true, field, format, args...) }

	switch r.Type {
	case "eql":
	case "":
		errorf("type", "required")
		return ps
	default:
		errorf("type", "unsupported rule type %q: eqlrunner runs EQL rules only", r.Type)
		ps[len(ps)-1].Unsupported = true
		return ps
	}
	if r.Language != "" && r.Language != "eql" {
		errorf("language", "an eql rule must have language \"eql\", not %q", r.Language)
	}
	for _, f := range []struct{ name, value string }{
		{"rule_id", r.RuleID}, {"name", r.Name}, {"description", r.Description}, {"query", r.Query},
	} {
		if strings.TrimSpace(f.value) == "" {
			errorf(f.name, "required")
		}
	}
	if len(r.Index) == 0 {
		errorf("index", "required: at least one index pattern")
	}
	for i, ix := range r.Index {
		if strings.TrimSpace(ix) == "" {
			errorf(fmt.Sprintf("index[%d]", i), "empty index pattern")
		}
	}

	from, fromErr := ParseDateMath(r.From)
	if fromErr != nil {
		errorf("from", "%v", fromErr)
	}
	to, toErr := ParseDateMath(r.To)
	if toErr != nil {
		errorf("to", "%v", toErr)
	}
	interval, intervalErr := ParseInterval(r.Interval)
	if intervalErr != nil {
		errorf("interval", "%v", intervalErr)
	}
	if fromErr == nil && toErr == nil {
		switch lookback := to - from; {
		case lookback <= 0:
			errorf("from", "from %q is not before to %q", r.From, r.To)
		case intervalErr == nil && lookback < interval:
			warnf("from", "lookback %s (to − from) is shorter than the interval %s: runs will leave gaps",
				shortDuration(lookback), shortDuration(interval))
		}
	}

	if r.MaxSignals < 1 || r.MaxSignals > MaxSignalsLimit {
		errorf("max_signals", "%d is outside 1..%d", r.MaxSignals, MaxSignalsLimit)
	}
	switch {
	case r.RiskScore == riskScoreUnset:
		errorf("risk_score", "required")
	case r.RiskScore < 0 || r.RiskScore > 100:
		errorf("risk_score", "%d is outside 0..100", r.RiskScore)
	}
	if r.Severity == "" {
		errorf("severity", "required")
	} else if band, ok := severityBands[r.Severity]; !ok {
		errorf("severity", "%q is not one of low, medium, high, critical", r.Severity)
	} else if r.RiskScore >= 0 && r.RiskScore <= 100 && (r.RiskScore < band[0] || r.RiskScore > band[1]) {
		warnf("risk_score", "%d is outside the %s band %d–%d", r.RiskScore, r.Severity, band[0], band[1])
	}
	if r.Version < 0 {
		errorf("version", "%d is not a positive version", r.Version)
	}
	if r.BuildingBlockType != "" && r.BuildingBlockType != "default" {
		errorf("building_block_type", "%q is not \"default\"", r.BuildingBlockType)
	}
	validateThreat(r, errorf)
	return ps
}

func validateThreat(r *Rule, errorf func(field, format string, args ...any)) {
	for i, t := range r.Threat {
		path := fmt.Sprintf("threat[%d]", i)
		if t.Framework == "" {
			errorf(path+".framework", "required")
		}
		if t.Tactic.ID == "" {
			errorf(path+".tactic.id", "required")
		}
		// Other frameworks (MITRE ATLAS) have ids of their own shape.
		if t.Framework != attackFramework {
			continue
		}
		if t.Tactic.ID != "" && !tacticID.MatchString(t.Tactic.ID) {
			errorf(path+".tactic.id", "%q is not an ATT&CK tactic id (TA####)", t.Tactic.ID)
		}
		for j, tech := range t.Technique {
			tpath := fmt.Sprintf("%s.technique[%d]", path, j)
			if !techniqueID.MatchString(tech.ID) {
				errorf(tpath+".id", "%q is not an ATT&CK technique id (T####)", tech.ID)
			}
			for k, sub := range tech.Subtechnique {
				spath := fmt.Sprintf("%s.subtechnique[%d]", tpath, k)
				if !subtechniqueID.MatchString(sub.ID) {
					errorf(spath+".id", "%q is not an ATT&CK subtechnique id (T####.###)", sub.ID)
				} else if !strings.HasPrefix(sub.ID, tech.ID+".") {
					errorf(spath+".id", "%q is not a subtechnique of %s", sub.ID, tech.ID)
				}
			}
		}
	}
}

// shortDuration writes a duration the way rules do: 4m, 90s as 1m30s, 2h.
func shortDuration(d time.Duration) string {
	if d <= 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		unit time.Duration
		name string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.unit; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.name)
			d -= n * u.unit
		}
	}
	if b.Len() == 0 {
		return d.String()
	}
	return b.String()
}
