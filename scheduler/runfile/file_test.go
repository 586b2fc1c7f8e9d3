package runfile

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/scheduler"
)

func TestCheckpointsAreReadBackAfterARestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "eqlrunner-runs-default.ndjson")
	ctx := context.Background()
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range []scheduler.RunRecord{
		{RuleID: "a", Checkpoint: t0, Status: scheduler.StatusSucceeded},
		{RuleID: "a", Checkpoint: t0.Add(5 * time.Minute), Status: scheduler.StatusSucceeded},
		{RuleID: "a", Checkpoint: t0.Add(5 * time.Minute), Status: scheduler.StatusFailed},
		{RuleID: "b", Checkpoint: t0.Add(time.Minute), Status: scheduler.StatusPartial},
	} {
		if err := f.Record(ctx, rec); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	// A crash in the middle of the next record.
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = fh.WriteString(`{"rule_id":"a","checkpoint":"2027-`)
	fh.Close()

	f, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cps, _ := f.Checkpoints(ctx)
	if !cps["a"].Equal(t0.Add(5*time.Minute)) || !cps["b"].Equal(t0.Add(time.Minute)) || len(cps) != 2 {
		t.Errorf("checkpoints %v", cps)
	}
}
