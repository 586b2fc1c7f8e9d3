package eql

import (
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Print writes q as canonical EQL: one line, single spaces, keywords in
// lower case, the fewest parentheses that keep the tree, strings in double
// quotes with escapes. Parse(Print(q)) gives q back, positions aside.
func Print(q *Query) string {
	var b strings.Builder
	printBody(&b, q.Body)
	for _, p := range q.Pipes {
		b.WriteString(" | ")
		b.WriteString(p.Name)
		for i, a := range p.Args {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte(' ')
			printExpr(&b, a, precOr)
		}
	}
	return b.String()
}

// PrintExpr writes one expression as canonical EQL.
func PrintExpr(e Expr) string {
	var b strings.Builder
	printExpr(&b, e, precOr)
	return b.String()
}

func printBody(b *strings.Builder, body Body) {
	switch q := body.(type) {
	case *EventQuery:
		printEvent(b, q)
	case *SequenceQuery:
		b.WriteString("sequence")
		printKeys(b, q.By)
		if q.MaxSpan != nil {
			b.WriteString(" with maxspan=")
			b.WriteString(strconv.FormatInt(q.MaxSpan.Value, 10))
			b.WriteString(q.MaxSpan.Unit)
		}
		for _, t := range q.Terms {
			b.WriteByte(' ')
			printTerm(b, t)
		}
		if q.Until != nil {
			b.WriteString(" until ")
			printTerm(b, q.Until)
		}
	case *SampleQuery:
		b.WriteString("sample")
		printKeys(b, q.By)
		for _, t := range q.Terms {
			b.WriteByte(' ')
			printTerm(b, t)
		}
	}
}

func printEvent(b *strings.Builder, q *EventQuery) {
	switch {
	case q.Any:
		b.WriteString("any")
	case isPlainIdent(q.Category):
		b.WriteString(q.Category)
	default:
		b.WriteString(quoteString(q.Category))
	}
	b.WriteString(" where ")
	printExpr(b, q.Where, precOr)
}

func printKeys(b *strings.Builder, keys []Expr) {
	for i, k := range keys {
		if i == 0 {
			b.WriteString(" by ")
		} else {
			b.WriteString(", ")
		}
		printExpr(b, k, precOr)
	}
}

func printTerm(b *strings.Builder, t *Term) {
	if t.Missing {
		b.WriteString("![")
	} else {
		b.WriteByte('[')
	}
	printEvent(b, t.Query)
	b.WriteByte(']')
	printKeys(b, t.By)
	if t.Runs != 0 {
		b.WriteString(" with runs=")
		b.WriteString(strconv.Itoa(max(t.Runs, 0)))
	}
}

func printExpr(b *strings.Builder, e Expr, ctx int) {
	switch e := e.(type) {
	case *Literal:
		if ctx > precUnary && isNegative(e) {
			b.WriteByte('(')
			printLiteral(b, e)
			b.WriteByte(')')
			return
		}
		printLiteral(b, e)
	case *Field:
		if e.Optional {
			b.WriteByte('?')
		}
		b.WriteString(fieldText(e.Name))
	case *Unary:
		prec := precUnary
		if e.Op == OpNot {
			prec = precNot
		}
		open := ctx > prec
		if open {
			b.WriteByte('(')
		}
		switch e.Op {
		case OpNot:
			b.WriteString("not ")
		case OpNeg:
			b.WriteByte('-')
		case OpPlus:
			b.WriteByte('+')
		}
		inner := prec
		if e.Op != OpNot {
			// "- -x" must not print as "--x"; a literal operand would fold.
			inner = precUnary + 1
		}
		printExpr(b, e.X, inner)
		if open {
			b.WriteByte(')')
		}
	case *Binary:
		prec := binaryPrec(e.Op)
		open := ctx > prec
		if open {
			b.WriteByte('(')
		}
		left, right := prec, prec+1
		if prec == precCompare {
			left = prec + 1
		}
		printExpr(b, e.X, left)
		b.WriteByte(' ')
		b.WriteString(e.Op.String())
		b.WriteByte(' ')
		printExpr(b, e.Y, right)
		if open {
			b.WriteByte(')')
		}
	case *In:
		printOperand(b, e.X)
		if e.Not {
			b.WriteString(" not")
		}
		if e.Insensitive {
			b.WriteString(" in~ (")
		} else {
			b.WriteString(" in (")
		}
		for i, x := range e.List {
			if i > 0 {
				b.WriteString(", ")
			}
			printExpr(b, x, precOr)
		}
		b.WriteByte(')')
	case *Match:
		printOperand(b, e.X)
		if e.Op == MatchColon {
			b.WriteString(" : ")
		} else {
			b.WriteByte(' ')
			b.WriteString(e.Op.String())
			b.WriteByte(' ')
		}
		if e.List {
			b.WriteByte('(')
		}
		for i, p := range e.Patterns {
			if i > 0 {
				b.WriteString(", ")
			}
			printLiteral(b, p)
		}
		if e.List {
			b.WriteByte(')')
		}
	case *Call:
		b.WriteString(e.Name)
		if e.Insensitive {
			b.WriteByte('~')
		}
		b.WriteByte('(')
		for i, a := range e.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			printExpr(b, a, precOr)
		}
		b.WriteByte(')')
	case *Bad:
		b.WriteString("<bad>")
	}
}

// printOperand writes the left side of in, :, like or regex, which the
// grammar wants to be a primary expression: anything else goes in
// parentheses.
func printOperand(b *strings.Builder, e Expr) {
	switch e.(type) {
	case *In, *Match:
		b.WriteByte('(')
		printExpr(b, e, precOr)
		b.WriteByte(')')
		return
	}
	printExpr(b, e, precUnary+1)
}

func isNegative(l *Literal) bool {
	return (l.Kind == LitInt && l.Int < 0) || (l.Kind == LitFloat && (l.Float < 0 || (l.Float == 0 && math.Signbit(l.Float))))
}

func printLiteral(b *strings.Builder, l *Literal) {
	switch l.Kind {
	case LitNull:
		b.WriteString("null")
	case LitBool:
		b.WriteString(strconv.FormatBool(l.Bool))
	case LitInt:
		b.WriteString(strconv.FormatInt(l.Int, 10))
	case LitFloat:
		b.WriteString(formatDecimal(l.Float))
	case LitString:
		b.WriteString(quoteString(l.Str))
	}
}

// formatDecimal prints f so that it lexes back as a decimal.
func formatDecimal(f float64) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") { // n: NaN and Inf cannot come from the parser.
		s += ".0"
	}
	return strings.Replace(s, "e+", "e", 1)
}

func quoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if r == utf8.RuneError || !unicode.IsPrint(r) {
				b.WriteString(`\u{`)
				h := strconv.FormatInt(int64(r), 16)
				if len(h) < 2 {
					h = "0" + h
				}
				b.WriteString(h)
				b.WriteByte('}')
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func isPlainIdent(s string) bool {
	if s == "" {
		return false
	}
	if _, kw := keywords[s]; kw {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isLetter(c) || c == '_' || (isDigit(c) && i > 0) || (c == '@' && i == 0) {
			continue
		}
		return false
	}
	return true
}

// fieldText prints a field name, in backticks unless every dotted part is
// a plain identifier.
func fieldText(name string) string {
	plain := true
	for part := range strings.SplitSeq(name, ".") {
		if !isPlainIdent(part) {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}
