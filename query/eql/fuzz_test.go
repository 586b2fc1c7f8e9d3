package eql

import (
	"testing"
)

// FuzzParse checks that no input makes the parser, checker, printer or
// compiler panic, and that what parses prints back to text that parses to
// the same tree. testdata/fuzz/FuzzParse holds every query of the
// detection-rules corpus and of the QA suite as seeds.
func FuzzParse(f *testing.F) {
	f.Add("process where true")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := Parse(query)
		if IsInternal(err) {
			t.Fatalf("parse: %v", err)
		}
		if err != nil {
			return
		}
		printed := Print(q)
		q2, err := Parse(printed)
		if err != nil {
			t.Fatalf("printed query does not parse: %v\n%s", err, printed)
		}
		if again := Print(q2); again != printed {
			t.Fatalf("print is not stable:\n%s\n%s", printed, again)
		}
		if err := Check(q); IsInternal(err) {
			t.Fatalf("check: %v", err)
		}
		if _, err := Compile(query, Options{}); IsInternal(err) {
			t.Fatalf("compile: %v", err)
		}
	})
}
