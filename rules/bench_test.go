package rules

import (
	"context"
	"testing"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
)

// BenchmarkLoadDetectionRules loads and validates Elastic's whole
// detection-rules repository (2,192 files): eqlrunner's start-up cost at
// its largest rule set.
func BenchmarkLoadDetectionRules(b *testing.B) {
	dir := sharedcorpus.Path(b, "corpus", "detection-rules")
	b.ReportAllocs()
	for b.Loop() {
		if res := Load(context.Background(), LoadOptions{}, dir); len(res.Rules) != 1081 {
			b.Fatalf("loaded %d rules", len(res.Rules))
		}
	}
}
