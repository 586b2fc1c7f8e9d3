// Package seedrule gives tests the built-in rule, Elastic's "Unusual
// Executable File Creation by a System Critical Process".
package seedrule

import (
	"testing"

	"github.com/eqlrunner/eqlrunner/rules"
)

// Rule loads the built-in rule, failing the test if it does not load
// cleanly.
func Rule(tb testing.TB) *rules.Rule {
	tb.Helper()
	res := rules.Builtin(rules.LoadOptions{})
	if len(res.Rules) != 1 || len(res.Problems) != 0 {
		tb.Fatalf("built-in rules: %d rules, problems %v", len(res.Rules), res.Problems)
	}
	return res.Rules[0]
}
