package rules

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baseTOML is a small valid detection-rules file. Every key sits on a fixed
// line, so that expected problems can name it:
//
//	1 [metadata]            9 from           17 rule_id
//	2 creation_date        10 index          18 severity
//	3 maturity             11 interval       19 type
//	4 updated_date         12 language       20 version
//	5                      13 license        21 query = '''
//	6 [rule]               14 max_signals    22   (query text)
//	7 author               15 name           23 '''
//	8 description          16 risk_score     24 first line of extras
const baseTOML = `[metadata]
creation_date = "2024/05/01"
maturity = "production"
updated_date = "2024/05/02"

[rule]
author = ["Elastic"]
description = "Detects certutil.exe downloading a file."
from = "now-9m"
index = ["logs-endpoint.events.process-*"]
interval = "5m"
language = "eql"
license = "Elastic License v2"
max_signals = 100
name = "Certutil download"
risk_score = 47
rule_id = "0b9a8d6c-1c1e-4a57-9f3a-7e0d1c2b3a41"
severity = "medium"
type = "eql"
version = 3
query = '''
process where process.name == "certutil.exe" and process.args : "-urlcache"
'''
`

// ruleTOML returns baseTOML changed by edits, keeping every line of it where
// it is: "-key" blanks the lines of key (all of them for a multi-line
// string); "key = value" replaces the line of key, or is appended when the
// base has no such key; "+text" is appended as it is (use it for the keys of
// appended tables, which must not replace a [rule] key). Appended lines
// follow line 23, in order.
func ruleTOML(edits ...string) string {
	lines := strings.Split(strings.TrimSuffix(baseTOML, "\n"), "\n")
	for _, e := range edits {
		key, _, isSet := strings.Cut(e, " = ")
		switch {
		case strings.HasPrefix(e, "-"):
			i := keyLine(lines, e[1:])
			multi := strings.HasSuffix(lines[i], "'''")
			lines[i] = ""
			for multi && i+1 < len(lines) {
				i++
				multi = lines[i] != "'''"
				lines[i] = ""
			}
		case strings.HasPrefix(e, "+"):
			lines = append(lines, e[1:])
		case isSet && keyLine(lines, key) >= 0:
			lines[keyLine(lines, key)] = e
		default:
			lines = append(lines, e)
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// keyLine returns the index of the [rule] line that sets key, or -1.
func keyLine(lines []string, key string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, key+" = ") {
			return i
		}
	}
	return -1
}

// baseNDJSON is one line of a Kibana export with the same rule as baseTOML.
func baseNDJSON() map[string]any {
	return map[string]any{
		"id":          "5b0e7c1a-9f2d-4c3e-8a7b-6d5c4b3a2f10",
		"rule_id":     "0b9a8d6c-1c1e-4a57-9f3a-7e0d1c2b3a41",
		"name":        "Certutil download",
		"description": "Detects certutil.exe downloading a file.",
		"type":        "eql",
		"language":    "eql",
		"query":       `process where process.name == "certutil.exe" and process.args : "-urlcache"`,
		"index":       []string{"logs-endpoint.events.process-*"},
		"from":        "now-9m",
		"to":          "now",
		"interval":    "5m",
		"max_signals": 100,
		"risk_score":  47,
		"severity":    "medium",
		"version":     3,
		"author":      []string{"Elastic"},
		"license":     "Elastic License v2",
	}
}

// ruleNDJSON renders rule objects as NDJSON lines, each changed by its edits
// (a nil value deletes the key).
func ruleNDJSON(t testing.TB, lines ...map[string]any) string {
	t.Helper()
	var b strings.Builder
	for _, edits := range lines {
		m := baseNDJSON()
		for k, v := range edits {
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
		}
		js, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(js)
		b.WriteByte('\n')
	}
	return b.String()
}

// writeTree writes files (slash-separated names relative to a new temporary
// directory) and returns the directory.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadIn loads paths relative to dir and returns the problems as strings,
// with dir left out of the paths so that they read as the test wrote them.
func loadIn(t testing.TB, dir string, opts LoadOptions, paths ...string) (*Result, []string) {
	t.Helper()
	abs := make([]string, len(paths))
	for i, p := range paths {
		abs[i] = filepath.Join(dir, filepath.FromSlash(p))
	}
	res := Load(context.Background(), opts, abs...)
	return res, problemStrings(res, dir)
}

func problemStrings(res *Result, dir string) []string {
	var out []string
	for _, p := range res.Problems {
		s := p.String()
		if dir != "" {
			s = strings.ReplaceAll(s, dir+string(filepath.Separator), "")
		}
		out = append(out, filepath.ToSlash(s))
	}
	return out
}

func ruleIDs(res *Result) []string {
	var ids []string
	for _, r := range res.Rules {
		ids = append(ids, r.RuleID)
	}
	return ids
}
