package alerting

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/internal/golden"
	"github.com/eqlrunner/eqlrunner/query"
)

var (
	testNow = time.Date(2026, 12, 4, 10, 5, 0, 123_000_000, time.UTC)
	testRun = Run{Space: DefaultSpace, ExecutionID: "6c1a7d3e-2b4f-4e8a-9c0d-5f6e7a8b9c0d", Now: testNow}
)

func readHit(t testing.TB, path string) query.Event {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var ev query.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return ev
}

// document renders a signal as it is written: _index, _id and _source.
func document(t testing.TB, s Signal) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"_index": IndexName(DefaultSpace), "_id": s.ID, "_source": s.Source}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSeedRuleSignalsMatchGoldenDocuments(t *testing.T) {
	rule := seedrule.Rule(t)
	for _, name := range []string{"defend", "sysmon", "endgame"} {
		t.Run(name, func(t *testing.T) {
			ev := readHit(t, filepath.Join("testdata", "hits", name+".json"))
			sig, err := NewBuilder(rule, testRun).Event(ev)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", name+".golden"), document(t, sig))
		})
	}
}

func TestSignalIDIsKibanasGenerateIDWithTheRuleID(t *testing.T) {
	// The example of the Kibana spec (§3.4): Kibana hashes the rule's
	// saved-object id where we hash the rule_id, so passing that id as the
	// rule_id must give Kibana's alert id.
	got := SignalID(".ds-logs-endpoint.events.file-default-2025.06.03-000001", "kT8nXJcBq2v5m3LwR1aZ",
		"default", "3f0c9a4e-8f2b-4c1d-9e6a-7b5d2c1a0f93")
	if want := "8473fe4da95678f429bc5ab26fb3ff6658929be69b997fb7f2c6e52060172d46"; got != want {
		t.Errorf("SignalID = %s, want %s", got, want)
	}
}

func TestSignalIDDependsOnEventRuleAndSpaceOnly(t *testing.T) {
	rule := seedrule.Rule(t)
	ev := readHit(t, filepath.Join("testdata", "hits", "defend.json"))
	first, err := NewBuilder(rule, testRun).Event(ev)
	if err != nil {
		t.Fatal(err)
	}

	bumped := *rule
	bumped.Version++
	later := testRun
	later.Now = testNow.Add(5 * time.Minute)
	later.ExecutionID = "another-run"
	again, err := NewBuilder(&bumped, later).Event(ev)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("id changed across runs and a version bump: %s, then %s", first.ID, again.ID)
	}

	other := testRun
	other.Space = "soc"
	inSpace, err := NewBuilder(rule, other).Event(ev)
	if err != nil {
		t.Fatal(err)
	}
	if inSpace.ID == first.ID {
		t.Error("the same id in two spaces")
	}
	if first.Source["kibana.alert.uuid"] != first.ID {
		t.Errorf("kibana.alert.uuid = %v, want the _id %s", first.Source["kibana.alert.uuid"], first.ID)
	}
}

func TestEventWithBadSourceIsAnErrorNamingIt(t *testing.T) {
	ev := query.Event{Index: "logs-x", ID: "abc", Source: json.RawMessage(`["not", "an", "object"]`)}
	_, err := NewBuilder(seedrule.Rule(t), testRun).Event(ev)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("logs-x/abc")) {
		t.Fatalf("err = %v, want an error naming logs-x/abc", err)
	}
}
