package eql

import (
	"context"
	"testing"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
	"github.com/eqlrunner/eqlrunner/rules"
)

// TestDetectionRulesCompile parses, checks and compiles the query of every
// EQL rule of Elastic's detection-rules repository: none may have an error.
func TestDetectionRulesCompile(t *testing.T) {
	dir := sharedcorpus.Path(t, "corpus", "detection-rules")
	checker := func(query string) []rules.QueryError {
		var out []rules.QueryError
		for _, e := range Validate(query) {
			out = append(out, rules.QueryError{Offset: e.Pos.Offset, Message: e.Msg})
		}
		return out
	}
	res := rules.Load(context.Background(), rules.LoadOptions{CheckQuery: checker}, dir)
	for _, p := range res.Problems {
		if p.Field == "query" {
			t.Errorf("%s", p)
		}
	}
	compiled := 0
	for _, r := range res.Rules {
		if _, err := Compile(r.Query, Options{}); err != nil {
			t.Errorf("%s: %v", r.Source.Path, err)
			continue
		}
		compiled++
	}
	t.Logf("%d EQL rules parsed, checked and compiled with no error", compiled)
	if compiled != 1081 {
		t.Errorf("compiled %d rules, want 1081", compiled)
	}
}

// loadRules returns the query of every EQL rule under dir.
func loadRules(t *testing.T, dir string) []string {
	t.Helper()
	res := rules.Load(context.Background(), rules.LoadOptions{}, dir)
	var out []string
	for _, r := range res.Rules {
		out = append(out, r.Query)
	}
	return out
}
