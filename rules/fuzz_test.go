package rules

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eqlrunner/eqlrunner/rules/builtin"
)

// Crashers the fuzzers find are kept under testdata/fuzz/<FuzzName>/ and
// replayed by every go test run.

func FuzzLoadTOML(f *testing.F) {
	err := fs.WalkDir(builtin.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(builtin.FS, p)
		f.Add(data)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	addTestdata(f, "*.toml")
	f.Add([]byte(ruleTOML()))
	f.Add([]byte(ruleTOML(`query = """`, `+process where \`, `+  "\u00e9\\" and BAD"""`)))
	f.Add([]byte(ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
		"[[rule.threat.technique]]", `+id = "T1055"`,
		"[[rule.threat.technique.subtechnique]]", `+id = "T1055.001"`)...)))
	f.Add([]byte(ruleTOML(`note = "$investigate_0 $$ ${investigate_1}"`, "[transform]",
		"+[[transform.investigate]]", `+label = "é"`, "+[[transform.investigate]]", `+label = "<&>"`)))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.toml", data)
	})
}

func FuzzLoadNDJSON(f *testing.F) {
	addTestdata(f, "*.ndjson")
	f.Add([]byte(ruleNDJSON(f, nil, map[string]any{"rule_id": "b", "query": "any where \"\u00e9\" and \\\"BAD\\\""})))
	f.Add([]byte(`{"rule_id":"a"` + "\n" + `[1]` + "\n" + `{"exported_count":1}` + "\n"))
	f.Add([]byte(`{"query" :` + "\r" + `"a\ud83d\udd0d\u00e9\\u"}`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkLoad(t, "fuzz.ndjson", data)
	})
}

func addTestdata(f *testing.F, pattern string) {
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		f.Fatal(err)
	}
	if len(paths) == 0 {
		f.Fatalf("no testdata/%s to seed the fuzzer with", pattern)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// edgeChecker reports query errors at the edges of the query, and outside it
// as a careless checker might.
func edgeChecker(q string) []QueryError {
	var errs []QueryError
	for _, off := range []int{-1, 0, len(q) / 2, len(q) - 1, len(q), len(q) + 5} {
		errs = append(errs, QueryError{Offset: off, Message: "x"})
	}
	return errs
}

// checkLoad loads one file and checks what must hold whatever its content:
// no panic, every problem names the file and a line inside it (and, for the
// positions eqlrunner computes itself, a column inside that line), and every
// rule that loads is a valid EQL rule.
func checkLoad(t *testing.T, name string, data []byte) {
	lines := bytes.Split(data, []byte{'\n'})
	files := []sourceFile{{path: name, data: data}}
	checked := loadFiles(LoadOptions{CheckQuery: edgeChecker}, files)
	res := loadFiles(LoadOptions{}, files)
	for _, p := range append(checked.Problems, res.Problems...) {
		if p.Pos.Path != name {
			t.Errorf("problem %q: path %q, want %q", p, p.Pos.Path, name)
		}
		if p.Pos.Line < 1 || p.Pos.Line > len(lines) {
			t.Errorf("problem %q: line %d outside 1..%d", p, p.Pos.Line, len(lines))
			continue
		}
		if p.Pos.Col < 0 {
			t.Errorf("problem %q: column %d", p, p.Pos.Col)
		}
		// A column, where there is one, is a byte of the line or just past
		// its end. JSON errors always have one.
		if p.Pos.Col != 0 || strings.HasPrefix(p.Message, "invalid JSON") {
			if limit := len(lines[p.Pos.Line-1]) + 1; p.Pos.Col < 1 || p.Pos.Col > limit {
				t.Errorf("problem %q: column %d outside 1..%d", p, p.Pos.Col, limit)
			}
		}
		if p.Message == "" {
			t.Errorf("problem %q has no message", p)
		}
	}
	for _, r := range res.Rules {
		if r.Source.Path != name || r.Source.Line < 1 || r.Source.Line > len(lines) {
			t.Errorf("rule %q: source %+v", r.RuleID, r.Source)
		}
		if r.Type != "eql" || r.RuleID == "" || r.MaxSignals < 1 || r.RiskScore < 0 || r.RiskScore > 100 || r.IntervalDuration() <= 0 || r.Lookback() <= 0 {
			t.Errorf("rule %q loaded but is not valid: %+v", r.RuleID, r)
		}
	}
}
