package rules

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
)

// builtinRule loads the built-in rules and returns the only one.
func builtinRule(t *testing.T) *Rule {
	t.Helper()
	res := Builtin(LoadOptions{})
	if len(res.Problems) > 0 {
		t.Errorf("built-in rules have problems:\n%v", res.Err())
		for _, p := range res.Problems {
			t.Errorf("  %s", p)
		}
	}
	if len(res.Rules) != 1 {
		t.Fatalf("%d built-in rules, want 1", len(res.Rules))
	}
	return res.Rules[0]
}

func TestBuiltinRuleLoads(t *testing.T) {
	r := builtinRule(t)
	want := Source{Path: "builtin:defense_evasion_system_critical_proc_abnormal_file_activity.toml", Line: 11}
	if r.Source != want {
		t.Errorf("source = %+v, want %+v", r.Source, want)
	}
	if !r.Immutable {
		t.Error("built-in rule is not immutable")
	}
	if r.UUID != r.RuleID {
		t.Errorf("uuid = %q, want the rule_id %q", r.UUID, r.RuleID)
	}
}

// seedRule is what Elastic's documentation page for a prebuilt rule shows
// (../shared/seed/*.txt, the page as text).
type seedRule struct {
	Name        string
	Description string
	Type        string
	Index       []string
	Severity    string
	RiskScore   int
	Interval    string
	From        string
	MaxSignals  int
	References  []string
	Tags        []string
	Version     int
	Author      []string
	License     string
	QueryLines  []string // The page drops the query's indentation.
	Threat      []Threat
}

// seedPage is the seed document split into the parts a test compares.
type seedPage struct {
	rule  seedRule
	guide []string // The investigation guide's text lines.
	setup []string // The setup guide's text lines.
}

// parseSeed reads the seed document. The page is rendered markdown: list
// values follow their label as "- value" lines, section headings carry an
// "edit" link before them.
func parseSeed(t *testing.T, path string) seedPage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	var page seedPage
	s := &page.rule
	at := 0
	next := func() string { at++; return lines[at-1] }
	peek := func() string {
		if at < len(lines) {
			return lines[at]
		}
		return ""
	}
	value := func(label string) string {
		line := next()
		v, ok := strings.CutPrefix(line, label+": ")
		if !ok {
			t.Fatalf("seed line %d: %q, want %q", at, line, label+": …")
		}
		return v
	}
	number := func(label string) int {
		n, err := strconv.Atoi(value(label))
		if err != nil {
			t.Fatalf("seed line %d: %v", at, err)
		}
		return n
	}
	list := func(label string) []string {
		if line := next(); line != label+":" {
			t.Fatalf("seed line %d: %q, want %q", at, line, label+":")
		}
		var items []string
		for strings.HasPrefix(peek(), "- ") {
			items = append(items, strings.TrimPrefix(next(), "- "))
		}
		return items
	}
	// until returns the lines up to the one equal to stop, and skips it.
	until := func(stop string) []string {
		var out []string
		for at < len(lines) && peek() != stop {
			out = append(out, next())
		}
		if at == len(lines) {
			t.Fatalf("seed: no line %q", stop)
		}
		next()
		return out
	}

	s.Name = next()
	if h := next(); h != "edit"+s.Name {
		t.Fatalf("seed line 2: %q, want the name's heading", h)
	}
	s.Description = strings.TrimPrefix(next(), "edit")
	s.Type = value("Rule type")
	s.Index = list("Rule indices")
	s.Severity = value("Severity")
	s.RiskScore = number("Risk score")
	s.Interval = value("Runs every")
	s.From, _, _ = strings.Cut(value("Searches indices from"), " ")
	s.MaxSignals = number("Maximum alerts per execution")
	if refs := value("References"); refs != "None" {
		s.References = strings.Split(refs, ", ")
	}
	s.Tags = list("Tags")
	s.Version = number("Version")
	s.Author = list("Rule authors")
	s.License = value("Rule license")
	if line := next(); line != "Investigation guide" {
		t.Fatalf("seed line %d: %q, want the investigation guide", at, line)
	}
	page.guide = until("Setup")
	page.setup = until("Rule query")
	query := until("Framework: MITRE ATT&CKTM")
	query[0] = strings.TrimPrefix(query[0], "edit")
	s.QueryLines = query

	// The ATT&CK list: "-", "Tactic:", "- Name: …", "- ID: …", "- Reference URL: …",
	// then "-", "Technique:" and the same three, for each tactic.
	entry := func() ThreatEntry {
		var e ThreatEntry
		e.Name = value("- Name")
		e.ID = value("- ID")
		e.Reference = value("- Reference URL")
		return e
	}
	for at < len(lines) {
		if line := next(); line != "-" {
			t.Fatalf("seed line %d: %q, want \"-\"", at, line)
		}
		switch line := next(); line {
		case "Tactic:":
			s.Threat = append(s.Threat, Threat{Framework: "MITRE ATT&CK", Tactic: entry()})
		case "Technique:":
			if len(s.Threat) == 0 {
				t.Fatalf("seed line %d: technique before any tactic", at)
			}
			e := entry()
			last := &s.Threat[len(s.Threat)-1]
			last.Technique = append(last.Technique, Technique{ID: e.ID, Name: e.Name, Reference: e.Reference})
		default:
			t.Fatalf("seed line %d: %q, want Tactic: or Technique:", at, line)
		}
	}
	return page
}

