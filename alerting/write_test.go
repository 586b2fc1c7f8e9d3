package alerting

import (
	"github.com/eqlrunner/eqlrunner/internal/seedrule"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/query"
)

// memSink stores signals in memory, as a signals index would.
type memSink struct {
	docs       map[string]bool
	fail       map[string]bool // Create fails these ids.
	conflict   map[string]bool // Created meanwhile by someone else.
	existCalls int
	creates    [][]string
}

func newMemSink(existing ...string) *memSink {
	s := &memSink{docs: map[string]bool{}, fail: map[string]bool{}, conflict: map[string]bool{}}
	for _, id := range existing {
		s.docs[id] = true
	}
	return s
}

func (s *memSink) Existing(_ context.Context, ids []string) (map[string]bool, error) {
	s.existCalls++
	out := map[string]bool{}
	for _, id := range ids {
		if s.docs[id] {
			out[id] = true
		}
	}
	return out, nil
}

func (s *memSink) Create(_ context.Context, signals []Signal) ([]ItemResult, error) {
	var batch []string
	var out []ItemResult
	for _, sig := range signals {
		batch = append(batch, sig.ID)
		switch {
		case s.fail[sig.ID]:
			out = append(out, ItemResult{ID: sig.ID, Status: Failed, Error: "HTTP 500: exception: injected"})
		case s.docs[sig.ID] || s.conflict[sig.ID]:
			out = append(out, ItemResult{ID: sig.ID, Status: Conflict})
		default:
			s.docs[sig.ID] = true
			out = append(out, ItemResult{ID: sig.ID, Status: Created})
		}
	}
	s.creates = append(s.creates, batch)
	return out, nil
}

func match(id string, minute int) Match {
	return Match{Time: time.Date(2026, 12, 4, 10, minute, 0, 0, time.UTC), Event: &query.Event{Index: "logs", ID: id, Source: json.RawMessage(`{}`)}}
}

// sid is the signal id of the test event id for the built-in rule.
func sid(id string) string {
	return SignalID("logs", id, DefaultSpace, "e94262f2-c1e9-4d3f-a907-aeab16712e1a")
}

func newBuilder(t *testing.T) *Builder { return NewBuilder(seedrule.Rule(t), testRun) }

func matches(n int) []Match {
	out := make([]Match, n)
	for i := range n {
		out[i] = match(fmt.Sprintf("s%03d", i), i%60)
	}
	return out
}

func TestWriteDedupsThenCapsNewMatchesOldestFirst(t *testing.T) {
	sink := newMemSink(sid("s000"), sid("s001"))
	res, err := Write(context.Background(), sink, newBuilder(t), matches(150), 100)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 100 || res.Duplicates != 2 || res.Backlog != 48 {
		t.Errorf("new %d, duplicates %d, backlog %d; want 100, 2, 48", res.New, res.Duplicates, res.Backlog)
	}
	if sink.existCalls != 1 || len(sink.creates) != 1 {
		t.Errorf("%d dedup requests and %d creates, want one of each", sink.existCalls, len(sink.creates))
	}
	if got := sink.creates[0]; got[0] != sid("s002") || got[99] != sid("s101") {
		t.Errorf("wrote %s..%s, want the oldest new: s002..s101", got[0], got[99])
	}
	if want := matches(150)[101].Time; !res.LastWritten.Equal(want) {
		t.Errorf("last written at %v, want %v", res.LastWritten, want)
	}
}

func TestWriteCountsAConflictAsADuplicate(t *testing.T) {
	sink := newMemSink()
	sink.conflict[sid("s001")] = true
	res, err := Write(context.Background(), sink, newBuilder(t), matches(3), 100)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 2 || res.Duplicates != 1 {
		t.Errorf("new %d, duplicates %d; want 2 and 1", res.New, res.Duplicates)
	}
}

func TestWriteFailsOnAnyOtherItemError(t *testing.T) {
	sink := newMemSink()
	sink.fail[sid("s001")] = true
	_, err := Write(context.Background(), sink, newBuilder(t), matches(3), 100)
	if err == nil || !strings.Contains(err.Error(), sid("s001")+": HTTP 500") {
		t.Fatalf("err = %v, want the failed item named", err)
	}
}

func TestWriteOfASequenceWritesOnlyItsMissingSignals(t *testing.T) {
	b := NewBuilder(sequenceRule(), testRun)
	seq := sequenceHit(t)
	ids := b.IDs(Match{Sequence: &seq})
	if len(ids) != 3 {
		t.Fatalf("ids %v, want a shell and two blocks", ids)
	}
	sink := newMemSink(ids[0], ids[1])
	res, err := Write(context.Background(), sink, b, []Match{{Sequence: &seq}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if res.New != 1 || len(sink.creates) != 1 || strings.Join(sink.creates[0], ",") != ids[2] {
		t.Errorf("new %d, creates %v; want only the second block written", res.New, sink.creates)
	}
}

func TestIDsAreTheIDsOfTheBuiltSignals(t *testing.T) {
	b := NewBuilder(sequenceRule(), testRun)
	seq := sequenceHit(t)
	sigs, err := b.Signals(Match{Sequence: &seq})
	if err != nil {
		t.Fatal(err)
	}
	ids := b.IDs(Match{Sequence: &seq})
	for i, s := range sigs {
		if s.ID != ids[i] || s.Source["kibana.alert.uuid"] != ids[i] {
			t.Errorf("signal %d: id %s, uuid %v; IDs says %s", i, s.ID, s.Source["kibana.alert.uuid"], ids[i])
		}
	}
}

type errSink struct{ *memSink }

func (errSink) Existing(context.Context, []string) (map[string]bool, error) {
	return nil, errors.New("cluster down")
}

func TestWriteFailsWhenDedupFails(t *testing.T) {
	if _, err := Write(context.Background(), errSink{newMemSink()}, newBuilder(t), matches(1), 100); err == nil {
		t.Fatal("no error")
	}
}
