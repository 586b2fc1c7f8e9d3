package eql

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// maxErrors is how many errors a parse collects before it gives up.
const maxErrors = 10

// Parse parses an EQL statement with the default limits. The error, when
// not nil, is an ErrorList (or an InternalError, which is a bug).
func Parse(query string) (*Query, error) { return ParseWithLimits(query, Limits{}) }

// ParseWithLimits parses an EQL statement within lim (zero fields take the
// defaults).
func ParseWithLimits(query string, lim Limits) (q *Query, err error) {
	defer recoverInternal("parse", &err)
	lim = lim.withDefaults()
	if len(query) > lim.MaxQueryBytes {
		return nil, ErrorList{{Pos: Pos{Line: 1, Col: 1}, Msg: fmt.Sprintf("query is %d bytes long; the limit is %d", len(query), lim.MaxQueryBytes)}}
	}
	if !utf8.ValidString(query) {
		off := 0
		for off < len(query) {
			r, size := utf8.DecodeRuneInString(query[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, ErrorList{{Pos: posAt(query, off), Msg: "query is not valid UTF-8"}}
	}
	toks, lexErrs := tokenize(query, lim.MaxTokens)
	p := &parser{src: query, toks: toks, lim: lim, errs: lexErrs}
	q = p.statement()
	if len(p.errs) > 0 {
		sortErrors(p.errs)
		p.errs = dedupe(p.errs)
		if len(p.errs) > maxErrors {
			p.errs = p.errs[:maxErrors]
		}
		return nil, p.errs
	}
	return q, nil
}

type parser struct {
	src   string
	toks  []Token
	i     int
	lim   Limits
	errs  ErrorList
	depth int
	nodes int
	// abort is set when a limit is exceeded: parsing stops at once.
	abort bool
}

func (p *parser) tok() Token    { return p.toks[p.i] }
func (p *parser) kind() tokKind { return p.toks[p.i].Kind }

func (p *parser) peekKind(n int) tokKind {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n].Kind
	}
	return tEOF
}

func (p *parser) next() Token {
	t := p.toks[p.i]
	if t.Kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) errorf(pos Pos, format string, args ...any) {
	if len(p.errs) > maxErrors {
		p.abort = true
		return
	}
	p.errs = append(p.errs, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)})
}

func describe(t Token) string {
	switch t.Kind {
	case tEOF:
		return "end of query"
	case tIdent, tQuotedIdent, tTildeIdent, tInteger, tDecimal, tString:
		return fmt.Sprintf("%s %s", t.Kind, t.Text)
	}
	return fmt.Sprintf("'%s'", t.Text)
}

// expect consumes a token of kind k or records an error without moving.
func (p *parser) expect(k tokKind, what string) bool {
	if p.kind() == k {
		p.next()
		return true
	}
	p.errorf(p.tok().Pos, "expected %s, found %s", what, describe(p.tok()))
	return false
}

// syncTo skips tokens until one of kinds (not consumed) or the end.
func (p *parser) syncTo(kinds ...tokKind) {
	for p.kind() != tEOF {
		for _, k := range kinds {
			if p.kind() == k {
				return
			}
		}
		p.next()
	}
}

func (p *parser) node() {
	p.nodes++
	if p.nodes > p.lim.MaxNodes && !p.abort {
		p.errorf(p.tok().Pos, "query has more than %d expression nodes", p.lim.MaxNodes)
		p.abort = true
	}
}

func (p *parser) statement() *Query {
	q := &Query{Body: p.body()}
	for !p.abort && p.kind() == tPipe {
		q.Pipes = append(q.Pipes, p.pipe())
	}
	if !p.abort && p.kind() != tEOF {
		p.errorf(p.tok().Pos, "unexpected %s", describe(p.tok()))
	}
	return q
}

func (p *parser) body() Body {
	switch p.kind() {
	case tSequence:
		return p.sequence()
	case tSample:
		return p.sample()
	case tJoin:
		p.errorf(p.tok().Pos, "join queries are not supported")
		p.syncTo(tPipe)
		return &EventQuery{Pos: p.tok().Pos, Any: true, Where: &Literal{Kind: LitBool}}
	}
	return p.eventQuery()
}

func (p *parser) eventQuery() *EventQuery {
	t := p.tok()
	q := &EventQuery{Pos: t.Pos, CatPos: t.Pos}
	switch t.Kind {
	case tAny:
		q.Any = true
	case tIdent, tString:
		q.Category = t.Value
	default:
		p.errorf(t.Pos, "expected an event category or 'any', found %s", describe(t))
		q.Where = &Bad{Pos: t.Pos}
		return q
	}
	p.next()
	if !p.expect(tWhere, "'where'") {
		q.Where = &Bad{Pos: p.tok().Pos}
		return q
	}
	q.Where = p.expr()
	return q
}

