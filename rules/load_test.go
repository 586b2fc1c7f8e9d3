package rules

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// notARule fails to load: a test that expects it skipped fails if it is read.
const notARule = "this is [not TOML\n"

func TestLoadWalksDirectoryTrees(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		paths  []string
		want   []string // Problems.
		loaded []string // rule_ids, in load order.
	}{
		{
			name: "rule files anywhere in the tree, in lexical order",
			files: map[string]string{
				"windows/b.toml":       ruleTOML(`rule_id = "b"`),
				"a.toml":               ruleTOML(`rule_id = "a"`),
				"exports/c.ndjson":     ruleNDJSON(t, map[string]any{"rule_id": "c"}),
				"linux/deep/er/d.TOML": ruleTOML(`rule_id = "d"`),
			},
			paths:  []string{"."},
			loaded: []string{"a", "c", "d", "b"},
		},
		{
			name: "hidden directories are skipped",
			files: map[string]string{
				"a.toml":                ruleTOML(`rule_id = "a"`),
				".git/b.toml":           notARule,
				"windows/.cache/c.toml": notARule,
			},
			paths:  []string{"."},
			loaded: []string{"a"},
		},
		{
			name:   "a hidden directory named as the root is loaded",
			files:  map[string]string{".rules/a.toml": ruleTOML(`rule_id = "a"`)},
			paths:  []string{".rules"},
			loaded: []string{"a"},
		},
		{
			name: "files that are not rules are ignored in a tree",
			files: map[string]string{
				"a.toml":             ruleTOML(`rule_id = "a"`),
				"README.md":          "# Rules\n",
				"notes.txt":          notARule,
				"windows/rules.json": "[]",
				"windows/a.toml.bak": notARule,
			},
			paths:  []string{"."},
			loaded: []string{"a"},
		},
		{
			name:  "a file that is not a rule, named explicitly, is a problem",
			files: map[string]string{"a.toml": ruleTOML(`rule_id = "a"`), "notes.txt": "hello\n"},
			paths: []string{"notes.txt", "a.toml"},
			want: []string{
				"notes.txt: not a rule file: want .toml (detection-rules) or .ndjson (Kibana export)",
			},
			loaded: []string{"a"},
		},
		{
			name:   "a missing path is a problem, the other paths still load",
			files:  map[string]string{"a.toml": ruleTOML(`rule_id = "a"`)},
			paths:  []string{"missing", "a.toml", "gone.toml"},
			want:   []string{"gone.toml: no such file or directory", "missing: no such file or directory"},
			loaded: []string{"a"},
		},
		{
			name: "files and trees in one load",
			files: map[string]string{
				"one.toml":      ruleTOML(`rule_id = "one"`),
				"tree/a.toml":   ruleTOML(`rule_id = "a"`),
				"tree/b.ndjson": ruleNDJSON(t, map[string]any{"rule_id": "b"}),
			},
			paths:  []string{"tree", "one.toml"},
			loaded: []string{"a", "b", "one"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			res, got := loadIn(t, dir, LoadOptions{}, tt.paths...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.loaded, ruleIDs(res)); diff != "" {
				t.Errorf("loaded rules (-want +got):\n%s", diff)
			}
		})
	}
}

// versionLock writes a detection-rules version.lock.json entry for baseID:
// the released version at the top level, a newer one under stack_emit that
// must be ignored.
func versionLock(version int) string {
	return fmt.Sprintf(`{
  %q: {
    "rule_name": "Certutil download",
    "sha256": "d6c1aa3c45cbcc3f9d96b8f85efd889c870bb8993049a36ef372ca20e882d8c7",
    "stack_emit": {"9.5": {"sha256": "a8e6c698015a6cf694f0292a351ac00b9d6aeaf2c4f9a8ce5b2f6276eef7c185", "transforms": ["mitre_attack_v19"], "version": %d}},
    "type": "eql",
    "version": %d
  },
  "00140285-b827-4aee-aa09-8113f58a08f3": {"rule_name": "Other", "sha256": "e16e", "type": "eql", "version": 322}
}
`, baseID, version+1, version)
}

