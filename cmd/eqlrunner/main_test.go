package main

import (
	"github.com/eqlrunner/eqlrunner/internal/golden"

	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the test binary stand in for the eqlrunner command, so that
// scripts run the real main path (run → os.Exit) without a build step.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"eqlrunner": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the txtar scripts of testdata/script: each holds its rule
// files inline and asserts stdout and stderr.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		UpdateScripts:       golden.Update(),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
	})
}

// TestRunExitCodes pins the exit codes scripts can only tell apart as
// success and failure.
func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	valid := write("valid.toml", validRule)
	broken := write("broken.toml", "[rule\n")
	lock := write("version.lock.json", `{}`)
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string // A substring; "" for none expected.
		wantStderr string
	}{
		{name: "no command", args: nil, want: exitUsage, wantStderr: "usage: eqlrunner <command>"},
		{name: "help", args: []string{"help"}, want: exitOK, wantStderr: "usage: eqlrunner <command>"},
		{name: "-h", args: []string{"-h"}, want: exitOK, wantStderr: "usage: eqlrunner <command>"},
		{name: "--help", args: []string{"--help"}, want: exitOK, wantStderr: "usage: eqlrunner <command>"},
		{name: "unknown command", args: []string{"frobnicate"}, want: exitUsage, wantStderr: `unknown command "frobnicate"`},
		{name: "version", args: []string{"version"}, want: exitOK, wantStdout: "eqlrunner "},
		{name: "version -h", args: []string{"version", "-h"}, want: exitOK, wantStderr: "Usage of eqlrunner version"},
		{name: "validate the built-in rules", args: []string{"validate"}, want: exitOK, wantStdout: "1 rule valid, 0 errors, 0 warnings"},
		{name: "validate a valid rule", args: []string{"validate", valid}, want: exitOK, wantStdout: "1 rule valid"},
		{name: "validate a broken rule", args: []string{"validate", valid, broken}, want: exitProblems, wantStdout: "1 rule valid, 1 error, 0 warnings"},
		{name: "validate a missing path", args: []string{"validate", filepath.Join(dir, "missing")}, want: exitProblems, wantStdout: "no such file or directory"},
		{name: "validate -h", args: []string{"validate", "-h"}, want: exitOK, wantStderr: "usage: eqlrunner validate [flags] [PATH...]"},
		{name: "validate with an unknown flag", args: []string{"validate", "-strict"}, want: exitUsage, wantStderr: "flag provided but not defined: -strict"},
		{name: "validate with a version lock", args: []string{"validate", "-version-lock", lock, valid}, want: exitOK, wantStdout: "1 rule valid"},
		{name: "validate with a missing version lock", args: []string{"validate", "-version-lock", filepath.Join(dir, "nope.json")}, want: exitUsage, wantStderr: "read version lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args, &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, &stdout, &stderr)
			}
			check := func(name, out, want string) {
				if want == "" && out != "" {
					t.Errorf("%s = %q, want nothing", name, out)
				}
				if !strings.Contains(out, want) {
					t.Errorf("%s = %q, want it to contain %q", name, out, want)
				}
			}
			check("stdout", stdout.String(), tt.wantStdout)
			check("stderr", stderr.String(), tt.wantStderr)
		})
	}
}

const validRule = `[rule]
author = ["Elastic"]
description = "Detects certutil.exe downloading a file."
from = "now-9m"
index = ["logs-endpoint.events.process-*"]
language = "eql"
license = "Elastic License v2"
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
