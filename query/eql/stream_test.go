package eql

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRelevantEventsGiveTheSameResult feeds runs only the relevant events
// of a stream, ordered by OrderKey, and compares with a search over every
// event: the contract a caller scanning a large stream relies on.
func TestRelevantEventsGiveTheSameResult(t *testing.T) {
	queries := []string{
		`sequence by host [process where name == "a"] [process where name == "b"] [file where name == "c"]`,
		`sequence by host with maxspan=5s [process where name == "a"] [process where name == "b"] until [process where name == "x"]`,
		`sequence by host with maxspan=4s [process where name == "a"] ![process where name == "x"] [process where name == "b"]`,
		`sequence by host with maxspan=4s ![process where name == "x"] [process where name == "a"] [process where name == "b"]`,
		`sequence by host with maxspan=4s [process where name == "a"] [process where name == "b"] ![file where name == "x"]`,
		`sequence by host [process where name == "a"] with runs=2 [process where name == "b"]`,
		`sample by host [process where name == "a"] [file where name == "c"]`,
		`process where name in ("a", "b") | tail 3`,
		`process where name == "a" | head 2`,
	}
	rng := rand.New(rand.NewPCG(7, 9))
	var lines []string
	for i := range 400 {
		cat := []string{"process", "file", "network"}[rng.IntN(3)]
		name := []string{"a", "b", "c", "x", "z", "z", "z"}[rng.IntN(7)]
		// Timestamps repeat and go back and forth: ordering is the reader's job.
		ts := 1000 * rng.IntN(60)
		lines = append(lines, fmt.Sprintf(`{"@timestamp":%d,"event":{"category":%q},"host":"h%d","name":%q,"i":%d}`,
			ts, cat, rng.IntN(3), name, i))
	}
	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			prog, err := Compile(q, Options{})
			if err != nil {
				t.Fatal(err)
			}
			opts := RunOptions{Size: 1000}
			var inputs []Input
			for i, l := range lines {
				inputs = append(inputs, Input{Index: "x", ID: strconv.Itoa(i), Source: json.RawMessage(l)})
			}
			want, skipped, err := prog.Search(inputs, nil, opts)
			if err != nil || len(skipped) > 0 {
				t.Fatalf("search: %v %v", err, skipped)
			}

			type kept struct {
				i   int
				key OrderKey
			}
			dec, err := NewDecoder(prog.Fields(), nil)
			if err != nil {
				t.Fatal(err)
			}
			doc := NewDoc(prog.Fields())
			var relevant []kept
			for i, l := range lines {
				if err := dec.Decode([]byte(l), doc); err != nil {
					t.Fatal(err)
				}
				if !prog.Relevant(doc) {
					continue
				}
				key, err := prog.OrderKey(doc)
				if err != nil {
					t.Fatal(err)
				}
				relevant = append(relevant, kept{i, key})
			}
			if len(relevant) == 0 || len(relevant) == len(lines) {
				t.Fatalf("%d of %d events relevant: the stream must mix both", len(relevant), len(lines))
			}
			if prog.Kind != SampleKind {
				slices.SortStableFunc(relevant, func(a, b kept) int { return a.key.Compare(b.key) })
			}
			run := prog.NewRun(opts)
			for _, k := range relevant {
				if err := dec.Decode([]byte(lines[k.i]), doc); err != nil {
					t.Fatal(err)
				}
				if err := run.Feed(&Event{Index: "x", ID: strconv.Itoa(k.i), Source: json.RawMessage(lines[k.i]), Doc: doc}); err != nil {
					t.Fatal(err)
				}
			}
			got, err := run.Finish()
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Events)+len(want.Sequences) == 0 {
				t.Fatal("the search found nothing: the case tests nothing")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("relevant events only (-all +relevant):\n%s", diff)
			}
		})
	}
}

func TestOrderKey(t *testing.T) {
	prog, err := Compile(`sequence [process where true] [file where true]`, Options{TiebreakerField: "seq"})
	if err != nil {
		t.Fatal(err)
	}
	dec, _ := NewDecoder(prog.Fields(), nil)
	key := func(line string) (OrderKey, error) {
		doc := NewDoc(prog.Fields())
		if err := dec.Decode([]byte(line), doc); err != nil {
			t.Fatal(err)
		}
		return prog.OrderKey(doc)
	}
	a, _ := key(`{"@timestamp":"2024-01-01T00:00:01Z","seq":"b\u0041"}`)
	b, _ := key(`{"@timestamp":"2024-01-01T00:00:01Z","seq":"bB"}`)
	c, _ := key(`{"@timestamp":"2024-01-01T00:00:00.5Z","seq":"z"}`)
	if a.Compare(b) >= 0 || b.Compare(a) <= 0 || c.Compare(a) >= 0 || a.Compare(a) != 0 {
		t.Errorf("order: a?b %d, b?a %d, c?a %d, a?a %d", a.Compare(b), b.Compare(a), c.Compare(a), a.Compare(a))
	}
	if _, err := key(`{"seq":1}`); err == nil {
		t.Error("a sequence event without a timestamp has no key")
	}
	if _, err := key(`{"@timestamp":[1,2]}`); err == nil {
		t.Error("a multi-valued timestamp has no key")
	}
}
