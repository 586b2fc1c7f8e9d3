package eql

import (
	"fmt"
	"sort"
	"strings"
)

// Check reports every problem Elasticsearch's parser and verifier would
// find in q that needs no mapping to see: unknown functions and pipes,
// wrong arities and literal argument types, comparisons between fields,
// sequence and sample structure (join key counts, maxspan units, runs,
// missing events). It returns nil when q is valid.
func Check(q *Query) (err error) {
	defer recoverInternal("check", &err)
	c := &checker{}
	c.query(q)
	if len(c.errs) == 0 {
		return nil
	}
	sortErrors(c.errs)
	return c.errs
}

type checker struct{ errs ErrorList }

func (c *checker) errorf(pos Pos, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

// knownPipes are the pipes of the EQL language; only head and tail run in
// Elasticsearch.
var knownPipes = []string{"count", "filter", "head", "sort", "tail", "unique", "unique_count"}

func (c *checker) query(q *Query) {
	switch b := q.Body.(type) {
	case *EventQuery:
		c.event(b)
	case *SequenceQuery:
		c.sequence(b)
	case *SampleQuery:
		c.sample(b)
	}
	for _, p := range q.Pipes {
		switch p.Name {
		case "head", "tail":
			if len(p.Args) != 1 {
				c.errorf(p.Pos, "pipe [%s] expects exactly one argument but found [%d]", p.Name, len(p.Args))
				continue
			}
			if lit, ok := p.Args[0].(*Literal); !ok || lit.Kind != LitInt || lit.Int < 0 || lit.Int > 1<<31-1 {
				c.errorf(p.Args[0].Position(), "pipe [%s] expects a positive integer but found [%s]", p.Name, PrintExpr(p.Args[0]))
			}
		case "":
		default:
			if contains(knownPipes, p.Name) {
				c.errorf(p.Pos, "pipe [%s] is not supported", p.Name)
			} else {
				c.errorf(p.Pos, "unknown pipe [%s]%s", p.Name, didYouMean(p.Name, knownPipes))
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (c *checker) event(q *EventQuery) {
	if !q.Any && q.Category == "" {
		c.errorf(q.CatPos, "event category must not be empty")
	}
	c.condition(q.Where)
}

var timeUnits = []string{"ms", "s", "m", "h", "d"}

func (c *checker) keys(keys []Expr) {
	for _, k := range keys {
		if _, ok := k.(*Field); !ok {
			if _, bad := k.(*Bad); !bad {
				c.errorf(k.Position(), "join keys must be field names, found [%s]", PrintExpr(k))
			}
		}
	}
}

// termKeys checks that every term has as many keys as the first.
func (c *checker) termKeys(terms []*Term) {
	want := -1
	for _, t := range terms {
		c.keys(t.By)
		if want < 0 {
			want = len(t.By)
			continue
		}
		if len(t.By) != want {
			pos := t.Pos
			if len(t.By) > 0 {
				pos = t.By[0].Position()
			}
			c.errorf(pos, "inconsistent number of join keys specified; expected [%d] but found [%d]", want, len(t.By))
		}
	}
}

func (c *checker) sequence(s *SequenceQuery) {
	c.keys(s.By)
	if d := s.MaxSpan; d != nil {
		switch {
		case d.Value <= 0:
			c.errorf(d.Pos, "a positive maxspan value is required; found [%d]", d.Value)
		case d.Unit == "":
			c.errorf(d.Pos, "no time unit specified, did you mean [s] as in [%ds]?", d.Value)
		case !contains(timeUnits, d.Unit):
			c.errorf(d.Pos, "unrecognized time unit [%s] in [%d%s], please specify one of [ms, s, m, h, d]", d.Unit, d.Value, d.Unit)
		case d.Value > maxSpanLimit(d.Unit):
			c.errorf(d.Pos, "maxspan [%d%s] is too large", d.Value, d.Unit)
		}
	}
	queries, positive, missing := 0, 0, 0
	for _, t := range s.Terms {
		n := max(t.Runs, 1)
		if t.Runs != 0 && (t.Runs < 1 || t.Runs > 100) {
			c.errorf(t.RunsPos, "runs must be between 1 and 100, found [%d]", max(t.Runs, 0))
		}
		queries += n
		if t.Missing {
			missing += n
		} else {
			positive += n
		}
		c.event(t.Query)
	}
	if queries < 2 {
		c.errorf(s.Pos, "a sequence requires a minimum of 2 queries, found [%d]", queries)
	}
	if missing > 0 {
		if positive == 0 {
			c.errorf(s.Pos, "a sequence requires at least one positive query, not only missing events")
		}
		if s.MaxSpan == nil {
			c.errorf(s.Pos, "a sequence with missing events ![...] requires [with maxspan]")
		}
	}
	terms := s.Terms
	if s.Until != nil {
		if s.Until.Missing {
			c.errorf(s.Until.Pos, "until cannot be a missing event")
		}
		if s.Until.Runs != 0 {
			c.errorf(s.Until.RunsPos, "until cannot have runs")
		}
		c.event(s.Until.Query)
		terms = append(terms[:len(terms):len(terms)], s.Until)
	}
	c.termKeys(terms)
}

func maxSpanLimit(unit string) int64 {
	switch unit {
	case "ms":
		return 1 << 53
	case "s":
		return 1 << 43
	case "m":
		return 1 << 37
	case "h":
		return 1 << 31
	}
	return 1 << 27
}

func (c *checker) sample(s *SampleQuery) {
	c.keys(s.By)
	for _, t := range s.Terms {
		if t.Missing {
			c.errorf(t.Pos, "samples cannot have missing events")
		}
		if t.Runs != 0 {
			c.errorf(t.RunsPos, "samples do not support [runs]")
		}
		c.event(t.Query)
	}
	if len(s.Terms) < 2 {
		c.errorf(s.Pos, "a sample requires a minimum of 2 queries, found [%d]", len(s.Terms))
	}
	c.termKeys(s.Terms)
	if len(s.By) == 0 && len(s.Terms) > 0 && len(s.Terms[0].By) == 0 {
		c.errorf(s.Pos, "a sample requires join keys: use sample by or per-query by")
	}
}

// condition checks a filter expression.
func (c *checker) condition(e Expr) {
	walk(e, func(x Expr) bool {
		switch x := x.(type) {
		case *Call:
			c.call(x)
		case *Binary:
			c.binary(x)
		case *In:
			if hasField(x.X, false) {
				for _, item := range x.List {
					if hasField(item, false) {
						c.errorf(item.Position(), "comparisons against fields are not supported; offender [%s] in [in]", PrintExpr(item))
					}
				}
			}
		case *Match:
			for _, p := range x.Patterns {
				if p.Kind != LitString {
					c.errorf(p.Position(), "[%s] requires string patterns, found [%s]", x.Op, PrintExpr(p))
				}
			}
		}
		return true
	})
}

// hasField reports whether e reads a field; with optional false, fields
// marked optional do not count.
func hasField(e Expr, optional bool) bool {
	found := false
	walk(e, func(x Expr) bool {
		if f, ok := x.(*Field); ok && (optional || !f.Optional) {
			found = true
		}
		return !found
	})
	return found
}

func (c *checker) binary(b *Binary) {
	switch b.Op {
	case OpEq, OpNeq, OpLt, OpLte, OpGt, OpGte:
		if hasField(b.X, false) && hasField(b.Y, false) {
			c.errorf(b.Y.Position(), "comparisons against fields are not supported; offender [%s] in [%s]", PrintExpr(b.Y), b.Op)
		}
	case OpAdd, OpSub, OpMul, OpDiv, OpMod:
		for _, side := range []Expr{b.X, b.Y} {
			if lit, ok := side.(*Literal); ok && lit.Kind != LitInt && lit.Kind != LitFloat && lit.Kind != LitNull {
				c.errorf(lit.Pos, "[%s] requires numeric operands, found [%s]", b.Op, PrintExpr(lit))
			}
		}
	}
}

func (c *checker) call(x *Call) {
	f, ok := functions[strings.ToLower(x.Name)]
	if !ok {
		names := make([]string, 0, len(functions))
		for _, f := range functions {
			names = append(names, f.name)
		}
		sort.Strings(names)
		c.errorf(x.Pos, "unknown function [%s]%s", x.Name, didYouMean(x.Name, names))
		return
	}
	if x.Insensitive && !f.insensitive {
		c.errorf(x.Pos, "function [%s] does not support case-insensitive matching; remove the ~", x.Name)
	}
	n := len(x.Args)
	switch {
	case f.maxArgs < 0 && n < f.minArgs:
		c.errorf(x.Pos, "function [%s] takes at least %d arguments, found [%d]", x.Name, f.minArgs, n)
		return
	case f.maxArgs >= 0 && (n < f.minArgs || n > f.maxArgs):
		if f.minArgs == f.maxArgs {
			c.errorf(x.Pos, "function [%s] takes exactly %d arguments, found [%d]", x.Name, f.minArgs, n)
		} else {
			c.errorf(x.Pos, "function [%s] takes %d to %d arguments, found [%d]", x.Name, f.minArgs, f.maxArgs, n)
		}
		return
	}
	for i, a := range x.Args {
		lit, ok := a.(*Literal)
		if !ok || lit.Kind == LitNull {
			continue
		}
		want := f.argKind(i)
		fits := true
		switch want {
		case argNumber:
			fits = lit.Kind == LitInt || lit.Kind == LitFloat
		case argString:
			fits = lit.Kind == LitString
		case argInteger:
			fits = lit.Kind == LitInt
		case argBool:
			fits = lit.Kind == LitBool
		}
		if !fits {
			c.errorf(lit.Pos, "argument %d of [%s] must be [%s], found [%s]", i+1, x.Name, argKindNames[want], PrintExpr(lit))
		}
	}
	if strings.EqualFold(f.name, "number") && n > 1 && hasField(x.Args[1], true) {
		c.errorf(x.Args[1].Position(), "the base of [number] must be a constant")
	}
}

// didYouMean suggests the closest names to s, as Elasticsearch's
// messages do.
func didYouMean(s string, names []string) string {
	best, dist := []string(nil), 3
	for _, n := range names {
		d := levenshtein(strings.ToLower(s), strings.ToLower(n))
		switch {
		case d < dist:
			best, dist = []string{n}, d
		case d == dist:
			best = append(best, n)
		}
	}
	switch len(best) {
	case 0:
		return ""
	case 1:
		return ", did you mean [" + best[0] + "]?"
	}
	return ", did you mean any of [" + strings.Join(best, ", ") + "]?"
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
