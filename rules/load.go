package rules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// QueryChecker checks a rule's query and returns its errors, each at a byte
// offset into the query. The EQL parser plugs in here.
type QueryChecker func(query string) []QueryError

// QueryError is one error a QueryChecker found.
type QueryError struct {
	Offset  int // Byte offset into the query.
	Message string
}

// LoadOptions tunes a load. The zero value is ready to use.
type LoadOptions struct {
	// VersionLock supplies versions for rules that do not carry one. When
	// nil, a version.lock.json at the root of a loaded directory (or under
	// detection_rules/etc/, as in the detection-rules repository) is used.
	VersionLock VersionLock
	// CheckQuery, when set, checks every EQL query.
	CheckQuery QueryChecker
	// Immutable marks the loaded rules as prebuilt (Kibana's "immutable").
	Immutable bool
}

type sourceFile struct {
	path string
	data []byte
}

// Load reads rules from files and directory trees: detection-rules TOML
// (*.toml) and Kibana rule exports (*.ndjson). It reports every problem
// found rather than stopping at the first; rules with errors are left out
// of the result.
func Load(ctx context.Context, opts LoadOptions, paths ...string) *Result {
	var files []sourceFile
	var problems []Problem
	lock := opts.VersionLock
	for _, p := range paths {
		found, discovered, ps := collect(ctx, p)
		files = append(files, found...)
		problems = append(problems, ps...)
		if lock == nil && discovered != "" {
			l, err := ReadVersionLock(ctx, discovered)
			if err != nil {
				problems = append(problems, Problem{Pos: Position{Path: discovered}, Message: cleanPathError(errors.Unwrap(err))})
			}
			lock = l
		}
	}
	opts.VersionLock = lock
	res := loadFiles(opts, files)
	res.Problems = append(problems, res.Problems...)
	sortProblems(res.Problems)
	return res
}

// versionLockPaths are where a detection-rules checkout or export keeps its
// version lock, relative to the directory being loaded.
var versionLockPaths = []string{"version.lock.json", filepath.Join("detection_rules", "etc", "version.lock.json")}

func collect(ctx context.Context, root string) (files []sourceFile, lock string, problems []Problem) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, "", []Problem{{Pos: Position{Path: root}, Message: cleanPathError(err)}}
	}
	read := func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			problems = append(problems, Problem{Pos: Position{Path: path}, Message: cleanPathError(err)})
			return
		}
		files = append(files, sourceFile{path: path, data: data})
	}
	if !info.IsDir() {
		if !isRuleFile(root) {
			return nil, "", []Problem{{Pos: Position{Path: root}, Message: "not a rule file: want .toml (detection-rules) or .ndjson (Kibana export)"}}
		}
		read(root)
		return files, "", problems
	}
	for _, candidate := range versionLockPaths {
		if _, err := os.Stat(filepath.Join(root, candidate)); err == nil {
			lock = filepath.Join(root, candidate)
			break
		}
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			problems = append(problems, Problem{Pos: Position{Path: path}, Message: cleanPathError(err)})
			return nil
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		// Hidden files are editors' locks and swap files, not rules.
		if isRuleFile(path) && !strings.HasPrefix(d.Name(), ".") {
			read(path)
		}
		return nil
	})
	if err != nil {
		problems = append(problems, Problem{Pos: Position{Path: root}, Message: err.Error()})
	}
	return files, lock, problems
}

func isRuleFile(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".toml", ".ndjson":
		return true
	}
	return false
}

// cleanPathError drops the "open <path>:" prefix the path already carries.
func cleanPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// parsed is a rule as read from its file, with the problems reading found.
type parsed struct {
	rule     *Rule
	problems []Problem
}

// loadFiles parses, completes and validates the rules of a set of files.
func loadFiles(opts LoadOptions, files []sourceFile) *Result {
	res := &Result{}
	var candidates []parsed
	for _, f := range files {
		if strings.EqualFold(filepath.Ext(f.path), ".ndjson") {
			rules, ps := parseNDJSON(f.path, f.data)
			candidates = append(candidates, rules...)
			res.Problems = append(res.Problems, ps...)
			continue
		}
		r, ps := parseTOML(f.path, f.data)
		if r == nil {
			res.Problems = append(res.Problems, ps...)
			continue
		}
		candidates = append(candidates, parsed{r, ps})
	}

	seen := map[string]*Rule{}
	for _, c := range candidates {
		r := c.rule
		r.Immutable = r.Immutable || opts.Immutable
		if r.UUID == "" {
			r.UUID = r.RuleID
		}
		ps := append(c.problems, complete(r, opts.VersionLock)...)
		// A field that could not be decoded (risk_score = "73") has been
		// reported and holds its default; validating that default would
		// add a misleading second problem ("risk_score: required").
		undecoded := map[string]bool{}
		for _, p := range c.problems {
			if !p.Warning && p.Field != "" {
				undecoded[p.Field] = true
			}
		}
		for _, p := range validate(r) {
			if !undecoded[p.Field] {
				ps = append(ps, p)
			}
		}
		if r.Type == "eql" && r.RuleID != "" {
			if first, dup := seen[r.RuleID]; dup {
				ps = append(ps, Problem{Pos: r.Position("rule_id"), Field: "rule_id",
					Message: fmt.Sprintf("duplicate rule_id %q: first defined at %s", r.RuleID, first.Position("rule_id"))})
			} else {
				seen[r.RuleID] = r
			}
		}
		if r.Type == "eql" && opts.CheckQuery != nil && strings.TrimSpace(r.Query) != "" {
			ps = append(ps, checkQuery(r, opts.CheckQuery)...)
		}
		res.Problems = append(res.Problems, ps...)
		if !slices.ContainsFunc(ps, func(p Problem) bool { return !p.Warning }) {
			res.Rules = append(res.Rules, r)
		}
	}
	return res
}

// complete fills what a rule file may leave to its surroundings: the version
// from the version lock.
func complete(r *Rule, lock VersionLock) []Problem {
	if r.Version != 0 || r.Type != "eql" {
		return nil
	}
	if v, ok := lock[r.RuleID]; ok {
		r.Version = v
		return nil
	}
	r.Version = DefaultVersion
	return []Problem{{Pos: r.Position("rule_id"), Field: "version", Warning: true,
		Message: fmt.Sprintf("not set and no version.lock.json entry for %q: using %d", r.RuleID, DefaultVersion)}}
}

// checkQuery runs the query checker and places its errors in the rule file.
func checkQuery(r *Rule, check QueryChecker) []Problem {
	var ps []Problem
	for _, qe := range check(r.Query) {
		pos := r.Position("query")
		if line, col := r.queryPos.locate(qe.Offset); line > 0 {
			pos.Line, pos.Col = line, col
		}
		ps = append(ps, Problem{Pos: pos, Field: "query", Message: qe.Message})
	}
	return ps
}
