package eql

import (
	"fmt"
	"slices"
	"strings"

	"github.com/eqlrunner/eqlrunner/query/eql/pattern"
)

// Options configure Compile.
type Options struct {
	TimestampField  string // Default "@timestamp".
	TiebreakerField string // Default none.
	CategoryField   string // Default "event.category".
	// Schema, when set, gives field types, date formats and aliases (see
	// Schema).
	Schema *Schema
	// Fields, when set, is the table the program registers its fields in;
	// programs sharing one table read the same decoded documents.
	Fields *FieldTable
	Limits Limits
}

func (o Options) withDefaults() Options {
	if o.TimestampField == "" {
		o.TimestampField = "@timestamp"
	}
	if o.CategoryField == "" {
		o.CategoryField = "event.category"
	}
	if o.Fields == nil {
		o.Fields = NewFieldTable()
	}
	o.Limits = o.Limits.withDefaults()
	return o
}

// QueryKind tells event, sequence and sample queries apart.
type QueryKind uint8

// Query kinds.
const (
	EventKind QueryKind = iota
	SequenceKind
	SampleKind
)

// Program is a compiled query. It is immutable: Match may be called from
// many goroutines at once, each with its own Doc.
type Program struct {
	Query  *Query
	Kind   QueryKind
	fields *FieldTable
	ts, tb FieldID // tb is -1 without a tiebreaker.
	filter pred    // Event queries.
	stages []*stage
	until  *stage
	// maxspan is in nanoseconds; 0 means none.
	maxspan int64
	pipes   []*Pipe
	limits  Limits
	tsName  string
	tbName  string
	reads   []FieldID
}

// stage is one query of a sequence or sample, runs expanded.
type stage struct {
	filter  pred
	keys    []keyField
	missing bool
}

type keyField struct {
	id       FieldID
	name     string
	optional bool
	null     bool // An optional field the schema lacks: always null.
}

// Fields returns the table the program's fields are registered in (shared
// with other programs when Options.Fields was set).
func (p *Program) Fields() *FieldTable { return p.fields }

// Reads returns the fields the program reads, sorted: a decoder for this
// program alone needs only these.
func (p *Program) Reads() []FieldID { return slices.Clone(p.reads) }

// Match reports whether d matches an event query's condition. It is the
// stateless entry point for filtering events one by one.
func (p *Program) Match(d *Doc) bool { return p.filter != nil && p.filter.match(d) }

// Compile parses, checks and compiles query.
func Compile(query string, opts Options) (prog *Program, err error) {
	defer recoverInternal("compile", &err)
	opts = opts.withDefaults()
	q, err := ParseWithLimits(query, opts.Limits)
	if err != nil {
		return nil, err
	}
	if err := Check(q); err != nil {
		return nil, err
	}
	return compileQuery(q, opts)
}

func compileQuery(q *Query, opts Options) (*Program, error) {
	c := &compiler{opts: opts, fields: opts.Fields, reads: map[FieldID]bool{}}
	p := &Program{Query: q, fields: c.fields, pipes: q.Pipes, limits: opts.Limits, tb: -1,
		tsName: opts.TimestampField, tbName: opts.TiebreakerField}
	p.ts = c.field(&Field{Name: opts.TimestampField})
	c.fields.markDate(p.ts)
	if opts.TiebreakerField != "" {
		p.tb = c.field(&Field{Name: opts.TiebreakerField})
	}
	if s := opts.Schema; s != nil {
		for name, f := range s.Fields {
			if f.Type == "date" || f.Type == "date_nanos" {
				if id, ok := c.fields.Lookup(name); ok {
					c.fields.markDate(id)
				}
			}
		}
	}
	switch b := q.Body.(type) {
	case *EventQuery:
		p.Kind = EventKind
		p.filter = c.event(b, nil)
	case *SequenceQuery:
		p.Kind = SequenceKind
		if b.MaxSpan != nil {
			p.maxspan = b.MaxSpan.Value * unitNanos(b.MaxSpan.Unit)
		}
		for _, t := range b.Terms {
			st := c.stage(b.By, t)
			for range max(t.Runs, 1) {
				p.stages = append(p.stages, st)
			}
		}
		if b.Until != nil {
			p.until = c.stage(b.By, b.Until)
		}
	case *SampleQuery:
		p.Kind = SampleKind
		for _, t := range b.Terms {
			p.stages = append(p.stages, c.stage(b.By, t))
		}
	}
	if len(c.errs) > 0 {
		sortErrors(c.errs)
		return nil, c.errs
	}
	for id := range c.reads {
		p.reads = append(p.reads, id)
	}
	slices.Sort(p.reads)
	return p, nil
}