func (p *parser) joinKeys() []Expr {
	p.next() // by
	keys := []Expr{p.expr()}
	for !p.abort && p.kind() == tComma {
		p.next()
		keys = append(keys, p.expr())
	}
	return keys
}

func (p *parser) maxspan() *Duration {
	p.next() // with
	if !p.expect(tMaxspan, "'maxspan'") || !p.expect(tAssign, "'='") {
		return nil
	}
	t := p.tok()
	d := &Duration{Pos: t.Pos}
	switch t.Kind {
	case tInteger:
		v, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil {
			p.errorf(t.Pos, "maxspan value %s is too large", t.Text)
		}
		d.Value = v
	case tDecimal:
		p.errorf(t.Pos, "decimal time interval [%s] not supported; please use a positive integer", t.Text)
	default:
		p.errorf(t.Pos, "expected a maxspan such as 5m, found %s", describe(t))
		return nil
	}
	p.next()
	if p.kind() == tIdent {
		d.Unit = p.next().Value
	}
	return d
}

func (p *parser) sequence() *SequenceQuery {
	s := &SequenceQuery{Pos: p.next().Pos}
	switch p.kind() {
	case tBy:
		s.By = p.joinKeys()
		if p.kind() == tWith {
			s.MaxSpan = p.maxspan()
		}
	case tWith:
		s.MaxSpan = p.maxspan()
		if p.kind() == tBy {
			p.errorf(p.tok().Pos, "please specify sequence [by] before [with] not after")
			s.By = p.joinKeys()
		}
	}
	for !p.abort && (p.kind() == tLBrack || p.kind() == tMissingOpen) {
		s.Terms = append(s.Terms, p.term())
	}
	if len(s.Terms) == 0 && !p.abort {
		p.errorf(p.tok().Pos, "expected '[' starting a sequence query, found %s", describe(p.tok()))
		p.syncTo(tPipe)
	}
	if !p.abort && p.kind() == tUntil {
		p.next()
		if p.kind() != tLBrack && p.kind() != tMissingOpen {
			p.errorf(p.tok().Pos, "expected '[' after until, found %s", describe(p.tok()))
			p.syncTo(tPipe)
		} else {
			s.Until = p.term()
		}
	}
	return s
}

func (p *parser) sample() *SampleQuery {
	s := &SampleQuery{Pos: p.next().Pos}
	if p.kind() == tBy {
		s.By = p.joinKeys()
	}
	for !p.abort && (p.kind() == tLBrack || p.kind() == tMissingOpen) {
		s.Terms = append(s.Terms, p.term())
	}
	if len(s.Terms) == 0 && !p.abort {
		p.errorf(p.tok().Pos, "expected '[' starting a sample query, found %s", describe(p.tok()))
		p.syncTo(tPipe)
	}
	return s
}

func (p *parser) term() *Term {
	open := p.next()
	t := &Term{Pos: open.Pos, Missing: open.Kind == tMissingOpen}
	errs := len(p.errs)
	t.Query = p.eventQuery()
	if len(p.errs) > errs {
		// Resynchronise at the closing bracket of this term.
		p.syncTo(tRBrack, tPipe)
	}
	if p.kind() != tRBrack {
		p.errorf(p.tok().Pos, "expected ']' closing the query opened at %s, found %s", open.Pos, describe(p.tok()))
		p.syncTo(tRBrack, tPipe)
		if p.kind() != tRBrack {
			return t
		}
	}
	p.next()
	if p.kind() == tBy {
		t.By = p.joinKeys()
	}
	if p.kind() == tWith {
		p.next()
		name := p.tok()
		if name.Kind != tIdent || name.Value != "runs" {
			p.errorf(name.Pos, "expected 'runs' after with, found %s", describe(name))
			p.syncTo(tLBrack, tMissingOpen, tUntil, tPipe)
			return t
		}
		p.next()
		if !p.expect(tAssign, "'='") {
			return t
		}
		n := p.tok()
		t.RunsPos = n.Pos
		if n.Kind != tInteger {
			p.errorf(n.Pos, "expected an integer number of runs, found %s", describe(n))
			return t
		}
		p.next()
		v, err := strconv.ParseInt(n.Text, 10, 32)
		if err != nil {
			v = math.MaxInt32
		}
		t.Runs = int(v)
		if t.Runs == 0 {
			t.Runs = -1 // "runs=0" is kept apart from "not given" for the checker.
		}
	}
	return t
}

