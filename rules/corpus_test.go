package rules

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
)

// TestDetectionRulesCorpusLoads loads every TOML file of Elastic's
// detection-rules repository: each EQL rule must load and validate, and each
// rule of another type must be rejected by its type name.
func TestDetectionRulesCorpusLoads(t *testing.T) {
	dir := sharedcorpus.Path(t, "corpus", "detection-rules")
	res := Load(context.Background(), LoadOptions{}, dir)

	unsupported := regexp.MustCompile(`^unsupported rule type "([a-z_]+)"`)
	rejected := map[string]int{}
	var other []Problem
	warnings := 0
	for _, p := range res.Problems {
		switch m := unsupported.FindStringSubmatch(p.Message); {
		case p.Warning:
			warnings++
			t.Logf("warning: %s", p)
		case m != nil && p.Field == "type":
			rejected[m[1]]++
		default:
			other = append(other, p)
		}
	}
	for _, p := range other {
		t.Errorf("unexpected problem: %s", p)
	}
	total := 0
	for _, n := range rejected {
		total += n
	}
	t.Logf("%d EQL rules loaded, %d rules of other types rejected by name %v, %d warnings",
		len(res.Rules), total, rejected, warnings)
	if len(res.Rules) != 1081 {
		t.Errorf("loaded %d EQL rules, want 1081", len(res.Rules))
	}
	if len(res.Rules)+total != 2192 {
		t.Errorf("loaded + rejected = %d, want all 2192 files", len(res.Rules)+total)
	}
	lock, err := ReadVersionLock(context.Background(), filepath.Join(dir, "version.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rules {
		if want, ok := lock[r.RuleID]; ok && r.Version != want {
			t.Errorf("%s: version %d, want %d from version.lock.json", r.Source.Path, r.Version, want)
		}
		if !strings.HasPrefix(r.Source.Path, filepath.Clean(dir)) {
			t.Errorf("rule source %q is outside the corpus", r.Source.Path)
		}
	}
}