func seedOf(r *Rule) seedRule {
	var queryLines []string
	for _, l := range strings.Split(strings.TrimSpace(r.Query), "\n") {
		queryLines = append(queryLines, strings.TrimSpace(l))
	}
	return seedRule{
		Name:        r.Name,
		Description: r.Description,
		Type:        r.Type,
		Index:       r.Index,
		Severity:    r.Severity,
		RiskScore:   r.RiskScore,
		Interval:    r.Interval,
		From:        r.From,
		MaxSignals:  r.MaxSignals,
		References:  r.References,
		Tags:        r.Tags,
		Version:     r.Version,
		Author:      r.Author,
		License:     r.License,
		QueryLines:  queryLines,
		Threat:      r.Threat,
	}
}

// TestBuiltinRuleEqualsTheSeed compares the built-in rule field by field with
// the seed document, Elastic's page for the rule.
func TestBuiltinRuleEqualsTheSeed(t *testing.T) {
	seedPath := sharedcorpus.Path(t, "seed", "000_a4dcb08f978b7b54.txt")
	page := parseSeed(t, seedPath)
	r := builtinRule(t)

	// Facts the issue states, so that a parser slip cannot hide a mismatch.
	if page.rule.Version != 318 || len(page.rule.Index) != 7 || len(page.rule.Threat) != 3 {
		t.Fatalf("seed parsed as version %d, %d indices, %d tactics; want 318, 7, 3",
			page.rule.Version, len(page.rule.Index), len(page.rule.Threat))
	}
	if diff := cmp.Diff(page.rule, seedOf(r), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("built-in rule differs from the seed (-seed +built-in):\n%s", diff)
	}
	// What the issue states and the page does not show.
	for _, f := range []struct{ field, got, want string }{
		{"rule_id", r.RuleID, "e94262f2-c1e9-4d3f-a907-aeab16712e1a"},
		{"to", r.To, "now"},
		{"language", r.Language, "eql"},
		{"timestamp_override", r.TimestampOverride, "event.ingested"},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.field, f.got, f.want)
		}
	}

	t.Run("investigate blobs", func(t *testing.T) {
		blobs := investigateBlobs(t, strings.Join(page.guide, "\n"))
		if len(blobs) != 6 {
			t.Fatalf("seed has %d investigate blobs, want 6", len(blobs))
		}
		for _, b := range blobs {
			if !strings.Contains(r.Note, b) {
				t.Errorf("built-in note lacks the seed's %s", b)
			}
		}
		if got := investigateBlobs(t, r.Note); len(got) != len(blobs) {
			t.Errorf("built-in note has %d investigate blobs, the seed %d", len(got), len(blobs))
		}
		if strings.Contains(r.Note, "$investigate") {
			t.Error("built-in note has an unrendered $investigate placeholder")
		}
	})
	t.Run("investigation guide text", func(t *testing.T) {
		checkLinesIn(t, page.guide, r.Note)
	})
	t.Run("setup text", func(t *testing.T) {
		checkLinesIn(t, page.setup, r.Setup)
	})
}