func (p *parser) pipe() *Pipe {
	bar := p.next()
	t := p.tok()
	if t.Kind != tIdent {
		p.errorf(t.Pos, "expected a pipe name after '|', found %s", describe(t))
		p.next()
		p.syncTo(tPipe)
		return &Pipe{Pos: bar.Pos}
	}
	p.next()
	pp := &Pipe{Pos: t.Pos, Name: t.Value}
	if p.kind() != tPipe && p.kind() != tEOF {
		pp.Args = append(pp.Args, p.expr())
		for !p.abort && p.kind() == tComma {
			p.next()
			pp.Args = append(pp.Args, p.expr())
		}
	}
	if !p.abort && p.kind() != tPipe && p.kind() != tEOF {
		p.errorf(p.tok().Pos, "unexpected %s", describe(p.tok()))
		p.syncTo(tPipe)
	}
	return pp
}

// expr parses a full condition.
func (p *parser) expr() Expr { return p.binary(precOr) }

func (p *parser) enter() bool {
	p.depth++
	if p.depth > p.lim.MaxDepth && !p.abort {
		p.errorf(p.tok().Pos, "expression is nested more than %d levels deep", p.lim.MaxDepth)
		p.abort = true
	}
	return !p.abort
}

func (p *parser) leave() { p.depth-- }

// binary parses operators of binding power minPrec and tighter, by
// precedence climbing over the binaryOps table.
func (p *parser) binary(minPrec int) Expr {
	if !p.enter() {
		p.leave()
		return &Bad{Pos: p.tok().Pos}
	}
	defer p.leave()
	x := p.prefix(minPrec)
	for !p.abort {
		info, ok := binaryOps[p.kind()]
		if !ok || info.prec < minPrec {
			if p.kind() == tAssign && minPrec <= precCompare {
				p.errorf(p.tok().Pos, "use == for equality, not =")
				p.next()
				p.binary(precAdd)
				continue
			}
			return x
		}
		opTok := p.next()
		y := p.binary(info.prec + 1)
		p.node()
		x = &Binary{Pos: opTok.Pos, Op: info.op, X: x, Y: y}
		if info.prec == precCompare {
			if next, ok := binaryOps[p.kind()]; ok && next.prec == precCompare {
				p.errorf(p.tok().Pos, "comparisons cannot be chained; combine them with 'and'")
			}
		}
	}
	return x
}

func (p *parser) prefix(minPrec int) Expr {
	t := p.tok()
	switch t.Kind {
	case tNot:
		if minPrec > precNot {
			p.errorf(t.Pos, "'not' is not allowed here; put the condition in parentheses")
		}
		p.next()
		x := p.binary(precNot)
		p.node()
		return &Unary{Pos: t.Pos, Op: OpNot, X: x}
	case tMinus, tPlus:
		p.next()
		x := p.binary(precUnary)
		p.node()
		if lit, ok := x.(*Literal); ok && t.Kind == tMinus {
			switch lit.Kind {
			case LitInt:
				return &Literal{Pos: t.Pos, Kind: LitInt, Int: -lit.Int}
			case LitFloat:
				return &Literal{Pos: t.Pos, Kind: LitFloat, Float: -lit.Float}
			}
		}
		op := OpNeg
		if t.Kind == tPlus {
			op = OpPlus
		}
		return &Unary{Pos: t.Pos, Op: op, X: x}
	}
	return p.predicate(p.primary())
}

func (p *parser) primary() Expr {
	t := p.tok()
	p.node()
	switch t.Kind {
	case tNull:
		p.next()
		return &Literal{Pos: t.Pos, Kind: LitNull}
	case tTrue, tFalse:
		p.next()
		return &Literal{Pos: t.Pos, Kind: LitBool, Bool: t.Kind == tTrue}
	case tInteger:
		p.next()
		v, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil {
			p.errorf(t.Pos, "number [%s] is too large", t.Text)
		}
		return &Literal{Pos: t.Pos, Kind: LitInt, Int: v}
	case tDecimal:
		p.next()
		v, err := strconv.ParseFloat(t.Text, 64)
		if err != nil || math.IsInf(v, 0) {
			p.errorf(t.Pos, "number [%s] is too large", t.Text)
		}
		return &Literal{Pos: t.Pos, Kind: LitFloat, Float: v}
	case tString:
		p.next()
		return &Literal{Pos: t.Pos, Kind: LitString, Str: t.Value}
	case tLParen:
		p.next()
		x := p.expr()
		if !p.expect(tRParen, "')'") {
			p.syncTo(tRParen, tRBrack, tPipe)
			if p.kind() == tRParen {
				p.next()
			}
		}
		return x
	case tQuestion:
		p.next()
		if k := p.kind(); k != tIdent && k != tQuotedIdent {
			p.errorf(p.tok().Pos, "expected a field name after '?', found %s", describe(p.tok()))
			return &Bad{Pos: t.Pos}
		}
		f := p.field()
		f.Pos = t.Pos
		f.Optional = true
		return f
	case tTildeIdent:
		p.next()
		return p.call(t, true)
	case tIdent, tQuotedIdent:
		if t.Kind == tIdent && p.peekKind(1) == tLParen {
			p.next()
			return p.call(t, false)
		}
		if t.Kind == tIdent && p.peekKind(1) == tOf {
			p.errorf(t.Pos, "process relationships (%s of [...]) are not supported", t.Value)
			p.next()
			p.next()
			if p.kind() == tLBrack {
				p.syncTo(tRBrack)
				p.next()
			}
			return &Bad{Pos: t.Pos}
		}
		return p.field()
	}
	p.errorf(t.Pos, "expected an expression, found %s", describe(t))
	return &Bad{Pos: t.Pos}
}

