package rules

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// markerChecker is a stand-in for the EQL parser: it reports an error at
// every "BAD" in the query, and at the end of a query that holds "EOF".
func markerChecker(query string) []QueryError {
	var errs []QueryError
	for i := 0; ; {
		j := strings.Index(query[i:], "BAD")
		if j < 0 {
			break
		}
		errs = append(errs, QueryError{Offset: i + j, Message: "unexpected BAD"})
		i += j + 3
	}
	if strings.Contains(query, "EOF") {
		errs = append(errs, QueryError{Offset: len(query), Message: "unexpected end of query"})
	}
	return errs
}

func TestCheckQueryErrorsAreReportedAtTheirFilePosition(t *testing.T) {
	withQuery := func(lines ...string) string {
		edits := []string{"-query"}
		for _, l := range lines {
			edits = append(edits, "+"+l)
		}
		return ruleTOML(edits...) // The query starts on line 24.
	}
	tests := []struct {
		name string
		file string // rule.toml, or rules.ndjson when it starts with "{".
		want []string
	}{
		{
			name: "multi-line literal string",
			file: withQuery(
				`query = '''`,
				`process where process.name == "x" and`,
				`  BAD == 1`,
				`'''`),
			want: []string{"rule.toml:26:3: query: unexpected BAD"},
		},
		{
			name: "multi-line literal string keeps backslashes as written",
			file: withQuery(
				`query = '''`,
				`file where file.path : "C:\\Windows\\*" and BAD`,
				`'''`),
			want: []string{"rule.toml:25:45: query: unexpected BAD"},
		},
		{
			name: "multi-line literal string with CRLF line ends",
			file: strings.ReplaceAll(withQuery(
				`query = '''`,
				`process where true and`,
				`  BAD`,
				`'''`), "\n", "\r\n"),
			want: []string{"rule.toml:26:3: query: unexpected BAD"},
		},
		{
			name: "multi-line basic string with escapes",
			file: withQuery(
				`query = """`,
				`process where process.executable : "C:\\Windows\\x.exe" and process.args : "\"q\"" and\nBAD == 1"""`),
			want: []string{"rule.toml:25:89: query: unexpected BAD"},
		},
		{
			name: "multi-line basic string with a line-ending backslash",
			file: withQuery(
				`query = """`,
				`process where \`,
				`    BAD"""`),
			want: []string{"rule.toml:26:5: query: unexpected BAD"},
		},
		{
			name: "multi-line basic string with a unicode escape",
			file: withQuery(
				`query = """`,
				`process where process.name : "caf\u00e9.exe" and BAD"""`),
			want: []string{"rule.toml:25:50: query: unexpected BAD"},
		},
		{
			name: "single-line basic string",
			file: withQuery(`query = "process where process.args : \"\\\\BAD\""`),
			want: []string{"rule.toml:24:45: query: unexpected BAD"},
		},
		{
			name: "single-line literal string",
			file: withQuery(`query = 'process where BAD'`),
			want: []string{"rule.toml:24:24: query: unexpected BAD"},
		},
		{
			name: "error at the start of the query",
			file: withQuery(`query = "BAD where true"`),
			want: []string{"rule.toml:24:10: query: unexpected BAD"},
		},
		{
			name: "error at the end of the query",
			file: withQuery(
				`query = '''`,
				`process where EOF`,
				`'''`),
			want: []string{"rule.toml:26:1: query: unexpected end of query"},
		},
		{
			name: "every error of a query",
			file: withQuery(
				`query = '''`,
				`sequence [process where BAD]`,
				`  [network where BAD]`,
				`'''`),
			want: []string{
				"rule.toml:25:25: query: unexpected BAD",
				"rule.toml:26:18: query: unexpected BAD",
			},
		},
		{
			name: "export line",
			file: `{"rule_id":"x","name":"n","description":"d","type":"eql","language":"eql","index":["logs-*"],"risk_score":21,"severity":"low","version":1,` +
				`"query":"process where process.executable : \"C:\\\\Windows\\\\x.exe\" and\n BAD"}` + "\n",
			want: []string{"rules.ndjson:1:216: query: unexpected BAD"},
		},
		{
			name: "export line with spaces after the colons, as Python writes it",
			file: `{"rule_id": "x", "name": "n", "description": "d", "type": "eql", "language": "eql", "index": ["logs-*"], "risk_score": 21, "severity": "low", "version": 1, ` +
				`"query":` + "\t\r " + `"any where process.name:\"caf\u00e9\" and BAD"}` + "\n",
			want: []string{"rules.ndjson:1:210: query: unexpected BAD"},
		},
		{
			name: "export line after other lines, with a surrogate pair",
			file: "\n" + `{"exported_count":0}` + "\n" +
				`{"query":"process where process.name : \"\ud83d\udd0d\" and BAD","rule_id":"x","name":"n","description":"d","type":"eql","index":["logs-*"],"risk_score":21,"severity":"low","version":1}` + "\n",
			want: []string{"rules.ndjson:3:61: query: unexpected BAD"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "rule.toml"
			if strings.HasPrefix(strings.TrimSpace(tt.file), "{") {
				name = "rules.ndjson"
			}
			if marker := markerPositions(tt.file, name); len(marker) > 0 {
				// The expectations are written by hand; check them against
				// where the marker sits in the file.
				var want []string
				for _, w := range tt.want {
					want = append(want, strings.SplitN(w, ": ", 2)[0])
				}
				if diff := cmp.Diff(marker, want); diff != "" {
					t.Fatalf("test expectation is not where BAD is in the file (-marker +want):\n%s", diff)
				}
			}
			dir := writeTree(t, map[string]string{name: tt.file})
			_, got := loadIn(t, dir, LoadOptions{CheckQuery: markerChecker}, name)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// markerPositions returns the path:line:col of every BAD in the file text.
func markerPositions(file, name string) []string {
	var out []string
	for n, line := range strings.Split(file, "\n") {
		for i := 0; ; {
			j := strings.Index(line[i:], "BAD")
			if j < 0 {
				break
			}
			out = append(out, name+":"+strconv.Itoa(n+1)+":"+strconv.Itoa(i+j+1))
			i += j + 3
		}
	}
	return out
}

// TestCheckQueryIsOnlyCalledForEQLRulesWithAQuery: the seam is not called
// for rules that are rejected before the query matters.
func TestCheckQueryIsOnlyCalledForEQLRulesWithAQuery(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"eql.toml":   ruleTOML(`rule_id = "eql"`),
		"kuery.toml": ruleTOML(`rule_id = "kuery"`, `type = "query"`, `language = "kuery"`),
		"empty.toml": ruleTOML(`rule_id = "empty"`, "-query", `query = "  "`),
	})
	var checked []string
	check := func(q string) []QueryError {
		checked = append(checked, q)
		return nil
	}
	loadIn(t, dir, LoadOptions{CheckQuery: check}, ".")
	want := []string{"process where process.name == \"certutil.exe\" and process.args : \"-urlcache\"\n"}
	if diff := cmp.Diff(want, checked); diff != "" {
		t.Errorf("queries checked (-want +got):\n%s", diff)
	}
}