func unitNanos(unit string) int64 {
	switch unit {
	case "ms":
		return 1e6
	case "s":
		return 1e9
	case "m":
		return 60e9
	case "h":
		return 3600e9
	}
	return 86400e9
}

type compiler struct {
	opts   Options
	fields *FieldTable
	errs   ErrorList
	occ    []FieldID // Field occurrences of the leaf being compiled.
	reads  map[FieldID]bool
}

func (c *compiler) errorf(pos Pos, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func (c *compiler) stage(global []Expr, t *Term) *stage {
	st := &stage{missing: t.Missing}
	var keyConds []pred
	for _, k := range append(append([]Expr(nil), global...), t.By...) {
		f := k.(*Field)
		kf := keyField{name: f.Name, optional: f.Optional}
		if f.Optional && c.opts.Schema != nil && !c.opts.Schema.has(f.Name) {
			kf.null = true
		} else {
			kf.id = c.field(f)
		}
		if !f.Optional {
			// Elasticsearch adds "key != null" to each query for every
			// mandatory key (AddMandatoryJoinKeyFilter).
			keyConds = append(keyConds, notPred{nullLeaf{kf.id}})
		}
		st.keys = append(st.keys, kf)
	}
	st.filter = c.event(t.Query, keyConds)
	return st
}

// event compiles "<category> where <condition>" plus extra conditions.
func (c *compiler) event(q *EventQuery, extra []pred) pred {
	var parts andPred
	if !q.Any {
		cat := c.field(&Field{Name: c.opts.CategoryField})
		parts = append(parts, &cmpLeaf{f: cat, op: OpEq, lit: StringValue(q.Category)})
	}
	parts = append(parts, extra...)
	cond := c.pred(c.simplify(q.Where))
	if cp, ok := cond.(constPred); ok {
		if !cp {
			return constPred(false)
		}
	} else {
		parts = append(parts, cond)
	}
	switch len(parts) {
	case 0:
		return constPred(true)
	case 1:
		return parts[0]
	}
	return parts
}

// isNull is "x == null", as Elasticsearch's optimizer rewrites it.
type isNull struct {
	Pos Pos
	X   Expr
}

func (e *isNull) Position() Pos { return e.Pos }

// simplify applies the rewrites Elasticsearch's optimizer makes before it
// plans a query, where they change results: optional fields the schema
// lacks become null, comparisons with null become null checks, literals
// move to the right of comparisons, constant parts fold, and boolean
// constants simplify.
func (c *compiler) simplify(e Expr) Expr {
	switch e := e.(type) {
	case *Field:
		if e.Optional && c.opts.Schema != nil && !c.opts.Schema.has(e.Name) {
			return &Literal{Pos: e.Pos, Kind: LitNull}
		}
		return e
	case *Unary:
		x := c.simplify(e.X)
		if e.Op == OpNot {
			if lit, ok := x.(*Literal); ok && lit.Kind == LitBool {
				return &Literal{Pos: e.Pos, Kind: LitBool, Bool: !lit.Bool}
			}
			if inner, ok := x.(*Unary); ok && inner.Op == OpNot {
				return inner.X
			}
		}
		return c.fold(&Unary{Pos: e.Pos, Op: e.Op, X: x})
	case *Binary:
		x, y := c.simplify(e.X), c.simplify(e.Y)
		switch e.Op {
		case OpAnd, OpOr:
			for _, pair := range [][2]Expr{{x, y}, {y, x}} {
				if lit, ok := pair[0].(*Literal); ok && lit.Kind == LitBool {
					if lit.Bool == (e.Op == OpOr) {
						return lit
					}
					return pair[1]
				}
			}
			return &Binary{Pos: e.Pos, Op: e.Op, X: x, Y: y}
		case OpEq, OpNeq:
			var other Expr
			if isNullLit(y) {
				other = x
			} else if isNullLit(x) {
				other = y
			}
			if other != nil {
				var out Expr = &isNull{Pos: e.Pos, X: other}
				if e.Op == OpNeq {
					out = &Unary{Pos: e.Pos, Op: OpNot, X: out}
				}
				return c.simplify(out)
			}
		}
		if isComparison(e.Op) && isLit(x) && !isLit(y) {
			return c.fold(&Binary{Pos: e.Pos, Op: flip(e.Op), X: y, Y: x})
		}
		return c.fold(&Binary{Pos: e.Pos, Op: e.Op, X: x, Y: y})
	case *isNull:
		return c.fold(&isNull{Pos: e.Pos, X: c.simplify(e.X)})
	case *In:
		n := &In{Pos: e.Pos, X: c.simplify(e.X), Not: e.Not, Insensitive: e.Insensitive}
		for _, item := range e.List {
			n.List = append(n.List, c.simplify(item))
		}
		if n.Not {
			n.Not = false
			return c.simplify(&Unary{Pos: e.Pos, Op: OpNot, X: c.fold(n)})
		}
		return c.fold(n)
	case *Match:
		return c.fold(&Match{Pos: e.Pos, X: c.simplify(e.X), Op: e.Op, Patterns: e.Patterns, List: e.List})
	case *Call:
		n := &Call{Pos: e.Pos, Name: e.Name, Insensitive: e.Insensitive}
		for _, a := range e.Args {
			n.Args = append(n.Args, c.simplify(a))
		}
		return c.fold(n)
	}
	return e
}

func isNullLit(e Expr) bool {
	lit, ok := e.(*Literal)
	return ok && lit.Kind == LitNull
}

func isComparison(op BinaryOp) bool { return op >= OpEq && op <= OpGte }

func flip(op BinaryOp) BinaryOp {
	switch op {
	case OpLt:
		return OpGt
	case OpLte:
		return OpGte
	case OpGt:
		return OpLt
	case OpGte:
		return OpLte
	}
	return op
}

func isLit(e Expr) bool {
	_, ok := e.(*Literal)
	return ok
}

// operands returns the direct operands of e.
func operands(e Expr) []Expr {
	switch e := e.(type) {
	case *Unary:
		return []Expr{e.X}
	case *Binary:
		return []Expr{e.X, e.Y}
	case *isNull:
		return []Expr{e.X}
	case *In:
		return append([]Expr{e.X}, e.List...)
	case *Match:
		return []Expr{e.X}
	case *Call:
		return e.Args
	}
	return nil
}

// fold evaluates an expression whose operands are all literals (they
// were folded first, bottom up) into a literal.
func (c *compiler) fold(e Expr) Expr {
	switch e.(type) {
	case *Literal, *Field, *Bad:
		return e
	}
	for _, x := range operands(e) {
		if !isLit(x) {
			return e
		}
	}
	save := c.occ
	x := c.expr(e)
	c.occ = save
	v := x.eval(&Doc{})
	lit := &Literal{Pos: e.Position()}
	switch v.Kind {
	case KindNull:
		lit.Kind = LitNull
	case KindBool:
		lit.Kind, lit.Bool = LitBool, v.I == 1
	case KindInt:
		lit.Kind, lit.Int = LitInt, v.I
	case KindFloat:
		lit.Kind, lit.Float = LitFloat, v.F
	case KindString:
		lit.Kind, lit.Str = LitString, v.S
	default:
		return e
	}
	return lit
}

func literalValue(l *Literal) Value {
	switch l.Kind {
	case LitBool:
		return BoolValue(l.Bool)
	case LitInt:
		return IntValue(l.Int)
	case LitFloat:
		return FloatValue(l.Float)
	case LitString:
		return StringValue(l.Str)
	}
	return Null
}

// pred compiles a simplified condition into a predicate tree.
func (c *compiler) pred(e Expr) pred {
	switch e := e.(type) {
	case *Literal:
		return constPred(e.Kind == LitBool && e.Bool)
	case *Binary:
		switch e.Op {
		case OpAnd, OpOr:
			var parts []pred
			for _, x := range flatten(e, e.Op) {
				parts = append(parts, c.pred(x))
			}
			if e.Op == OpAnd {
				return andPred(parts)
			}
			return orPred(parts)
		case OpNeq:
			// "field != constant" is planned as NOT(term query): it matches
			// when the field is missing and when no value equals.
			if f, ok := e.X.(*Field); ok && isLit(e.Y) {
				return notPred{c.leaf(&Binary{Pos: e.Pos, Op: OpEq, X: f, Y: e.Y})}
			}
		}
	case *Unary:
		if e.Op == OpNot {
			return notPred{c.pred(e.X)}
		}
	}
	return c.leaf(e)
}

func flatten(e Expr, op BinaryOp) []Expr {
	b, ok := e.(*Binary)
	if !ok || b.Op != op {
		return []Expr{e}
	}
	return append(flatten(b.X, op), flatten(b.Y, op)...)
}

// field resolves a field reference, through aliases, to its id.
func (c *compiler) field(f *Field) FieldID {
	id := c.fields.ID(c.opts.Schema.resolve(f.Name))
	c.reads[id] = true
	return id
}

// leaf compiles one condition that Elasticsearch runs as a single query:
// a fast form for "field op constants", the general form otherwise.
func (c *compiler) leaf(e Expr) pred {
	switch e := e.(type) {
	case *Field:
		id := c.field(e)
		return boolLeaf{id}
	case *isNull:
		if f, ok := e.X.(*Field); ok {
			id := c.field(f)
			return nullLeaf{id}
		}
	case *Binary:
		if f, ok := e.X.(*Field); ok && isComparison(e.Op) {
			if lit, ok := e.Y.(*Literal); ok {
				id := c.field(f)
				v := literalValue(lit)
				if c.fields.IsDate(id) {
					if ns, ok := toDate(v); ok {
						v = DateValue(ns)
					} else if v.Kind != KindNull {
						c.errorf(lit.Pos, "cannot compare date field [%s] with [%s]", f.Name, PrintExpr(lit))
					}
				}
				return &cmpLeaf{f: id, op: e.Op, lit: v}
			}
		}
	case *In:
		if f, ok := e.X.(*Field); ok {
			if vals, ok := constValues(e.List); ok {
				id := c.field(f)
				if c.fields.IsDate(id) {
					for i, v := range vals {
						if ns, ok := toDate(v); ok {
							vals[i] = DateValue(ns)
						}
					}
				}
				return &setLeaf{f: id, set: newValueSet(vals, e.Insensitive)}
			}
		}
	case *Match:
		if f, ok := e.X.(*Field); ok {
			id := c.field(f)
			return &matchLeaf{f: id, m: c.matcher(e)}
		}
	}
	c.occ = c.occ[:0]
	x := c.expr(e)
	return &exprLeaf{e: x, occ: append([]FieldID(nil), c.occ...), maxCombs: c.opts.Limits.MaxCombinations}
}

func constValues(list []Expr) ([]Value, bool) {
	vals := make([]Value, 0, len(list))
	for _, x := range list {
		lit, ok := x.(*Literal)
		if !ok {
			return nil, false
		}
		vals = append(vals, literalValue(lit))
	}
	return vals, true
}

// matcher compiles the patterns of a match operator. A ':' or like pattern
// without wildcards is an equality test (ReplaceRegexMatch).
func (c *compiler) matcher(m *Match) *matcher {
	out := &matcher{}
	var exact []Value
	insensitive := m.Op == MatchColon || m.Op == MatchLikeInsensitive || m.Op == MatchRegexInsensitive
	for _, p := range m.Patterns {
		if p.Kind != LitString {
			continue
		}
		switch m.Op {
		case MatchRegex, MatchRegexInsensitive:
			re, err := pattern.CompileRegexp(p.Str, insensitive)
			if err != nil {
				c.errorf(p.Pos, "invalid regular expression %s: %v", quoteString(p.Str), err)
				continue
			}
			out.regexps = append(out.regexps, re)
		default:
			if !strings.ContainsAny(p.Str, "*?") {
				exact = append(exact, StringValue(p.Str))
				continue
			}
			out.wildcards = append(out.wildcards, pattern.CompileWildcard(p.Str, insensitive, false))
		}
	}
	if len(exact) > 0 {
		out.set = newValueSet(exact, insensitive)
	}
	return out
}

// expr compiles a scalar expression, recording field occurrences.
func (c *compiler) expr(e Expr) expr {
	switch e := e.(type) {
	case *Literal:
		return constExpr{literalValue(e)}
	case *Field:
		id := c.field(e)
		c.occ = append(c.occ, id)
		return fieldExpr{f: id, occ: len(c.occ) - 1}
	case *isNull:
		return isNullExpr{c.expr(e.X)}
	case *Unary:
		x := c.expr(e.X)
		switch e.Op {
		case OpNot:
			return notExpr{x}
		case OpNeg:
			return negExpr{x}
		}
		return arithExpr{op: OpAdd, x: constExpr{IntValue(0)}, y: x}
	case *Binary:
		x, y := c.expr(e.X), c.expr(e.Y)
		switch {
		case e.Op == OpAnd || e.Op == OpOr:
			return logicExpr{and: e.Op == OpAnd, x: x, y: y}
		case isComparison(e.Op):
			return cmpExpr{op: e.Op, x: x, y: y}
		}
		return arithExpr{op: e.Op, x: x, y: y}
	case *In:
		n := inExpr{x: c.expr(e.X), insensitive: e.Insensitive}
		for _, item := range e.List {
			n.list = append(n.list, c.expr(item))
		}
		var out expr = n
		if e.Not {
			out = notExpr{n}
		}
		return out
	case *Match:
		return matchExpr{x: c.expr(e.X), m: c.matcher(e)}
	case *Call:
		fn := functions[strings.ToLower(e.Name)]
		if fn == nil {
			return constExpr{Null}
		}
		// endsWith and stringContains on a field with a constant run as
		// Lucene wildcard queries, where '*', '?' and '\' keep their
		// meaning (Elasticsearch's CaseInsensitiveScalarFunctions).
		if name := strings.ToLower(fn.name); (name == "endswith" || name == "stringcontains") && len(e.Args) == 2 {
			if _, isField := e.Args[0].(*Field); isField {
				if lit, ok := e.Args[1].(*Literal); ok && lit.Kind == LitString {
					p := "*" + lit.Str
					if name == "stringcontains" {
						p += "*"
					}
					return luceneWildcardExpr{x: c.expr(e.Args[0]), w: pattern.CompileWildcard(p, e.Insensitive, true)}
				}
			}
		}
		n := callExpr{fn: fn, insensitive: e.Insensitive}
		for _, a := range e.Args {
			n.args = append(n.args, c.expr(a))
		}
		return n
	}
	return constExpr{Null}
}