// investigateBlobs returns every !{investigate{…}} in s; the JSON inside
// holds braces of its own ("{{host.id}}"), so it is read as JSON.
func investigateBlobs(t *testing.T, s string) []string {
	t.Helper()
	const open = "!{investigate"
	var out []string
	for {
		i := strings.Index(s, open)
		if i < 0 {
			return out
		}
		rest := s[i+len(open):]
		dec := json.NewDecoder(strings.NewReader(rest))
		var obj json.RawMessage
		if err := dec.Decode(&obj); err != nil {
			t.Fatalf("investigate blob at %q: %v", rest[:min(len(rest), 60)], err)
		}
		end := int(dec.InputOffset())
		if end >= len(rest) || rest[end] != '}' {
			t.Fatalf("investigate blob not closed: %q", rest[:min(len(rest), end+10)])
		}
		out = append(out, open+rest[:end+1])
		s = rest[end+1:]
	}
}

var (
	mdLink       = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdListMarker = regexp.MustCompile(`(^|\s)-(\s|$)`)
)

// plainText strips markdown (headings, code spans, emphasis, links, list
// markers) and then all whitespace: the rendered page loses the spaces
// around code spans and breaks lines where the markdown does not.
func plainText(s string) string {
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdListMarker.ReplaceAllString(s, " ")
	s = strings.NewReplacer("`", "", "**", "", "#", "").Replace(s)
	return strings.Join(strings.Fields(s), "")
}

// checkLinesIn checks that every line of the seed's rendered text is in the
// built-in markdown.
func checkLinesIn(t *testing.T, seedLines []string, markdown string) {
	t.Helper()
	md := plainText(markdown)
	checked := 0
	for i, line := range seedLines {
		line = strings.TrimPrefix(line, "edit") // Heading link text.
		p := plainText(line)
		if p == "" {
			continue
		}
		checked++
		if !strings.Contains(md, p) {
			t.Errorf("seed line %d is not in the built-in text: %q", i+1, line)
		}
	}
	if checked == 0 {
		t.Error("no seed lines checked")
	}
}

// TestBuiltinRuleEqualsTheCorpusRule compares the built-in rule, every field,
// with the detection-rules file it came from, versioned by the corpus
// version.lock.json: the built-in copy must not drift from upstream.
func TestBuiltinRuleEqualsTheCorpusRule(t *testing.T) {
	corpus := sharedcorpus.Path(t, "corpus", "detection-rules")
	file := filepath.Join(corpus, "rules", "windows", "defense_evasion_system_critical_proc_abnormal_file_activity.toml")
	lock, err := ReadVersionLock(context.Background(), filepath.Join(corpus, "version.lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if v := lock["e94262f2-c1e9-4d3f-a907-aeab16712e1a"]; v != 318 {
		t.Fatalf("version.lock.json gives version %d, want 318", v)
	}
	if hasVersionKey(t, file) {
		t.Fatalf("%s has a version key: the version lock is not what is being compared", file)
	}
	res := Load(context.Background(), LoadOptions{VersionLock: lock, Immutable: true}, file)
	if len(res.Problems) > 0 || len(res.Rules) != 1 {
		t.Fatalf("corpus rule: %d rules, problems:\n%v", len(res.Rules), res.Err())
	}
	upstream := res.Rules[0]
	builtin := builtinRule(t)
	if diff := cmp.Diff(upstream, builtin,
		cmpopts.IgnoreUnexported(Rule{}), cmpopts.IgnoreFields(Rule{}, "Source")); diff != "" {
		t.Errorf("built-in rule differs from the corpus rule (-corpus +built-in):\n%s", diff)
	}
}

func hasVersionKey(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "version =") {
			return true
		}
	}
	return false
}
