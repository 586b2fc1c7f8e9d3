package alerting

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"path/filepath"
	"testing"
)

// BenchmarkEventSignal builds the signal of one Elastic Defend event for the
// built-in rule: what a run pays per match.
func BenchmarkEventSignal(b *testing.B) {
	rule := seedrule.Rule(b)
	ev := readHit(b, filepath.Join("testdata", "hits", "defend.json"))
	builder := NewBuilder(rule, testRun)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := builder.Event(ev); err != nil {
			b.Fatal(err)
		}
	}
}
