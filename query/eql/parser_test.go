package eql

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"unterminated string", `process where a == "x`, `1:20: unterminated string`},
		{"single quotes", `process where a == 'x'`, `1:20: strings are written in double quotes; single quotes are not supported`},
		{"old raw string", `process where a == ?"x"`, `1:20: raw strings are written """..."""; ?"..." is not supported`},
		{"raw string over two lines", "process where a == \"\"\"x\ny\"\"\"", `1:20: unterminated raw string`},
		{"bad escape", `process where a == "\q"`, `1:21: invalid escape sequence \q`},
		{"bad unicode escape", `process where a == "\u{d800}"`, `1:21: invalid unicode escape: want \u{XX} with 2 to 8 hex digits naming a valid character`},
		{"single =", `process where a = 1`, `1:17: use == for equality, not =`},
		{"chained comparisons", `process where a < b < c`, `1:21: comparisons cannot be chained; combine them with 'and'`},
		{"keyword in a field name", `process where event.sequence == 1`, `1:21: "sequence" is a keyword: quote the field name in backticks, as in ` + "`event.sequence`"},
		{"array index", `process where a[0] == 1`, `1:16: array indexes are not supported`},
		{"missing bracket", `sequence [process where true] [process where true`, `1:50: expected ']' closing the query opened at 1:31, found end of query`},
		{"join", `join [a where true] [b where true]`, `1:1: join queries are not supported`},
		{"process relationship", `process where child of [process where true]`, `1:15: process relationships (child of [...]) are not supported`},
		{"by after with", `sequence with maxspan=1m by a [x where true] [y where true]`, `1:26: please specify sequence [by] before [with] not after`},
		{"trailing token", `process where true true`, `1:20: unexpected 'true'`},
		{"not after comparison", `process where a == not b`, `1:20: 'not' is not allowed here; put the condition in parentheses`},
		{"missing category", `where true`, `1:1: expected an event category or 'any', found 'where'`},
		{"invalid UTF-8", "process where a == \"\xff\"", `1:21: query is not valid UTF-8`},
		{"unexpected character", `process where a == #`, `1:20: unexpected character '#'`},
		{"unterminated comment", `process where true /* x`, `1:20: unterminated comment`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.query)
			list, ok := err.(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("Parse(%q) = %v, want an error", tt.query, err)
			}
			if got := list[0].Error(); got != tt.want {
				t.Errorf("Parse(%q) first error:\n got %s\nwant %s", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseStopsAfterTenErrors(t *testing.T) {
	_, err := Parse(strings.Repeat("process where 'a' ", 30))
	if list := err.(ErrorList); len(list) != maxErrors {
		t.Errorf("got %d errors, want %d", len(list), maxErrors)
	}
}

func TestErrorFormatHasCaret(t *testing.T) {
	q := "sequence\n  [process where foo(]"
	_, err := Parse(q)
	got := err.(ErrorList).Format(q)
	want := "2:22: expected an expression, found ']'\n    [process where foo(]\n                       ^"
	if !strings.HasPrefix(got, want) {
		t.Errorf("Format:\n%s\nwant prefix:\n%s", got, want)
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		name  string
		query string
		lim   Limits
		want  string
	}{
		{"query length", "process where true", Limits{MaxQueryBytes: 10}, "query is 18 bytes long; the limit is 10"},
		{"nesting", "process where " + strings.Repeat("(", 300) + "true" + strings.Repeat(")", 300), Limits{}, "expression is nested more than 200 levels deep"},
		{"nodes", "process where a in (" + strings.Repeat("1, ", 50) + "1)", Limits{MaxNodes: 20}, "query has more than 20 expression nodes"},
		{"tokens", "process where a in (" + strings.Repeat("1, ", 50) + "1)", Limits{MaxTokens: 20}, "query has more than 20 tokens"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseWithLimits(tt.query, tt.lim)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
			if IsInternal(err) {
				t.Errorf("internal error: %v", err)
			}
		})
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		name, query, want string
	}{
		{"unknown function", `process where lenght(a) > 1`, `1:15: unknown function [lenght], did you mean [length]?`},
		{"arity", `process where length(a, b)`, `1:15: function [length] takes exactly 1 arguments, found [2]`},
		{"variadic arity", `process where cidrMatch(a)`, `1:15: function [cidrMatch] takes at least 2 arguments, found [1]`},
		{"no ~ variant", `process where length~(a) > 1`, `1:15: function [length] does not support case-insensitive matching; remove the ~`},
		{"literal argument type", `process where add("a", 1) == 2`, `1:19: argument 1 of [add] must be [numeric], found ["a"]`},
		{"field against field", `process where a == b`, `1:20: comparisons against fields are not supported; offender [b] in [==]`},
		{"field in an in list", `process where a in (b, "x")`, `1:21: comparisons against fields are not supported; offender [b] in [in]`},
		{"pattern must be a string", `process where a : 1`, `1:19: [:] requires string patterns, found [1]`},
		{"unknown pipe", `process where true | haed 3`, `1:22: unknown pipe [haed], did you mean [head]?`},
		{"unsupported pipe", `process where true | unique a`, `1:22: pipe [unique] is not supported`},
		{"head needs an integer", `process where true | head -1`, `1:27: pipe [head] expects a positive integer but found [-1]`},
		{"sequence of one", `sequence [process where true]`, `1:1: a sequence requires a minimum of 2 queries, found [1]`},
		{"join key counts", `sequence [a where true] by x [b where true] by x, y`, `1:48: inconsistent number of join keys specified; expected [1] but found [2]`},
		{"maxspan unit", `sequence with maxspan=5 [a where true] [b where true]`, `1:23: no time unit specified, did you mean [s] as in [5s]?`},
		{"maxspan unknown unit", `sequence with maxspan=5w [a where true] [b where true]`, `1:23: unrecognized time unit [w] in [5w], please specify one of [ms, s, m, h, d]`},
		{"missing events need maxspan", `sequence [a where true] ![b where true]`, `1:1: a sequence with missing events ![...] requires [with maxspan]`},
		{"runs range", `sequence [a where true] with runs=101 [b where true]`, `1:35: runs must be between 1 and 100, found [101]`},
		{"keys are fields", `sequence by length(a) [a where true] [b where true]`, `1:13: join keys must be field names, found [length(a)]`},
		{"sample of one", `sample by h [a where true]`, `1:1: a sample requires a minimum of 2 queries, found [1]`},
		{"sample without keys", `sample [a where true] [b where true]`, `1:1: a sample requires join keys: use sample by or per-query by`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			list, ok := Check(q).(ErrorList)
			if !ok || len(list) == 0 {
				t.Fatalf("Check(%q) found nothing", tt.query)
			}
			if got := list[0].Error(); got != tt.want {
				t.Errorf("Check(%q):\n got %s\nwant %s", tt.query, got, tt.want)
			}
		})
	}
}

