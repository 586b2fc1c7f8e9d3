package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests run once and run with no cluster: events from a spool of
// NDJSON files, signals and run history in files under --data-dir.

type localCLI struct {
	t    *testing.T
	data string
}

func newLocalCLI(t *testing.T) *localCLI {
	t.Helper()
	saved := env
	env = func(string) string { return "" } // No ELASTICSEARCH_URL: the local back end.
	t.Cleanup(func() { env = saved })
	return &localCLI{t: t, data: t.TempDir()}
}

// spool appends events to a spool file named after its index.
func (c *localCLI) spool(index string, events ...map[string]any) {
	c.t.Helper()
	path := filepath.Join(c.data, "events", index+".ndjson")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		c.t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	for _, ev := range events {
		line, _ := json.Marshal(ev)
		if _, err := f.Write(append(line, '\n')); err != nil {
			c.t.Fatal(err)
		}
	}
}

func (c *localCLI) once(at time.Time, args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	all := append([]string{"once", "--data-dir", c.data, "--now", at.Format(time.RFC3339Nano)}, args...)
	code := run(context.Background(), all, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func (c *localCLI) signalsPath() string {
	return filepath.Join(c.data, "signals", "eqlrunner-signals-default.ndjson")
}

// signals reads the signals file: the ids and the file names of the events.
func (c *localCLI) signals() (ids, files []string) {
	c.t.Helper()
	f, err := os.Open(c.signalsPath())
	if err != nil {
		c.t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var doc struct {
			ID     string         `json:"_id"`
			Index  string         `json:"_index"`
			Source map[string]any `json:"_source"`
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			c.t.Fatalf("signals file line %q: %v", sc.Text(), err)
		}
		if doc.Index != "eqlrunner-signals-default" || doc.Source["kibana.alert.uuid"] != doc.ID {
			c.t.Errorf("signal %s in %s, uuid %v", doc.ID, doc.Index, doc.Source["kibana.alert.uuid"])
		}
		ids = append(ids, doc.ID)
		files = append(files, doc.Source["file"].(map[string]any)["name"].(string))
	}
	return ids, files
}

func TestLocalOnceSignalsFromTheSpoolWithoutACluster(t *testing.T) {
	c := newLocalCLI(t)
	c.spool("logs-endpoint.events.file-default",
		fileEvent("hit.dll", t0.Add(-time.Minute), t0.Add(-time.Minute)),
		fileEvent("old.dll", t0.Add(-time.Hour), t0.Add(-time.Hour)),
	)
	benign := fileEvent("benign.dll", t0.Add(-time.Minute), t0.Add(-time.Minute))
	benign["process"] = map[string]any{"name": "chrome.exe"}
	c.spool("logs-endpoint.events.file-default", benign)
	c.spool("winlogbeat-8.17.4-2026.12.04", fileEvent("sysmon.exe", t0.Add(-2*time.Minute), time.Time{}))

	r := c.once(t0)
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	_, files := c.signals()
	if got := strings.Join(sorted(files), " "); got != "hit.dll sysmon.exe" {
		t.Errorf("signalled %q, want hit.dll and sysmon.exe", got)
	}
	if !strings.Contains(r.stderr, `"backend":"local"`) {
		t.Errorf("the local back end was not announced:\n%s", r.stderr)
	}
}

func TestLocalRestartNeverDuplicatesAndCatchesUp(t *testing.T) {
	c := newLocalCLI(t)
	c.spool("logs-endpoint.events.file-default", fileEvent("a.dll", t0.Add(-time.Minute), t0.Add(-time.Minute)))
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	// Each once is a fresh process: state comes from the files.
	c.spool("logs-endpoint.events.file-default", fileEvent("b.dll", t0.Add(3*time.Minute), t0.Add(3*time.Minute)))
	if r := c.once(t0.Add(5 * time.Minute)); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	// Down for an hour: the next run searches from the checkpoint.
	c.spool("logs-endpoint.events.file-default", fileEvent("c.dll", t0.Add(20*time.Minute), t0.Add(20*time.Minute)))
	r := c.once(t0.Add(65 * time.Minute))
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	ids, files := c.signals()
	if got := strings.Join(files, " "); got != "a.dll b.dll c.dll" {
		t.Errorf("signalled %q, want each event once: a.dll b.dll c.dll", got)
	}
	if len(ids) != 3 {
		t.Errorf("%d signals", len(ids))
	}
}

func TestLocalCrashMidWriteLosesNothingAndDuplicatesNothing(t *testing.T) {
	c := newLocalCLI(t)
	c.spool("logs-endpoint.events.file-default",
		fileEvent("a.dll", t0.Add(-2*time.Minute), t0.Add(-2*time.Minute)),
		fileEvent("b.dll", t0.Add(-time.Minute), t0.Add(-time.Minute)))
	if r := c.once(t0); r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	// Simulate a crash while the next run wrote: its signals half on disk,
	// its run never recorded.
	data, err := os.ReadFile(c.signalsPath())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	if err := os.WriteFile(c.signalsPath(), []byte(lines[0]+lines[1][:len(lines[1])/2]), 0o644); err != nil {
		t.Fatal(err)
	}
	runs := filepath.Join(c.data, "state", "eqlrunner-runs-default.ndjson")
	if err := os.WriteFile(runs, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if r := c.once(t0.Add(5 * time.Minute)); r.code != 0 {
		t.Fatalf("exit %d after the crash:\n%s", r.code, r.stderr)
	}
	_, files := c.signals()
	if got := strings.Join(files, " "); got != "a.dll b.dll" {
		t.Errorf("after the crash: %q, want a.dll and b.dll once each", got)
	}
}

func TestLocalDataDirTakesOneInstance(t *testing.T) {
	c := newLocalCLI(t)
	unlock, err := lockDir(filepath.Join(c.data, "state"))
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	r := c.once(t0)
	if r.code == 0 || !strings.Contains(r.stderr, "in use by another eqlrunner") {
		t.Errorf("exit %d, want a refusal:\n%s", r.code, r.stderr)
	}
}

func TestLocalDaemonRunsAtStartAndStops(t *testing.T) {
	c := newLocalCLI(t)
	now := time.Now()
	c.spool("logs-endpoint.events.file-default", fileEvent("live.dll", now.Add(-time.Minute), now.Add(-time.Minute)))
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"run", "--data-dir", c.data}, &out, &errOut) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(c.signalsPath()); len(data) > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
	if _, files := c.signals(); len(files) != 1 {
		t.Errorf("signalled %v, want live.dll", files)
	}
}

func TestDemoWritesSignalsWithinSeconds(t *testing.T) {
	c := newLocalCLI(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"run", "--demo", "--data-dir", c.data, "--demo-rate", "400", "--demo-history", "30s"}, &out, &errOut)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if data, _ := os.ReadFile(c.signalsPath()); len(data) > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
	ids, _ := c.signals()
	if len(ids) == 0 {
		t.Fatalf("no signals:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), "demo: generating events") {
		t.Errorf("the demo did not say what it does:\n%s", errOut.String())
	}
}

func TestLocalSequenceAcrossSpoolFiles(t *testing.T) {
	c := newLocalCLI(t)
	c.spool("logs-endpoint.events.process-default", map[string]any{
		"@timestamp": t0.Add(-3 * time.Minute).Format(time.RFC3339Nano),
		"event":      map[string]any{"category": "process", "type": "start"},
		"host":       map[string]any{"name": "ws-1"}, "process": map[string]any{"name": "cmd.exe"},
	})
	c.spool("logs-endpoint.events.file-default", map[string]any{
		"@timestamp": t0.Add(-3*time.Minute + 20*time.Second).Format(time.RFC3339Nano),
		"event":      map[string]any{"category": "file", "type": "creation"},
		"host":       map[string]any{"name": "ws-1"}, "process": map[string]any{"name": "cmd.exe"},
		"file": map[string]any{"name": "dropper.exe", "extension": "exe"},
	})
	r := c.once(t0, "--rules", filepath.Join("testdata", "rules", "sequence.toml"))
	if r.code != 0 {
		t.Fatalf("exit %d:\n%s", r.code, r.stderr)
	}
	data, err := os.ReadFile(c.signalsPath())
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != 3 {
		t.Errorf("%d signals, want a shell and 2 building blocks:\n%s", n, data)
	}
	if !strings.Contains(string(data), `"kibana.alert.building_block_type":"default"`) {
		t.Error("no building block")
	}
}
