package signalfile

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlrunner/eqlrunner/alerting"
)

func sig(id string) alerting.Signal {
	return alerting.Signal{ID: id, Source: map[string]any{"kibana.alert.uuid": id, "event.kind": "signal"}}
}

func TestSignalsSurviveReopenAndDedup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signals", "eqlrunner-signals-default.ndjson")
	ctx := context.Background()
	f, err := Open(path, "eqlrunner-signals-default")
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.Create(ctx, []alerting.Signal{sig("a"), sig("b")})
	if err != nil || res[0].Status != alerting.Created || res[1].Status != alerting.Created {
		t.Fatalf("create: %v %v", res, err)
	}
	f.Close()

	f, err = Open(path, "eqlrunner-signals-default")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := f.Existing(ctx, []string{"a", "b", "c"})
	if !got["a"] || !got["b"] || got["c"] {
		t.Errorf("existing after reopen: %v", got)
	}
	res, _ = f.Create(ctx, []alerting.Signal{sig("b"), sig("c")})
	if res[0].Status != alerting.Conflict || res[1].Status != alerting.Created {
		t.Errorf("create after reopen: %v", res)
	}
	data, _ := os.ReadFile(path)
	if n := strings.Count(string(data), "\n"); n != 3 {
		t.Errorf("%d lines, want 3:\n%s", n, data)
	}
	if !strings.HasPrefix(string(data), `{"_index":"eqlrunner-signals-default","_id":"a","_source":{`) {
		t.Errorf("line shape: %s", data)
	}
}

func TestAHalfWrittenLastLineIsCutOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.ndjson")
	whole := `{"_index":"i","_id":"a","_source":{}}` + "\n"
	if err := os.WriteFile(path, []byte(whole+`{"_index":"i","_id":"b","_sou`), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path, "i")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := f.Existing(context.Background(), []string{"a", "b"})
	if !got["a"] || got["b"] {
		t.Errorf("existing %v: want a only", got)
	}
	if _, err := f.Create(context.Background(), []alerting.Signal{sig("b")}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if strings.Count(string(data), "\n") != 2 || strings.Contains(string(data), `"_sou{`) {
		t.Errorf("file after repair:\n%s", data)
	}
}

func TestACorruptLineIsAnErrorNamingIt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.ndjson")
	_ = os.WriteFile(path, []byte("{\"_id\":\"a\"}\nnot json\n"), 0o644)
	if _, err := Open(path, "i"); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("err = %v, want line 2 named", err)
	}
}
