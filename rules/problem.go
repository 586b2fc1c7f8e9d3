package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Position is a place in a rule file. Col is 0 when only the line is known.
type Position struct {
	Path string
	Line int
	Col  int
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.Path
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.Path, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.Path, p.Line, p.Col)
	}
}

// Problem is one finding of a load: an error keeps the rule out, a warning
// does not.
type Problem struct {
	Pos     Position
	Field   string // Empty when the problem is about the whole file or rule.
	Message string
	Warning bool
	// Unsupported marks the error of a rule whose type eqlrunner does not run
	// (query, esql, ...): a caller loading a mixed rule repository may leave
	// those rules out with a count instead of failing.
	Unsupported bool
}

// String formats the problem as path:line: field: message, with "warning: "
// before the field for warnings.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Warning {
		b.WriteString("warning: ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// Result is what a load found: the rules that passed, and every problem.
type Result struct {
	Rules    []*Rule
	Problems []Problem
}

// Errors counts the problems that are not warnings.
func (r *Result) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}

// Warnings counts the warnings.
func (r *Result) Warnings() int { return len(r.Problems) - r.Errors() }

// Err returns nil when the load had no errors, else an error listing them.
func (r *Result) Err() error {
	var lines []string
	for _, p := range r.Problems {
		if !p.Warning {
			lines = append(lines, p.String())
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return fmt.Errorf("%d rule problem(s):\n%s", len(lines), strings.Join(lines, "\n"))
}

func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			strings.Compare(a.Pos.Path, b.Pos.Path),
			cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Col, b.Pos.Col),
		)
	})
}
