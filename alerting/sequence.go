package alerting

import (
	"maps"
	"reflect"
	"strconv"
	"strings"

	"github.com/eqlrunner/eqlrunner/query"
)

// Sequence builds the signals of one sequence (or sample) hit, as Kibana
// does (build_alert_group_from_sequence.ts): a building-block signal per
// event, then a shell signal tying them together. The result is
// [shell, block0, block1, …]. Missing-event placeholders get no block. A
// sequence with no real event gives no signal.
func (b *Builder) Sequence(seq query.Sequence) ([]Signal, error) {
	events := presentEvents(seq)
	if len(events) == 0 {
		return nil, nil
	}
	docs := make([]map[string]any, len(events))
	for i, ev := range events {
		doc, err := b.eventDoc(ev)
		if err != nil {
			return nil, err
		}
		docs[i] = doc
	}
	shellID, ids := b.sequenceIDs(events)
	for i, doc := range docs {
		doc["kibana.alert.uuid"] = ids[i]
	}

	shell := b.shell(events, ids, docs)
	shell["kibana.alert.uuid"] = shellID
	shell["kibana.alert.group.id"] = shellID
	out := make([]Signal, 0, len(docs)+1)
	out = append(out, Signal{ID: shellID, Source: shell})
	for i, doc := range docs {
		doc["kibana.alert.building_block_type"] = "default"
		doc["kibana.alert.group.id"] = shellID
		doc["kibana.alert.group.index"] = i
		out = append(out, Signal{ID: ids[i], Source: doc, BuildingBlock: true})
	}
	return out, nil
}

// presentEvents are a sequence's events less its missing-event placeholders.
func presentEvents(seq query.Sequence) []query.Event {
	var events []query.Event
	for _, ev := range seq.Events {
		if !ev.Missing {
			events = append(events, ev)
		}
	}
	return events
}

// sequenceIDs are the ids of a sequence's shell and building blocks. The
// shell's (Kibana's generateAlertId) hashes its ancestors, each event then
// its block, by id and index, then the rule_id; "" when there is no event.
func (b *Builder) sequenceIDs(events []query.Event) (shell string, blocks []string) {
	if len(events) == 0 {
		return "", nil
	}
	blocks = BuildingBlockIDs(events, b.rule.RuleID)
	var in strings.Builder
	for i, ev := range events {
		in.WriteString(ev.ID)
		in.WriteString(ev.Index)
		in.WriteString(blocks[i]) // The block's index is "": it is not written yet.
	}
	in.WriteString(b.rule.RuleID)
	return sha256Hex(in.String()), blocks
}

// BuildingBlockIDs are the _ids of a sequence's building blocks: Kibana's
// generateBuildingBlockIds with the rule_id in the place of the rule's
// saved-object id. Each hashes the whole sequence (every event's _id and
// _index, each followed by the rule_id) and its own position, so an event
// in two sequences gets two blocks.
func BuildingBlockIDs(events []query.Event, ruleID string) []string {
	var base strings.Builder
	for _, ev := range events {
		base.WriteString(ev.ID)
		base.WriteString(ev.Index)
		base.WriteString(ruleID)
	}
	ids := make([]string, len(events))
	for i := range events {
		ids[i] = sha256Hex(base.String() + strconv.Itoa(i))
	}
	return ids
}

// shell builds the signal that stands for the whole sequence: the fields
// all blocks agree on, then the alert fields with the blocks as parents
// (depth 2).
func (b *Builder) shell(events []query.Event, ids []string, blocks []map[string]any) map[string]any {
	merged := intersectAll(blocks)
	if merged == nil {
		merged = map[string]any{}
	}
	reason := Reason(merged, b.rule.Severity, b.rule.Name)

	var ancestors []Ancestor
	for i, ev := range events {
		ancestors = append(ancestors,
			Ancestor{ID: ev.ID, Type: "event", Index: ev.Index, Depth: 0},
			Ancestor{ID: ids[i], Type: "signal", Index: "", Depth: 1, Rule: b.rule.UUID})
	}

	doc := merged
	b.addAlertFields(doc, ancestors, reason)
	// Kibana takes the shell's original time from its first block: the
	// block's creation time, not an event's.
	doc["kibana.alert.original_time"] = b.now
	return doc
}

// intersectAll keeps what every document agrees on, as Kibana's
// objectArrayIntersection does: equal values, the shared elements of
// arrays, objects intersected key by key; nil when nothing is shared.
func intersectAll(docs []map[string]any) map[string]any {
	if len(docs) == 0 {
		return nil
	}
	// A copy, so that the shell never shares its top level with a block.
	acc := maps.Clone(docs[0])
	for _, d := range docs[1:] {
		acc = intersect(acc, d)
		if acc == nil {
			return nil
		}
	}
	return acc
}

func intersect(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			continue
		}
		am, aObj := av.(map[string]any)
		bm, bObj := bv.(map[string]any)
		aArr, aIsArr := av.([]any)
		bArr, bIsArr := bv.([]any)
		switch {
		case aObj && bObj:
			if m := intersect(am, bm); m != nil {
				out[k] = m
			}
		case aIsArr && bIsArr:
			out[k] = intersectValues(aArr, bArr)
		case reflect.DeepEqual(av, bv):
			out[k] = av
		case aIsArr && !bObj:
			out[k] = intersectValues(aArr, []any{bv})
		case bIsArr && !aObj:
			out[k] = intersectValues([]any{av}, bArr)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// intersectValues is lodash's intersection: the distinct scalar elements of
// a that b also has, in a's order. Objects are never equal, as in
// JavaScript, where distinct objects compare unequal.
func intersectValues(a, b []any) []any {
	out := []any{}
	for _, x := range a {
		if isObject(x) || containsScalar(out, x) || !containsScalar(b, x) {
			continue
		}
		out = append(out, x)
	}
	return out
}

func containsScalar(list []any, x any) bool {
	for _, y := range list {
		if !isObject(y) && reflect.DeepEqual(x, y) {
			return true
		}
	}
	return false
}
