package rules

import (
	"github.com/eqlrunner/eqlrunner/internal/golden"

	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestLoadKibanaExport loads a Kibana 8.x rule export: two EQL rules, an
// exception list with one item, and the export summary line. The rules as
// loaded, every field of them, are in testdata/kibana_export.golden.json.
func TestLoadKibanaExport(t *testing.T) {
	const path = "testdata/kibana_export.ndjson"
	res := Load(context.Background(), LoadOptions{}, path)

	wantProblems := []string{
		`testdata/kibana_export.ndjson:3: warning: skipped exception list entry "certutil-admin-hosts": eqlrunner does not load exception lists from exports`,
		`testdata/kibana_export.ndjson:4: warning: skipped exception list entry "certutil-admin-hosts": eqlrunner does not load exception lists from exports`,
	}
	if diff := cmp.Diff(wantProblems, problemStrings(res, "")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	wantIDs := []string{"b7e1c2d4-6a5f-4e3b-9c8d-0f1a2b3c4d5e", "e3a9f1b2-4c6d-4e8f-a0b1-c2d3e4f5a6b7"}
	if diff := cmp.Diff(wantIDs, ruleIDs(res)); diff != "" {
		t.Fatalf("loaded rules (-want +got):\n%s", diff)
	}
	for i, r := range res.Rules {
		if want := (Source{Path: path, Line: i + 1}); r.Source != want {
			t.Errorf("rule %d: source %+v, want %+v", i, r.Source, want)
		}
	}

	// The fixture is meant to exercise every field an export can carry:
	// each must be set in at least one of the two rules.
	exportless := map[string]bool{
		"Metadata":  true, // detection-rules TOML only.
		"Immutable": true, // Exports of custom rules say false.
	}
	rt := reflect.TypeFor[Rule]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || exportless[f.Name] {
			continue
		}
		set := false
		for _, r := range res.Rules {
			set = set || !reflect.ValueOf(*r).Field(i).IsZero()
		}
		if !set {
			t.Errorf("Rule.%s is not set by any rule of %s: add it to the fixture", f.Name, path)
		}
	}

	checkGolden(t, "testdata/kibana_export.golden.json", res.Rules)
}

// checkGolden compares v, as indented JSON, with the golden file.
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, path, buf.Bytes())
}

// TestLoadSigmaRuleConvertedByPySigma loads what pySigma's Elasticsearch EQL
// backend writes with `sigma convert -t eql -p ecs_windows -f
// siem_rule_ndjson` (one json.dumps object per line, no export summary) for
// SigmaHQ's rules/windows/process_creation/proc_creation_win_certutil_download.yml
// ("Suspicious Download Via Certutil.EXE", level medium → risk 47, tags
// attack.defense_evasion and attack.t1027 → the threat entry, which the
// backend removes from tags). The query is in the backend's style:
// field:"value" for one value, like~ (...) for a list, Sigma's backslashes
// doubled for EQL.
func TestLoadSigmaRuleConvertedByPySigma(t *testing.T) {
	const path = "testdata/sigma_certutil_download.ndjson"
	res := Load(context.Background(), LoadOptions{}, path)
	if got := problemStrings(res, ""); len(got) > 0 {
		t.Errorf("problems: %q", got)
	}
	const id = "19b08b1c-861d-4e75-a1ef-ea0c1baf202b"
	want := []*Rule{{
		RuleID:      id,
		UUID:        id,
		Name:        "SIGMA - Suspicious Download Via Certutil.EXE",
		Description: "Detects the execution of certutil with certain flags that allow the utility to download files.",
		Type:        "eql",
		Language:    "eql",
		Query:       `any where (process.executable:"*\\certutil.exe" or process.pe.original_file_name:"CertUtil.exe") and (process.command_line like~ ("*urlcache *", "*verifyctl *")) and process.command_line:"*http*"`,
		Index: []string{
			"apm-*-transaction*", "auditbeat-*", "endgame-*", "filebeat-*", "logs-*",
			"packetbeat-*", "traces-apm*", "winlogbeat-*", "-*elastic-cloud-logs-*",
		},
		From:       "now-5m",
		To:         "now",
		Interval:   "5m",
		MaxSignals: 100,
		RiskScore:  47,
		Severity:   "medium",
		Version:    1,
		Author:     []string{"Florian Roth (Nextron Systems), Jonhnathan Ribeiro, oscd.community, Nasreddine Bencherchali (Nextron Systems)"},
		License:    "DRL",
		References: []string{
			"https://learn.microsoft.com/en-us/windows-server/administration/windows-commands/certutil",
			"https://forensicitguy.github.io/agenttesla-vba-certutil-download/",
			"https://news.sophos.com/en-us/2021/04/13/compromised-exchange-server-hosting-cryptojacker-targeting-other-exchange-servers/",
			"https://twitter.com/egre55/status/1087685529016193025",
			"https://lolbas-project.github.io/lolbas/Binaries/Certutil/",
		},
		FalsePositives: []string{"Unknown"},
		Tags:           []string{},
		Threat: []Threat{{
			Framework: "MITRE ATT&CK",
			Tactic:    ThreatEntry{ID: "TA0005", Name: "Defense Evasion", Reference: "https://attack.mitre.org/tactics/TA0005"},
			Technique: []Technique{{
				ID: "T1027", Name: "Obfuscated Files or Information", Reference: "https://attack.mitre.org/techniques/T1027",
				Subtechnique: []ThreatEntry{},
			}},
		}},
		Enabled:        true,
		Filters:        []map[string]any{},
		ExceptionsList: []ExceptionListRef{},
		Source:         Source{Path: path, Line: 1},
	}}
	if diff := cmp.Diff(want, res.Rules, cmpopts.IgnoreUnexported(Rule{})); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
}