// corpusQueries returns the queries of testdata/queries.json: the QA
// suite's, and hand-written ones covering the syntax.
func goldenQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "print.queries.json"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	if err := json.Unmarshal(data, &qs); err != nil {
		t.Fatal(err)
	}
	return qs
}

// TestPrintGolden prints each query of testdata/print.queries.json in
// canonical form; refresh testdata/print.golden with -update.
func TestPrintGolden(t *testing.T) {
	var b strings.Builder
	for _, q := range goldenQueries(t) {
		ast, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		b.WriteString(Print(ast))
		b.WriteByte('\n')
	}
	golden := filepath.Join("testdata", "print.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("printed queries differ from %s (-want +got):\n%s", golden, diff)
	}
}

// TestPrintRoundTrip checks Parse(Print(q)) == q, positions aside, for
// every golden query and every detection rule.
func TestPrintRoundTrip(t *testing.T) {
	queries := goldenQueries(t)
	if dir := filepath.Join("..", "..", "..", "shared", "corpus", "detection-rules"); dirExists(dir) {
		queries = append(queries, ruleQueries(t)...)
	}
	ignorePos := cmpopts.IgnoreTypes(Pos{})
	for _, q := range queries {
		ast, err := Parse(q)
		if err != nil {
			t.Fatalf("Parse(%q): %v", q, err)
		}
		printed := Print(ast)
		again, err := Parse(printed)
		if err != nil {
			t.Fatalf("Parse(Print(%q)) = %v\nprinted: %s", q, err, printed)
		}
		if diff := cmp.Diff(ast, again, ignorePos); diff != "" {
			t.Errorf("round trip of %q changed the tree (-parsed +reparsed):\n%s", q, diff)
		}
	}
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func ruleQueries(t *testing.T) []string {
	return loadRules(t, sharedcorpus.Path(t, "corpus", "detection-rules"))
}