func (p *parser) field() *Field {
	t := p.next()
	f := &Field{Pos: t.Pos, Name: t.Value}
	for {
		switch {
		case p.kind() == tDot:
			p.next()
			part := p.tok()
			if part.Kind != tIdent && part.Kind != tQuotedIdent {
				if _, kw := keywords[part.Text]; kw {
					p.errorf(part.Pos, "%q is a keyword: quote the field name in backticks, as in `%s.%s`", part.Text, f.Name, part.Text)
				} else {
					p.errorf(part.Pos, "expected a field name after '.', found %s", describe(part))
				}
				if part.Kind != tEOF {
					p.next()
				}
				continue
			}
			p.next()
			f.Name += "." + part.Value
		case p.kind() == tLBrack && p.peekKind(1) == tInteger:
			p.errorf(p.tok().Pos, "array indexes are not supported")
			p.syncTo(tRBrack)
			p.next()
		default:
			return f
		}
	}
}

func (p *parser) call(name Token, insensitive bool) Expr {
	c := &Call{Pos: name.Pos, Name: name.Value, Insensitive: insensitive}
	if !p.expect(tLParen, "'(' after the function name") {
		return c
	}
	if p.kind() != tRParen {
		c.Args = append(c.Args, p.expr())
		for !p.abort && p.kind() == tComma {
			p.next()
			c.Args = append(c.Args, p.expr())
		}
	}
	if !p.abort && !p.expect(tRParen, "')' closing the call of "+name.Value) {
		p.syncTo(tRParen, tRBrack, tPipe)
		if p.kind() == tRParen {
			p.next()
		}
	}
	return c
}

var matchOps = map[tokKind]MatchOp{
	tColon: MatchColon, tLike: MatchLike, tLikeInsensitive: MatchLikeInsensitive,
	tRegex: MatchRegex, tRegexInsensitive: MatchRegexInsensitive,
}

// predicate parses an optional in/:/like/regex after a primary expression.
func (p *parser) predicate(x Expr) Expr {
	if p.abort {
		return x
	}
	t := p.tok()
	not := false
	if t.Kind == tNot && (p.peekKind(1) == tIn || p.peekKind(1) == tInInsensitive) {
		not = true
		p.next()
		t = p.tok()
	}
	if t.Kind == tIn || t.Kind == tInInsensitive {
		p.next()
		p.node()
		in := &In{Pos: t.Pos, X: x, Not: not, Insensitive: t.Kind == tInInsensitive}
		if !p.expect(tLParen, "'(' after in") {
			return in
		}
		in.List = append(in.List, p.expr())
		for !p.abort && p.kind() == tComma {
			p.next()
			in.List = append(in.List, p.expr())
		}
		if !p.abort && !p.expect(tRParen, "')' closing the in list") {
			p.syncTo(tRParen, tRBrack, tPipe)
			if p.kind() == tRParen {
				p.next()
			}
		}
		return in
	}
	op, ok := matchOps[t.Kind]
	if !ok {
		return x
	}
	p.next()
	p.node()
	m := &Match{Pos: t.Pos, X: x, Op: op}
	if p.kind() == tLParen {
		m.List = true
		p.next()
		m.Patterns = append(m.Patterns, p.constant())
		for p.kind() == tComma {
			p.next()
			m.Patterns = append(m.Patterns, p.constant())
		}
		if !p.expect(tRParen, "')' closing the pattern list") {
			p.syncTo(tRParen, tRBrack, tPipe)
			if p.kind() == tRParen {
				p.next()
			}
		}
		return m
	}
	m.Patterns = append(m.Patterns, p.constant())
	return m
}

// constant parses a literal, as pattern operators require.
func (p *parser) constant() *Literal {
	t := p.tok()
	switch t.Kind {
	case tString, tInteger, tDecimal, tTrue, tFalse, tNull:
		return p.primary().(*Literal)
	}
	p.errorf(t.Pos, "expected a constant pattern, found %s", describe(t))
	if t.Kind != tEOF && t.Kind != tRParen && t.Kind != tRBrack && t.Kind != tPipe {
		p.next()
	}
	return &Literal{Pos: t.Pos, Kind: LitNull}
}