func TestLoadNDJSONReportsBadLinesAndLoadsTheRest(t *testing.T) {
	good := func(id string) string {
		return ruleNDJSON(t, map[string]any{"rule_id": id})
	}
	tests := []struct {
		name   string
		file   string
		want   []string
		loaded []string
	}{
		{
			name:   "truncated line",
			file:   good("a") + `{"rule_id":"b","type":"eql"` + "\n" + good("c"),
			want:   []string{"rules.ndjson:2:28: invalid JSON: unexpected EOF"},
			loaded: []string{"a", "c"},
		},
		{
			name:   "unquoted key",
			file:   good("a") + `{rule_id:"b"}` + "\n" + good("c"),
			want:   []string{"rules.ndjson:2:2: invalid JSON: invalid character 'r' looking for beginning of object key string"},
			loaded: []string{"a", "c"},
		},
		{
			name:   "missing colon",
			file:   `{"rule_id" "b"}` + "\n" + good("a"),
			want:   []string{`rules.ndjson:1:12: invalid JSON: invalid character '"' after object key`},
			loaded: []string{"a"},
		},
		{
			name:   "two objects on one line",
			file:   good("a") + `{"rule_id":"b"} {"rule_id":"c"}` + "\n",
			want:   []string{"rules.ndjson:2:17: invalid JSON: unexpected data after the object"},
			loaded: []string{"a"},
		},
		{
			name:   "an array instead of an object",
			file:   `  [{"rule_id":"b"}]` + "\n" + good("a"),
			want:   []string{"rules.ndjson:1:3: invalid JSON: want one rule object per line, got an array"},
			loaded: []string{"a"},
		},
		{
			name:   "a pretty-printed export is not NDJSON",
			file:   "{\n  \"rule_id\": \"a\"\n}\n",
			want:   []string{"rules.ndjson:1:2: invalid JSON: unexpected EOF", "rules.ndjson:2:12: invalid JSON: unexpected data after the object", "rules.ndjson:3:1: invalid JSON: invalid character '}' looking for beginning of value"},
			loaded: nil,
		},
		{
			name:   "blank lines, CRLF line ends and a missing final newline are fine",
			file:   "\r\n" + good("a") + "\n   \n" + string(bytes.TrimSuffix([]byte(good("b")), []byte("\n"))),
			loaded: []string{"a", "b"},
		},
		{
			name:   "export summary anywhere is skipped",
			file:   `{"exported_count":2,"exported_rules_count":2,"missing_rules":[],"missing_rules_count":0}` + "\n" + good("a") + good("b"),
			loaded: []string{"a", "b"},
		},
		{
			name:   "action connector lines are warnings",
			file:   good("a") + `{"attributes":{"actionTypeId":".slack","config":{},"isMissingSecrets":true,"name":"SOC Slack"},"coreMigrationVersion":"8.8.0","id":"6d4d7dc0-cd31-11ed-a1ab-5dee06af8c3c","managed":false,"references":[],"type":"action","typeMigrationVersion":"8.3.0","updated_at":"2024-03-01T10:00:00.000Z","version":"WzEsMV0="}` + "\n",
			want:   []string{"rules.ndjson:2: warning: skipped action connector: eqlrunner runs no rule actions"},
			loaded: []string{"a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"rules.ndjson": tt.file})
			res, got := loadIn(t, dir, LoadOptions{}, "rules.ndjson")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.loaded, ruleIDs(res)); diff != "" {
				t.Errorf("loaded rules (-want +got):\n%s", diff)
			}
		})
	}
}
