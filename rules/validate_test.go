package rules

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The rule_id of baseTOML and baseNDJSON.
const baseID = "0b9a8d6c-1c1e-4a57-9f3a-7e0d1c2b3a41"

// threatTOML appends one [[rule.threat]] with its tactic and techniques,
// starting on line 24 of ruleTOML's output.
func threatTOML(framework, tactic string, techniques ...string) []string {
	lines := []string{"[[rule.threat]]", "+framework = " + quote(framework)} // 24, 25
	lines = append(lines, techniques...)
	return append(lines,
		"[rule.threat.tactic]",
		"+id = "+quote(tactic),
		"+name = \"Defense Evasion\"",
		"+reference = \"https://attack.mitre.org/tactics/TA0005/\"",
	)
}

func quote(s string) string { return `"` + s + `"` }

func TestValidateReportsEveryProblemAtItsKey(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		want   []string // Problems, in order, as path:line: field: message.
		loaded []string // rule_ids that load.
	}{
		{
			name:   "valid rule",
			files:  map[string]string{"rule.toml": ruleTOML()},
			loaded: []string{baseID},
		},

		// Required fields: a missing key is reported at the [rule] line.
		{
			name:  "missing rule_id",
			files: map[string]string{"rule.toml": ruleTOML("-rule_id")},
			want:  []string{"rule.toml:6: rule_id: required"},
		},
		{
			name:  "missing name",
			files: map[string]string{"rule.toml": ruleTOML("-name")},
			want:  []string{"rule.toml:6: name: required"},
		},
		{
			name:  "blank name",
			files: map[string]string{"rule.toml": ruleTOML(`name = "  "`)},
			want:  []string{"rule.toml:15: name: required"},
		},
		{
			name:  "missing description",
			files: map[string]string{"rule.toml": ruleTOML("-description")},
			want:  []string{"rule.toml:6: description: required"},
		},
		{
			name:  "missing query",
			files: map[string]string{"rule.toml": ruleTOML("-query")},
			want:  []string{"rule.toml:6: query: required"},
		},
		{
			name:  "missing index",
			files: map[string]string{"rule.toml": ruleTOML("-index")},
			want:  []string{"rule.toml:6: index: required: at least one index pattern"},
		},
		{
			name:  "empty index pattern",
			files: map[string]string{"rule.toml": ruleTOML(`index = ["logs-*", ""]`)},
			want:  []string{"rule.toml:10: index[1]: empty index pattern"},
		},
		{
			name:  "missing risk_score",
			files: map[string]string{"rule.toml": ruleTOML("-risk_score")},
			want:  []string{"rule.toml:6: risk_score: required"},
		},
		{
			name:  "missing severity",
			files: map[string]string{"rule.toml": ruleTOML("-severity")},
			want:  []string{"rule.toml:6: severity: required"},
		},
		{
			name:  "missing type",
			files: map[string]string{"rule.toml": ruleTOML("-type")},
			want:  []string{"rule.toml:6: type: required"},
		},
		{
			name: "several required fields missing",
			files: map[string]string{"rule.toml": ruleTOML(
				"-name", "-description", "-index", "-risk_score", "-severity", "-query")},
			want: []string{
				"rule.toml:6: name: required",
				"rule.toml:6: description: required",
				"rule.toml:6: query: required",
				"rule.toml:6: index: required: at least one index pattern",
				"rule.toml:6: risk_score: required",
				"rule.toml:6: severity: required",
			},
		},

		// Type and language.
		{
			name: "query rule is rejected by its type name",
			files: map[string]string{"rule.toml": ruleTOML(
				`type = "query"`, `language = "kuery"`, "-query", `query = 'process.name : "certutil.exe"'`)},
			want: []string{`rule.toml:19: type: unsupported rule type "query": eqlrunner runs EQL rules only`},
		},
		{
			name:  "threshold rule is rejected by its type name",
			files: map[string]string{"rule.toml": ruleTOML(`type = "threshold"`)},
			want:  []string{`rule.toml:19: type: unsupported rule type "threshold": eqlrunner runs EQL rules only`},
		},
		{
			name:  "eql rule in another language",
			files: map[string]string{"rule.toml": ruleTOML(`language = "kuery"`)},
			want:  []string{`rule.toml:12: language: an eql rule must have language "eql", not "kuery"`},
		},
		{
			name:   "eql rule without a language",
			files:  map[string]string{"rule.toml": ruleTOML("-language")},
			loaded: []string{baseID},
		},

		// The search window and schedule.
		{
			name:  "from in calendar months",
			files: map[string]string{"rule.toml": ruleTOML(`from = "now-1M"`)},
			want:  []string{`rule.toml:9: from: "now-1M" is not date math of the form now-<n><s|m|h|d>`},
		},
		{
			name:  "from rounded",
			files: map[string]string{"rule.toml": ruleTOML(`from = "now/d"`)},
			want:  []string{`rule.toml:9: from: "now/d" is not date math of the form now-<n><s|m|h|d>`},
		},
		{
			name:  "from without now",
			files: map[string]string{"rule.toml": ruleTOML(`from = "9m"`)},
			want:  []string{`rule.toml:9: from: "9m" is not date math of the form now-<n><s|m|h|d>`},
		},
		{
			name:   "from in seconds",
			files:  map[string]string{"rule.toml": ruleTOML(`from = "now-540s"`)},
			loaded: []string{baseID},
		},
		{
			name:  "to in the future",
			files: map[string]string{"rule.toml": ruleTOML(`to = "now+5m"`)},
			want:  []string{`rule.toml:24: to: "now+5m" is not date math of the form now-<n><s|m|h|d>`},
		},
		{
			name:  "to before from",
			files: map[string]string{"rule.toml": ruleTOML(`to = "now-10m"`)},
			want:  []string{`rule.toml:9: from: from "now-9m" is not before to "now-10m"`},
		},
		{
			name:  "from equal to to",
			files: map[string]string{"rule.toml": ruleTOML(`from = "now"`)},
			want:  []string{`rule.toml:9: from: from "now" is not before to "now"`},
		},
		{
			name:  "zero interval",
			files: map[string]string{"rule.toml": ruleTOML(`interval = "0m"`)},
			want:  []string{`rule.toml:11: interval: "0m" is not a positive duration`},
		},
		{
			name:  "interval in an unknown unit",
			files: map[string]string{"rule.toml": ruleTOML(`interval = "5x"`)},
			want:  []string{`rule.toml:11: interval: "5x" is not a duration of the form <n><s|m|h|d>`},
		},
		{
			name:   "lookback shorter than the interval is a warning",
			files:  map[string]string{"rule.toml": ruleTOML(`from = "now-2m"`)},
			want:   []string{"rule.toml:9: warning: from: lookback 2m (to − from) is shorter than the interval 5m: runs will leave gaps"},
			loaded: []string{baseID},
		},
		{
			name:   "lookback equal to the interval",
			files:  map[string]string{"rule.toml": ruleTOML(`from = "now-5m"`)},
			loaded: []string{baseID},
		},

		// Numbers.
		{
			name:  "max_signals 0",
			files: map[string]string{"rule.toml": ruleTOML(`max_signals = 0`)},
			want:  []string{"rule.toml:14: max_signals: 0 is outside 1..1000"},
		},
		{
			name:  "max_signals 1001",
			files: map[string]string{"rule.toml": ruleTOML(`max_signals = 1001`)},
			want:  []string{"rule.toml:14: max_signals: 1001 is outside 1..1000"},
		},
		{
			name:   "max_signals 1000",
			files:  map[string]string{"rule.toml": ruleTOML(`max_signals = 1000`)},
			loaded: []string{baseID},
		},
		{
			name:  "risk_score 101",
			files: map[string]string{"rule.toml": ruleTOML(`risk_score = 101`)},
			want:  []string{"rule.toml:16: risk_score: 101 is outside 0..100"},
		},
		{
			name:  "risk_score -1 is out of range, not missing",
			files: map[string]string{"rule.toml": ruleTOML(`risk_score = -1`)},
			want:  []string{"rule.toml:16: risk_score: -1 is outside 0..100"},
		},
		{
			name:  "fractional risk_score",
			files: map[string]string{"rule.toml": ruleTOML(`risk_score = 73.5`)},
			want:  []string{"rule.toml:16: risk_score: want a whole number, got 73.5"},
		},
		{
			name:  "risk_score as a string",
			files: map[string]string{"rule.toml": ruleTOML(`risk_score = "73"`)},
			want:  []string{"rule.toml:16: risk_score: want a number, got a string"},
		},
		{
			name:  "risk_score too large for an int",
			files: map[string]string{"rule.toml": ruleTOML(`risk_score = 9999999999`)},
			want:  []string{"rule.toml:16: risk_score: 9999999999 is out of range"},
		},

		// Severity.
		{
			name:  "unknown severity",
			files: map[string]string{"rule.toml": ruleTOML(`severity = "urgent"`)},
			want:  []string{`rule.toml:18: severity: "urgent" is not one of low, medium, high, critical`},
		},
		{
			name:   "severity and risk_score in different bands is a warning",
			files:  map[string]string{"rule.toml": ruleTOML(`severity = "low"`)},
			want:   []string{"rule.toml:16: warning: risk_score: 47 is outside the low band 0–21"},
			loaded: []string{baseID},
		},
		{
			name:   "critical severity at the bottom of its band",
			files:  map[string]string{"rule.toml": ruleTOML(`severity = "critical"`, `risk_score = 74`)},
			loaded: []string{baseID},
		},

		// Wrongly typed values are reported once, by the decoder.
		{
			name:  "index as a string",
			files: map[string]string{"rule.toml": ruleTOML(`index = "logs-*"`)},
			want:  []string{"rule.toml:10: index: want an array of strings, got a string"},
		},
		{
			name:  "type as a number",
			files: map[string]string{"rule.toml": ruleTOML(`type = 1`)},
			want:  []string{"rule.toml:19: type: want a string, got a number"},
		},
		{
			name:  "tag that is not a string",
			files: map[string]string{"rule.toml": ruleTOML(`tags = ["OS: Windows", 5]`)},
			want:  []string{"rule.toml:24: tags: item 1: want a string, got a number"},
		},
		{
			name:  "enabled as a string",
			files: map[string]string{"rule.toml": ruleTOML(`enabled = "yes"`)},
			want:  []string{"rule.toml:24: enabled: want true or false, got a string"},
		},

		// ATT&CK.
		{
			name: "ATT&CK tactic, technique and subtechnique",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
				"[[rule.threat.technique]]", `+id = "T1055"`, `+name = "Process Injection"`,
				"[[rule.threat.technique.subtechnique]]", `+id = "T1055.012"`, `+name = "Process Hollowing"`)...)},
			loaded: []string{baseID},
		},
		{
			name:  "tactic id too short",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA05")...)},
			want:  []string{`rule.toml:27: threat[0].tactic.id: "TA05" is not an ATT&CK tactic id (TA####)`},
		},
		{
			name:  "tactic id given as a technique",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "T1055")...)},
			want:  []string{`rule.toml:27: threat[0].tactic.id: "T1055" is not an ATT&CK tactic id (TA####)`},
		},
		{
			name: "technique id too short",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
				"[[rule.threat.technique]]", `+id = "T12"`)...)},
			want: []string{`rule.toml:27: threat[0].technique[0].id: "T12" is not an ATT&CK technique id (T####)`},
		},
		{
			name: "subtechnique id given as a technique",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
				"[[rule.threat.technique]]", `+id = "T1055.012"`)...)},
			want: []string{`rule.toml:27: threat[0].technique[0].id: "T1055.012" is not an ATT&CK technique id (T####)`},
		},
		{
			name: "subtechnique id without its three digits",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
				"[[rule.threat.technique]]", `+id = "T1055"`,
				"[[rule.threat.technique.subtechnique]]", `+id = "T1055.1"`)...)},
			want: []string{`rule.toml:29: threat[0].technique[0].subtechnique[0].id: "T1055.1" is not an ATT&CK subtechnique id (T####.###)`},
		},
		{
			name: "subtechnique under another technique",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATT&CK", "TA0005",
				"[[rule.threat.technique]]", `+id = "T1055"`,
				"[[rule.threat.technique.subtechnique]]", `+id = "T1056.001"`)...)},
			want: []string{`rule.toml:29: threat[0].technique[0].subtechnique[0].id: "T1056.001" is not a subtechnique of T1055`},
		},
		{
			name: "problems in the second threat entry name it",
			files: map[string]string{"rule.toml": ruleTOML(append(threatTOML("MITRE ATT&CK", "TA0005"),
				threatTOML("MITRE ATT&CK", "TA2")...)...)},
			want: []string{`rule.toml:33: threat[1].tactic.id: "TA2" is not an ATT&CK tactic id (TA####)`},
		},
		{
			name: "other frameworks' ids are not checked",
			files: map[string]string{"rule.toml": ruleTOML(threatTOML("MITRE ATLAS", "AML.TA0005",
				"[[rule.threat.technique]]", `+id = "AML.T0051"`,
				"[[rule.threat.technique.subtechnique]]", `+id = "AML.T0051.000"`)...)},
			loaded: []string{baseID},
		},
		{
			name: "threat without a framework or tactic id",
			files: map[string]string{"rule.toml": ruleTOML(
				"[[rule.threat]]", "[[rule.threat.technique]]", `+id = "T1055"`)},
			want: []string{
				"rule.toml:24: threat[0].framework: required",
				"rule.toml:24: threat[0].tactic.id: required",
			},
		},

		// Other fields.
		{
			name:  "building block type other than default",
			files: map[string]string{"rule.toml": ruleTOML(`building_block_type = "custom"`)},
			want:  []string{`rule.toml:24: building_block_type: "custom" is not "default"`},
		},
		{
			name:   "building block rule",
			files:  map[string]string{"rule.toml": ruleTOML(`building_block_type = "default"`)},
			loaded: []string{baseID},
		},
		{
			name:  "data view instead of index patterns",
			files: map[string]string{"rule.toml": ruleTOML("-index", `data_view_id = "security-solution-default"`)},
			want: []string{
				"rule.toml:6: index: required: at least one index pattern",
				"rule.toml:24: data_view_id: data views are not supported: list the index patterns in index",
			},
		},
		{
			name:   "data view next to index patterns",
			files:  map[string]string{"rule.toml": ruleTOML(`data_view_id = "security-solution-default"`)},
			loaded: []string{baseID},
		},

		// The whole load.
		{
			name:   "duplicate rule_id across two files",
			files:  map[string]string{"a.toml": ruleTOML(), "b.toml": ruleTOML()},
			want:   []string{`b.toml:17: rule_id: duplicate rule_id "` + baseID + `": first defined at a.toml:17`},
			loaded: []string{baseID},
		},
		{
			name:   "duplicate rule_id across TOML and NDJSON",
			files:  map[string]string{"a.toml": ruleTOML(), "b.ndjson": ruleNDJSON(t, nil)},
			want:   []string{`b.ndjson:1: rule_id: duplicate rule_id "` + baseID + `": first defined at a.toml:17`},
			loaded: []string{baseID},
		},
		{
			name: "every problem of a file at once",
			files: map[string]string{"rule.toml": ruleTOML(
				`from = "now/d"`, `interval = "5x"`, `language = "kuery"`, `max_signals = 1001`,
				`risk_score = 101`, `severity = "urgent"`, `tags = [1]`)},
			want: []string{
				`rule.toml:9: from: "now/d" is not date math of the form now-<n><s|m|h|d>`,
				`rule.toml:11: interval: "5x" is not a duration of the form <n><s|m|h|d>`,
				`rule.toml:12: language: an eql rule must have language "eql", not "kuery"`,
				"rule.toml:14: max_signals: 1001 is outside 1..1000",
				"rule.toml:16: risk_score: 101 is outside 0..100",
				`rule.toml:18: severity: "urgent" is not one of low, medium, high, critical`,
				"rule.toml:24: tags: item 0: want a string, got a number",
			},
		},
		{
			name: "problems of several files at once, valid rules still load",
			files: map[string]string{
				"a.toml": ruleTOML(`rule_id = "a"`, `risk_score = 101`),
				"b.toml": ruleTOML(`rule_id = "b"`),
				"c.toml": ruleTOML(`rule_id = "c"`, `type = "query"`),
			},
			want: []string{
				"a.toml:16: risk_score: 101 is outside 0..100",
				`c.toml:19: type: unsupported rule type "query": eqlrunner runs EQL rules only`,
			},
			loaded: []string{"b"},
		},
		{
			name:  "broken TOML syntax",
			files: map[string]string{"rule.toml": ruleTOML(`name = "Certutil download`)},
			want:  []string{"rule.toml:15:26: invalid TOML: basic strings cannot have new lines"},
		},
		{
			name:  "key written twice",
			files: map[string]string{"rule.toml": ruleTOML(`+name = "Again"`)},
			want:  []string{"rule.toml:24:1: invalid TOML: key name is already defined"},
		},
		{
			// Line 1 shifts the base by one line. Which of the two keys named
			// risk_score took the position used to depend on map order.
			name:  "top-level key does not take the position of the [rule] key of the same name",
			files: map[string]string{"rule.toml": "risk_score = 1\n" + ruleTOML(`risk_score = 101`)},
			want:  []string{"rule.toml:17: risk_score: 101 is outside 0..100"},
		},
		{
			name:  "TOML file without a [rule] table",
			files: map[string]string{"rule.toml": "[metadata]\ncreation_date = \"2024/05/01\"\n"},
			want:  []string{"rule.toml:1: not a rule file: no [rule] table"},
		},
		{
			name:  "empty TOML file",
			files: map[string]string{"rule.toml": ""},
			want:  []string{"rule.toml:1: not a rule file: no [rule] table"},
		},

		// Kibana exports: the record's line.
		{
			name: "export lines each report their own problems",
			files: map[string]string{"rules.ndjson": ruleNDJSON(t,
				map[string]any{"rule_id": "a", "name": nil},
				map[string]any{"rule_id": "b", "type": "query", "language": "kuery"},
				map[string]any{"rule_id": "c", "risk_score": "73", "severity": "urgent"},
				map[string]any{"rule_id": "d", "index": nil, "data_view_id": "security-solution-default"},
				map[string]any{"rule_id": "e"},
			)},
			want: []string{
				"rules.ndjson:1: name: required",
				`rules.ndjson:2: type: unsupported rule type "query": eqlrunner runs EQL rules only`,
				"rules.ndjson:3: risk_score: want a number, got a string",
				`rules.ndjson:3: severity: "urgent" is not one of low, medium, high, critical`,
				"rules.ndjson:4: data_view_id: data views are not supported: list the index patterns in index",
				"rules.ndjson:4: index: required: at least one index pattern",
			},
			loaded: []string{"e"},
		},
		{
			name: "fractional risk_score in an export",
			files: map[string]string{"rules.ndjson": ruleNDJSON(t,
				map[string]any{"risk_score": 47.5})},
			want: []string{"rules.ndjson:1: risk_score: want a whole number, got 47.5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			res, got := loadIn(t, dir, LoadOptions{}, ".")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.loaded, ruleIDs(res)); diff != "" {
				t.Errorf("loaded rules (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnsupportedTypesAreMarked lets a caller loading a mixed repository
// leave out the rules of other types and nothing else.
func TestUnsupportedTypesAreMarked(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"query.toml":    ruleTOML(`type = "query"`),
		"missing.toml":  ruleTOML("-type"),
		"badscore.toml": ruleTOML(`risk_score = 300`),
	})
	res, _ := loadIn(t, dir, LoadOptions{}, ".")
	got := map[string]bool{}
	for _, p := range res.Problems {
		got[filepath.Base(p.Pos.Path)+" "+p.Field] = p.Unsupported
	}
	want := map[string]bool{"query.toml type": true, "missing.toml type": false, "badscore.toml risk_score": false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Unsupported by problem (-want +got):\n%s", diff)
	}
}