func TestLoadTakesTheVersionFromTheFileOrTheVersionLock(t *testing.T) {
	unversioned := ruleTOML("-version")
	tests := []struct {
		name    string
		files   map[string]string
		paths   []string
		lock    VersionLock // LoadOptions.VersionLock, as --version-lock gives it.
		version int
		want    []string
	}{
		{
			name:    "version in the file beats the version lock",
			files:   map[string]string{"rules/a.toml": ruleTOML("version = 3"), "version.lock.json": versionLock(318)},
			paths:   []string{"."},
			version: 3,
		},
		{
			name:    "version lock at the root of the loaded directory",
			files:   map[string]string{"rules/windows/a.toml": unversioned, "version.lock.json": versionLock(318)},
			paths:   []string{"."},
			version: 318,
		},
		{
			name: "version lock under detection_rules/etc, as in the detection-rules repository",
			files: map[string]string{
				"rules/windows/a.toml":                      unversioned,
				"detection_rules/etc/version.lock.json":     versionLock(318),
				"detection_rules/etc/deprecated_rules.json": "{}",
			},
			paths:   []string{"."},
			version: 318,
		},
		{
			name: "the root lock is preferred to detection_rules/etc",
			files: map[string]string{
				"a.toml":                                unversioned,
				"version.lock.json":                     versionLock(5),
				"detection_rules/etc/version.lock.json": versionLock(318),
			},
			paths:   []string{"."},
			version: 5,
		},
		{
			name:    "a version lock in a subdirectory is not looked for",
			files:   map[string]string{"rules/a.toml": unversioned, "rules/version.lock.json": versionLock(318)},
			paths:   []string{"."},
			version: 1,
			want:    []string{`rules/a.toml:17: warning: version: not set and no version.lock.json entry for "` + baseID + `": using 1`},
		},
		{
			name:    "explicit version lock",
			files:   map[string]string{"a.toml": unversioned},
			paths:   []string{"a.toml"},
			lock:    VersionLock{baseID: 42},
			version: 42,
		},
		{
			name:    "explicit version lock beats a discovered one",
			files:   map[string]string{"a.toml": unversioned, "version.lock.json": versionLock(318)},
			paths:   []string{"."},
			lock:    VersionLock{baseID: 42},
			version: 42,
		},
		{
			name:    "explicit version lock gives versions to export lines without one",
			files:   map[string]string{"a.ndjson": ruleNDJSON(t, map[string]any{"version": nil})},
			paths:   []string{"a.ndjson"},
			lock:    VersionLock{baseID: 42},
			version: 42,
		},
		{
			name:    "no version anywhere is a warning and version 1",
			files:   map[string]string{"a.toml": unversioned},
			paths:   []string{"a.toml"},
			version: 1,
			want:    []string{`a.toml:17: warning: version: not set and no version.lock.json entry for "` + baseID + `": using 1`},
		},
		{
			name:    "version lock without an entry for the rule",
			files:   map[string]string{"a.toml": unversioned},
			paths:   []string{"a.toml"},
			lock:    VersionLock{"00140285-b827-4aee-aa09-8113f58a08f3": 322},
			version: 1,
			want:    []string{`a.toml:17: warning: version: not set and no version.lock.json entry for "` + baseID + `": using 1`},
		},
		{
			name:    "broken version lock is a problem, rules still load",
			files:   map[string]string{"a.toml": unversioned, "version.lock.json": `{"x": `},
			paths:   []string{"."},
			version: 1,
			want: []string{
				`a.toml:17: warning: version: not set and no version.lock.json entry for "` + baseID + `": using 1`,
				"version.lock.json: unexpected end of JSON input",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			res, got := loadIn(t, dir, LoadOptions{VersionLock: tt.lock}, tt.paths...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if len(res.Rules) != 1 {
				t.Fatalf("loaded %d rules, want 1", len(res.Rules))
			}
			if got := res.Rules[0].Version; got != tt.version {
				t.Errorf("version = %d, want %d", got, tt.version)
			}
		})
	}
}

func TestLoadRendersTransformsIntoTheNote(t *testing.T) {
	investigate := func(label string) string {
		return "+[[transform.investigate]]\n" +
			"label = " + quote(label) + "\n" +
			"description = \"\"\n" +
			"providers = [[{ excluded = false, field = \"host.id\", queryType = \"phrase\", value = \"{{host.id}}\", valueType = \"string\" }]]\n" +
			"relativeFrom = \"now-48h/h\"\n" +
			"relativeTo = \"now\""
	}
	rendered := func(label string) string {
		return `!{investigate{"description":"","label":"` + label + `","providers":[[{"excluded":false,"field":"host.id","queryType":"phrase","value":"{{host.id}}","valueType":"string"}]],"relativeFrom":"now-48h/h","relativeTo":"now"}}`
	}
	tests := []struct {
		name  string
		edits []string
		note  string
	}{
		{
			name: "investigate and osquery entries, compact JSON with sorted keys",
			edits: []string{
				`note = """## Triage` + "\n\n" + `- Alerts for the host: $investigate_0` + "\n" + `- DNS cache: $osquery_0` + "\n" + `- Again: $investigate_0"""`,
				"[transform]",
				investigate("Alerts associated with the host"),
				"+[[transform.osquery]]",
				`+label = "Osquery - Retrieve DNS Cache"`,
				`+query = "SELECT * FROM dns_cache"`,
			},
			note: "## Triage\n\n- Alerts for the host: " + rendered("Alerts associated with the host") +
				"\n- DNS cache: " + `!{osquery{"label":"Osquery - Retrieve DNS Cache","query":"SELECT * FROM dns_cache"}}` +
				"\n- Again: " + rendered("Alerts associated with the host"),
		},
		{
			name: "non-ASCII escaped as Python's json.dumps does, HTML characters kept",
			edits: []string{
				`note = "See $investigate_0"`,
				"[transform]",
				investigate("Événements <&> on 🔍 host"),
			},
			note: "See " + rendered(`\u00c9v\u00e9nements <&> on \ud83d\udd0d host`),
		},
		{
			name: "investigate_1 does not eat the prefix of investigate_10",
			edits: func() []string {
				e := []string{`note = "one $investigate_1, ten $investigate_10."`, "[transform]"}
				for i := range 11 {
					e = append(e, investigate(fmt.Sprintf("entry %d", i)))
				}
				return e
			}(),
			note: "one " + rendered("entry 1") + ", ten " + rendered("entry 10") + ".",
		},
		{
			name:  "a placeholder without an entry is left alone",
			edits: []string{`note = "See $investigate_3"`, "[transform]", investigate("only")},
			note:  "See $investigate_3",
		},
		{
			name: "placeholders follow Python's string.Template",
			edits: []string{
				`note = "Costs $$5; ${investigate_0}; $investigate_0x; $unknown_1; $ 5"`,
				"[transform]",
				investigate("only"),
			},
			note: "Costs $5; " + rendered("only") + "; $investigate_0x; $unknown_1; $ 5",
		},
		{
			name:  "no transform",
			edits: []string{`note = "See $investigate_0"`},
			note:  "See $investigate_0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.toml": ruleTOML(tt.edits...)})
			res, problems := loadIn(t, dir, LoadOptions{}, "a.toml")
			if len(problems) > 0 || len(res.Rules) != 1 {
				t.Fatalf("load: %d rules, problems %q", len(res.Rules), problems)
			}
			if diff := cmp.Diff(tt.note, res.Rules[0].Note); diff != "" {
				t.Errorf("note (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadIgnoresUnknownKeys(t *testing.T) {
	file := ruleTOML(
		`future_field = "from a newer detection-rules"`,
		`alert_suppression = { group_by = ["host.id"], missing_fields_strategy = "suppress" }`,
		`related_integrations = [{ package = "endpoint", version = "^8.2.0" }]`,
		"[rule.new_table]",
		"+nested = 1",
		"[rule.threat_extras]",
		"+a = 1",
		"[hunt]",
		`+queries = ["SELECT 1"]`,
		"[transform]",
		"+[transform.future_plugin]",
		"+x = 1",
	)
	file = strings.Replace(file, "[metadata]\n", "[metadata]\nmin_stack_version = \"8.13.0\"\nbypass_bbr_timing = true\n", 1)
	dir := writeTree(t, map[string]string{"a.toml": file})
	res, problems := loadIn(t, dir, LoadOptions{}, "a.toml")
	if len(problems) > 0 {
		t.Errorf("problems: %q", problems)
	}
	if diff := cmp.Diff([]string{baseID}, ruleIDs(res)); diff != "" {
		t.Errorf("loaded rules (-want +got):\n%s", diff)
	}
}

// TestLoadDecodesEveryField reads a TOML rule that sets every field the Rule
// model has (but Immutable, which comes from LoadOptions).
func TestLoadDecodesEveryField(t *testing.T) {
	const path = "testdata/every_field.toml"
	res := Load(context.Background(), LoadOptions{}, path)
	if problems := problemStrings(res, ""); len(problems) > 0 || len(res.Rules) != 1 {
		t.Fatalf("load: %d rules, problems %q", len(res.Rules), problems)
	}
	want := &Rule{
		RuleID:         "6a1f0e3c-8d2b-4f5a-9c7e-1b3d5f7a9c2e",
		UUID:           "6a1f0e3c-8d2b-4f5a-9c7e-1b3d5f7a9c2e",
		Name:           "Start then connect",
		Description:    "Finds a process that starts, then connects out.", // Unwrapped, as detection-rules does.
		Type:           "eql",
		Language:       "eql",
		Query:          "sequence by process.entity_id with maxspan=1m\n  [process where event.type == \"start\"]\n  [network where true]\n",
		Index:          []string{"logs-endpoint.events.*", "winlogbeat-*"},
		From:           "now-119m",
		To:             "now",
		Interval:       "1h",
		MaxSignals:     250,
		RiskScore:      21,
		Severity:       "low",
		Version:        7,
		Revision:       2,
		Author:         []string{"Elastic", "Jane Analyst"},
		License:        "Elastic License v2",
		References:     []string{"https://example.org/a", "https://example.org/b"},
		FalsePositives: []string{"Administrators running scripts."},
		Tags:           []string{"Domain: Endpoint", "OS: Windows"},
		Note:           "## Triage\n",
		Setup:          "## Setup\n",

		TimestampOverride:                 "event.ingested",
		TimestampOverrideFallbackDisabled: true,
		TimestampField:                    "event.created",
		EventCategoryOverride:             "event.type",
		TiebreakerField:                   "event.sequence",

		Threat: []Threat{
			{
				Framework: "MITRE ATT&CK",
				Tactic:    ThreatEntry{ID: "TA0005", Name: "Defense Evasion", Reference: "https://attack.mitre.org/tactics/TA0005/"},
				Technique: []Technique{
					{
						ID: "T1055", Name: "Process Injection", Reference: "https://attack.mitre.org/techniques/T1055/",
						Subtechnique: []ThreatEntry{{ID: "T1055.012", Name: "Process Hollowing", Reference: "https://attack.mitre.org/techniques/T1055/012/"}},
					},
					{ID: "T1036", Name: "Masquerading", Reference: "https://attack.mitre.org/techniques/T1036/"},
				},
			},
			{
				Framework: "MITRE ATT&CK",
				Tactic:    ThreatEntry{ID: "TA0011", Name: "Command and Control", Reference: "https://attack.mitre.org/tactics/TA0011/"},
				Technique: []Technique{}, // detection-rules gives a threat without techniques an empty list.
			},
		},
		BuildingBlockType: "default",
		Enabled:           false,
		Immutable:         false,
		Filters: []map[string]any{{
			"meta":  map[string]any{"negate": false, "disabled": false},
			"query": map[string]any{"match_phrase": map[string]any{"host.os.type": "windows"}},
		}},
		ExceptionsList:      []ExceptionListRef{{ID: "9f2c", ListID: "admin-tools", Type: "detection", NamespaceType: "single"}},
		InvestigationFields: &InvestigationFields{FieldNames: []string{"host.name", "process.name"}},
		CreatedAt:           time.Date(2023, 6, 14, 0, 0, 0, 0, time.UTC),
		UpdatedAt:           time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC),
		Metadata: Metadata{
			CreationDate: "2023/06/14",
			UpdatedDate:  "2024/11/05",
			Maturity:     "production",
			Integration:  []string{"endpoint"},
		},
		Source: Source{Path: path, Line: 7},
	}
	if diff := cmp.Diff(want, res.Rules[0], cmpopts.IgnoreUnexported(Rule{})); diff != "" {
		t.Errorf("rule (-want +got):\n%s", diff)
	}
}

// TestLoadAppliesKibanaDefaults reads a rule that leaves out everything
// Kibana has a default for.
func TestLoadAppliesKibanaDefaults(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"rule.toml": ruleTOML("-from", "-interval", "-max_signals"),
		"rule.ndjson": ruleNDJSON(t, map[string]any{
			"rule_id": "n", "from": nil, "to": nil, "interval": nil, "max_signals": nil, "id": nil,
		}),
	})
	res, problems := loadIn(t, dir, LoadOptions{}, ".")
	if len(problems) > 0 || len(res.Rules) != 2 {
		t.Fatalf("load: %d rules, problems %q", len(res.Rules), problems)
	}
	for _, r := range res.Rules {
		got := []any{r.From, r.To, r.Interval, r.MaxSignals, r.Enabled, r.UUID}
		want := []any{"now-6m", "now", "5m", 100, true, r.RuleID}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: from, to, interval, max_signals, enabled, uuid (-want +got):\n%s", r.Source.Path, diff)
		}
	}
}
