package alerting

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eqlrunner/eqlrunner/internal/golden"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/rules"
)

func sequenceRule() *rules.Rule {
	return &rules.Rule{
		RuleID: "3d0a8f7b-5c2e-4b1d-9e6f-0a1b2c3d4e5f", UUID: "3d0a8f7b-5c2e-4b1d-9e6f-0a1b2c3d4e5f",
		Name: "Network connection after process start", Description: "A test sequence rule.",
		Type: "eql", Language: "eql", Index: []string{"logs-endpoint.events.*"},
		Query: `sequence by host.id with maxspan=1m [process where event.type == "start"] [network where true]`,
		From:  "now-9m", To: "now", Interval: "5m", MaxSignals: 100, RiskScore: 47, Severity: "medium", Version: 3,
		Author: []string{"eqlrunner"}, License: "Apache-2.0", Enabled: true,
	}
}

func sequenceHit(t *testing.T) query.Sequence {
	t.Helper()
	var seq query.Sequence
	err := json.Unmarshal([]byte(`{
		"join_keys": ["h-1"],
		"events": [
			{"_index": "logs-endpoint.events.process-default", "_id": "p1",
			 "_source": {"@timestamp": "2026-12-04T10:00:00.000Z", "event": {"kind": "event", "category": ["process"], "type": ["start"]},
			             "host": {"id": "h-1", "name": "web-01"}, "process": {"name": "curl", "pid": 42}, "user": {"name": "www"}}},
			{"_index": "logs-endpoint.events.network-default", "_id": "n1",
			 "_source": {"@timestamp": "2026-12-04T10:00:05.000Z", "event": {"kind": "event", "category": ["network"], "type": ["connection"]},
			             "host": {"id": "h-1", "name": "web-01"}, "process": {"name": "curl", "pid": 42}, "destination": {"ip": "203.0.113.9", "port": 443}}},
			{"_index": "", "_id": "", "missing": true}
		]}`), &seq)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func TestSequenceSignalsAreAShellAndOneBuildingBlockPerEvent(t *testing.T) {
	rule := sequenceRule()
	sigs, err := NewBuilder(rule, testRun).Sequence(sequenceHit(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(sigs) != 3 {
		t.Fatalf("got %d signals, want a shell and 2 building blocks (the missing event has none)", len(sigs))
	}
	shell, blocks := sigs[0], sigs[1:]

	// Kibana's formulas with the rule_id in the place of the saved-object id.
	base := "p1logs-endpoint.events.process-default" + rule.RuleID + "n1logs-endpoint.events.network-default" + rule.RuleID
	wantIDs := []string{sha256Hex(base + "0"), sha256Hex(base + "1")}
	wantShell := sha256Hex("p1logs-endpoint.events.process-default" + wantIDs[0] + "n1logs-endpoint.events.network-default" + wantIDs[1] + rule.RuleID)
	if shell.ID != wantShell || shell.BuildingBlock {
		t.Errorf("shell id %s (building block %v), want %s", shell.ID, shell.BuildingBlock, wantShell)
	}
	for i, b := range blocks {
		if b.ID != wantIDs[i] || !b.BuildingBlock {
			t.Errorf("block %d id %s (building block %v), want %s", i, b.ID, b.BuildingBlock, wantIDs[i])
		}
		for key, want := range map[string]any{
			"kibana.alert.uuid":                b.ID,
			"kibana.alert.group.id":            shell.ID,
			"kibana.alert.group.index":         i,
			"kibana.alert.building_block_type": "default",
			"kibana.alert.depth":               1,
		} {
			if got := b.Source[key]; !cmp.Equal(got, want) {
				t.Errorf("block %d: %s = %v, want %v", i, key, got, want)
			}
		}
	}

	wantAncestors := []Ancestor{
		{ID: "p1", Type: "event", Index: "logs-endpoint.events.process-default"},
		{ID: wantIDs[0], Type: "signal", Depth: 1, Rule: rule.UUID},
		{ID: "n1", Type: "event", Index: "logs-endpoint.events.network-default"},
		{ID: wantIDs[1], Type: "signal", Depth: 1, Rule: rule.UUID},
	}
	if diff := cmp.Diff(wantAncestors, shell.Source["kibana.alert.ancestors"]); diff != "" {
		t.Errorf("shell ancestors (-want +got):\n%s", diff)
	}
	for key, want := range map[string]any{
		"kibana.alert.uuid":          shell.ID,
		"kibana.alert.group.id":      shell.ID,
		"kibana.alert.depth":         2,
		"kibana.alert.original_time": "2026-12-04T10:05:00.123Z",
		"kibana.alert.reason":        "event with process curl, on web-01 created medium alert Network connection after process start.",
	} {
		if got := shell.Source[key]; !cmp.Equal(got, want) {
			t.Errorf("shell: %s = %v, want %v", key, got, want)
		}
	}
	if _, ok := shell.Source["kibana.alert.group.index"]; ok {
		t.Error("the shell has a group index")
	}
	if _, ok := shell.Source["kibana.alert.building_block_type"]; ok {
		t.Error("the shell of a non-building-block rule is a building block")
	}
	// Only what both events share survives into the shell.
	if diff := cmp.Diff(map[string]any{"id": "h-1", "name": "web-01"}, shell.Source["host"]); diff != "" {
		t.Errorf("shell host (-want +got):\n%s", diff)
	}
	if _, ok := shell.Source["destination"]; ok {
		t.Error("a field of one event only reached the shell")
	}
}

func TestSequenceDocumentsMatchGolden(t *testing.T) {
	sigs, err := NewBuilder(sequenceRule(), testRun).Sequence(sequenceHit(t))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, s := range sigs {
		out.Write(document(t, s))
	}
	golden.Check(t, filepath.Join("testdata", "sequence.golden"), out.Bytes())
}

func TestAnEventInTwoSequencesGetsTwoBuildingBlocks(t *testing.T) {
	a := query.Event{Index: "i", ID: "a"}
	b := query.Event{Index: "i", ID: "b"}
	c := query.Event{Index: "i", ID: "c"}
	first := BuildingBlockIDs([]query.Event{a, b}, "r")
	second := BuildingBlockIDs([]query.Event{a, c}, "r")
	if first[0] == second[0] {
		t.Error("event a has the same building-block id in two sequences")
	}
	if again := BuildingBlockIDs([]query.Event{a, b}, "r"); !cmp.Equal(first, again) {
		t.Error("building-block ids are not deterministic")
	}
}

func TestSequenceOfMissingEventsOnlyGivesNoSignal(t *testing.T) {
	sigs, err := NewBuilder(sequenceRule(), testRun).Sequence(query.Sequence{Events: []query.Event{{Missing: true}}})
	if err != nil || len(sigs) != 0 {
		t.Fatalf("got %d signals, err %v; want none", len(sigs), err)
	}
}

func TestIntersectKeepsWhatAllDocumentsShare(t *testing.T) {
	docs := make([]map[string]any, 3)
	for i, s := range []string{
		`{"a":1,"b":"x","tags":["p","q","r"],"o":{"k":"v","d":1},"mixed":["s","t"],"objs":[{"x":1}]}`,
		`{"a":1,"b":"y","tags":["q","p"],"o":{"k":"v","d":2},"mixed":"s","objs":[{"x":1}]}`,
		`{"a":1,"b":"x","tags":["p","q"],"o":{"k":"v"},"mixed":["s"],"objs":[{"x":1}]}`,
	} {
		docs[i], _ = decodeJSONObject(json.RawMessage(s))
	}
	want, _ := decodeJSONObject(json.RawMessage(`{"a":1,"tags":["p","q"],"o":{"k":"v"},"mixed":["s"],"objs":[]}`))
	if diff := cmp.Diff(want, intersectAll(docs)); diff != "" {
		t.Errorf("intersection (-want +got):\n%s", diff)
	}
}
