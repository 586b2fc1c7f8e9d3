package eql

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// TestProgramSharedAcrossGoroutines matches one program from several
// goroutines, each with its own decoder and document (run with -race).
func TestProgramSharedAcrossGoroutines(t *testing.T) {
	prog, err := Compile(`process where process.name : ("a*", "b") and length(process.name) > 0 and not n in (3, 4)`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for g := range counts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dec, err := NewDecoder(prog.Fields(), nil)
			if err != nil {
				t.Error(err)
				return
			}
			doc := NewDoc(prog.Fields())
			for i := range 1000 {
				line := fmt.Appendf(nil, `{"event":{"category":"process"},"process":{"name":"a%d"},"n":%d}`, i, i%10)
				if err := dec.Decode(line, doc); err != nil {
					t.Error(err)
					return
				}
				if prog.Match(doc) {
					counts[g]++
				}
			}
		}()
	}
	wg.Wait()
	for g, n := range counts {
		if n != 800 {
			t.Errorf("goroutine %d matched %d events, want 800", g, n)
		}
	}
}

func TestReads(t *testing.T) {
	shared := NewFieldTable()
	shared.ID("unrelated")
	prog, err := Compile(`process where a == 1 and b : "x"`, Options{Fields: shared})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, id := range prog.Reads() {
		names = append(names, shared.Name(id))
	}
	if got := strings.Join(names, " "); got != "@timestamp event.category a b" {
		t.Errorf("Reads = %s", got)
	}
}

func TestSequenceKeyLimit(t *testing.T) {
	prog, err := Compile(`sequence by k [any where true] [any where false]`, Options{Limits: Limits{MaxKeys: 10}})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []Input
	for i := range 20 {
		inputs = append(inputs, Input{Index: "i", ID: fmt.Sprint(i), Source: json.RawMessage(fmt.Sprintf(`{"@timestamp":%d,"k":"%d"}`, i, i))})
	}
	_, _, err = prog.Search(inputs, nil, RunOptions{})
	var le *limitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "more than 10 join keys") {
		t.Errorf("got %v, want the key limit error", err)
	}
}

func TestOutOfOrder(t *testing.T) {
	prog, err := Compile(`any where true`, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := prog.NewRun(RunOptions{})
	dec, _ := NewDecoder(prog.Fields(), nil)
	for i, src := range []string{`{"@timestamp":2}`, `{"@timestamp":1}`} {
		doc := NewDoc(prog.Fields())
		if err := dec.Decode([]byte(src), doc); err != nil {
			t.Fatal(err)
		}
		err := run.Feed(&Event{Doc: doc})
		if i == 1 && !errors.Is(err, ErrOutOfOrder) {
			t.Errorf("second event: %v, want ErrOutOfOrder", err)
		}
	}
}

// TestNoInternalErrors runs odd inputs through every phase; none may end
// in a recovered panic.
func TestNoInternalErrors(t *testing.T) {
	queries := []string{
		`any where concat(a, b, c, d, e, f, g, h, i, j) == "x"`,
		`any where substring(a, -100, 100) == "" and indexOf(a, "", 1000) > 0`,
		`any where between(a, "x", "y", true) == "" and number(a, 36) > 0`,
		`sequence by k with maxspan=1ms ![any where a == 1] [any where true] ![any where b == 2]`,
		`sample by k [any where true] [any where true] [any where true]`,
	}
	events := []Input{
		{Index: "i", ID: "1", Source: json.RawMessage(`{"@timestamp":1,"a":["x","y",1,true,null],"k":"a"}`)},
		{Index: "i", ID: "2", Source: json.RawMessage(`{"@timestamp":2,"a":"😀😀","b":2,"k":"a"}`)},
		{Index: "i", ID: "3", Source: json.RawMessage(`{"@timestamp":"2020-01-01","k":1.0}`)},
	}
	for _, q := range queries {
		prog, err := Compile(q, Options{})
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		for _, head := range []bool{true, false} {
			if _, _, err := prog.Search(events, nil, RunOptions{Head: head}); IsInternal(err) {
				t.Errorf("%s: %v", q, err)
			}
		}
	}
}
