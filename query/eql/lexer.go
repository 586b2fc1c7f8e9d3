package eql

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// lexer turns a query into tokens. It never stops at an error: it records
// it and goes on, so the parser can report several problems at once.
type lexer struct {
	src  string
	off  int
	line int
	col  int // Column of off, in characters: kept as the lexer moves, so positions cost nothing.
	errs ErrorList
}

// tokenize returns every token of src, ending with EOF, or stops early
// with an error once limit tokens have been produced.
func tokenize(src string, limit int) ([]Token, ErrorList) {
	lx := &lexer{src: src, line: 1, col: 1}
	var toks []Token
	for {
		t := lx.next()
		toks = append(toks, t)
		if t.Kind == tEOF {
			break
		}
		if len(toks) > limit {
			lx.errorf(t.Pos.Offset, "query has more than %d tokens", limit)
			toks = append(toks, Token{Kind: tEOF, Pos: lx.pos(len(src)), End: len(src)})
			break
		}
	}
	return toks, lx.errs
}

func (lx *lexer) pos(off int) Pos {
	if off == lx.off {
		return Pos{Offset: off, Line: lx.line, Col: lx.col}
	}
	return posAt(lx.src, off)
}

func (lx *lexer) errorf(off int, format string, args ...any) {
	if len(lx.errs) > maxErrors {
		return
	}
	lx.errs = append(lx.errs, &Error{Pos: posAt(lx.src, off), Msg: fmt.Sprintf(format, args...)})
}

// advance moves past n bytes, keeping track of lines.
func (lx *lexer) advance(n int) {
	end := min(lx.off+n, len(lx.src))
	for i := lx.off; i < end; i++ {
		switch c := lx.src[i]; {
		case c == '\n':
			lx.line++
			lx.col = 1
		case c < 0x80 || c >= 0xC0: // Not a UTF-8 continuation byte.
			lx.col++
		}
	}
	lx.off = end
}

func (lx *lexer) peek(i int) byte {
	if lx.off+i < len(lx.src) {
		return lx.src[lx.off+i]
	}
	return 0
}

func (lx *lexer) skipSpaceAndComments() {
	for lx.off < len(lx.src) {
		c := lx.src[lx.off]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			lx.advance(1)
		case c == '/' && lx.peek(1) == '/':
			end := strings.IndexByte(lx.src[lx.off:], '\n')
			if end < 0 {
				end = len(lx.src) - lx.off
			}
			lx.advance(end)
		case c == '/' && lx.peek(1) == '*':
			start := lx.off
			depth := 0
			for lx.off < len(lx.src) {
				if lx.peek(0) == '/' && lx.peek(1) == '*' {
					depth++
					lx.advance(2)
				} else if lx.peek(0) == '*' && lx.peek(1) == '/' {
					depth--
					lx.advance(2)
					if depth == 0 {
						break
					}
				} else {
					lx.advance(1)
				}
			}
			if depth != 0 {
				lx.errorf(start, "unterminated comment")
			}
		default:
			return
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (lx *lexer) next() Token {
	lx.skipSpaceAndComments()
	start := lx.off
	tok := func(k tokKind, n int) Token {
		p := lx.pos(start)
		lx.advance(n)
		return Token{Kind: k, Pos: p, End: lx.off, Text: lx.src[start:lx.off]}
	}
	if lx.off >= len(lx.src) {
		return Token{Kind: tEOF, Pos: lx.pos(start), End: start}
	}
	c := lx.src[lx.off]
	switch c {
	case ':':
		return tok(tColon, 1)
	case '=':
		if lx.peek(1) == '=' {
			return tok(tEq, 2)
		}
		return tok(tAssign, 1)
	case '!':
		if lx.peek(1) == '=' {
			return tok(tNeq, 2)
		}
		if lx.peek(1) == '[' {
			return tok(tMissingOpen, 2)
		}
	case '<':
		if lx.peek(1) == '=' {
			return tok(tLte, 2)
		}
		return tok(tLt, 1)
	case '>':
		if lx.peek(1) == '=' {
			return tok(tGte, 2)
		}
		return tok(tGt, 1)
	case '+':
		return tok(tPlus, 1)
	case '-':
		return tok(tMinus, 1)
	case '*':
		return tok(tStar, 1)
	case '/':
		return tok(tSlash, 1)
	case '%':
		return tok(tPercent, 1)
	case ',':
		return tok(tComma, 1)
	case '[':
		return tok(tLBrack, 1)
	case ']':
		return tok(tRBrack, 1)
	case '(':
		return tok(tLParen, 1)
	case ')':
		return tok(tRParen, 1)
	case '|':
		return tok(tPipe, 1)
	case '.':
		if isDigit(lx.peek(1)) {
			return lx.number()
		}
		return tok(tDot, 1)
	case '?':
		if q := lx.peek(1); q == '"' || q == '\'' {
			return lx.oldString(2, q, "raw strings are written \"\"\"...\"\"\"; ?\"...\" is not supported")
		}
		return tok(tQuestion, 1)
	case '"':
		return lx.string()
	case '\'':
		return lx.oldString(1, '\'', "strings are written in double quotes; single quotes are not supported")
	case '`':
		return lx.quotedIdent()
	}
	if isDigit(c) {
		return lx.number()
	}
	if isLetter(c) || c == '_' || c == '@' {
		end := lx.off + 1
		for end < len(lx.src) && (isLetter(lx.src[end]) || isDigit(lx.src[end]) || lx.src[end] == '_') {
			end++
		}
		word := lx.src[lx.off:end]
		if end < len(lx.src) && lx.src[end] == '~' && isLetter(c) {
			if k, ok := tildeKeywords[word+"~"]; ok {
				return tok(k, end+1-lx.off)
			}
			t := tok(tTildeIdent, end+1-lx.off)
			t.Value = word
			return t
		}
		if k, ok := keywords[word]; ok {
			return tok(k, len(word))
		}
		t := tok(tIdent, len(word))
		t.Value = word
		return t
	}
	r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	if r == utf8.RuneError && size <= 1 {
		lx.errorf(start, "invalid UTF-8 in query")
	} else {
		lx.errorf(start, "unexpected character %q", r)
	}
	return tok(tIllegal, max(size, 1))
}

func (lx *lexer) number() Token {
	start := lx.off
	i := lx.off
	for i < len(lx.src) && isDigit(lx.src[i]) {
		i++
	}
	kind := tInteger
	if i < len(lx.src) && lx.src[i] == '.' {
		kind = tDecimal
		i++
		for i < len(lx.src) && isDigit(lx.src[i]) {
			i++
		}
	}
	if i < len(lx.src) && (lx.src[i] == 'e' || lx.src[i] == 'E') {
		j := i + 1
		if j < len(lx.src) && (lx.src[j] == '+' || lx.src[j] == '-') {
			j++
		}
		if j < len(lx.src) && isDigit(lx.src[j]) {
			for j < len(lx.src) && isDigit(lx.src[j]) {
				j++
			}
			kind = tDecimal
			i = j
		}
	}
	p := lx.pos(start)
	lx.advance(i - start)
	return Token{Kind: kind, Pos: p, End: lx.off, Text: lx.src[start:lx.off]}
}

func (lx *lexer) quotedIdent() Token {
	start := lx.off
	var b strings.Builder
	i := lx.off + 1
	for {
		if i >= len(lx.src) {
			lx.errorf(start, "unterminated quoted identifier")
			break
		}
		if lx.src[i] == '`' {
			if i+1 < len(lx.src) && lx.src[i+1] == '`' {
				b.WriteByte('`')
				i += 2
				continue
			}
			i++
			break
		}
		b.WriteByte(lx.src[i])
		i++
	}
	p := lx.pos(start)
	lx.advance(i - start)
	return Token{Kind: tQuotedIdent, Pos: p, End: lx.off, Text: lx.src[start:lx.off], Value: b.String()}
}

// string lexes "..." with escapes, or """...""" raw.
func (lx *lexer) string() Token {
	start := lx.off
	p := lx.pos(start)
	if strings.HasPrefix(lx.src[lx.off:], `"""`) {
		end := strings.Index(lx.src[lx.off+3:], `"""`)
		nl := strings.IndexAny(lx.src[lx.off+3:], "\r\n")
		if end < 0 || (nl >= 0 && nl < end) {
			lx.errorf(start, "unterminated raw string")
			stop := len(lx.src)
			if nl >= 0 {
				stop = lx.off + 3 + nl
			}
			lx.advance(stop - lx.off)
			return Token{Kind: tString, Pos: p, End: lx.off, Text: lx.src[start:lx.off], Value: lx.src[start+3 : lx.off]}
		}
		stop := lx.off + 3 + end + 3
		// Up to two more quotes belong to the value: """a"""" is `a"`.
		for n := 0; n < 2 && stop < len(lx.src) && lx.src[stop] == '"'; n++ {
			stop++
		}
		value := lx.src[lx.off+3 : stop-3]
		lx.advance(stop - lx.off)
		return Token{Kind: tString, Pos: p, End: lx.off, Text: lx.src[start:lx.off], Value: value}
	}
	var b strings.Builder
	i := lx.off + 1
	for {
		if i >= len(lx.src) || lx.src[i] == '\n' || lx.src[i] == '\r' {
			lx.errorf(start, "unterminated string")
			break
		}
		c := lx.src[i]
		if c == '"' {
			i++
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(lx.src) {
			i++
			continue
		}
		switch e := lx.src[i+1]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\'', '\\':
			b.WriteByte(e)
		case 'u':
			n, r, ok := unicodeEscape(lx.src[i:])
			if !ok {
				lx.errorf(i, `invalid unicode escape: want \u{XX} with 2 to 8 hex digits naming a valid character`)
				i += 2
				continue
			}
			b.WriteRune(r)
			i += n
			continue
		default:
			lx.errorf(i, `invalid escape sequence \%c`, e)
		}
		i += 2
	}
	lx.advance(i - lx.off)
	return Token{Kind: tString, Pos: p, End: lx.off, Text: lx.src[start:lx.off], Value: b.String()}
}

// unicodeEscape decodes \u{hex} at the start of s.
func unicodeEscape(s string) (n int, r rune, ok bool) {
	if !strings.HasPrefix(s, `\u{`) {
		return 0, 0, false
	}
	end := strings.IndexByte(s, '}')
	if end < 0 {
		return 0, 0, false
	}
	hex := s[3:end]
	if len(hex) < 2 || len(hex) > 8 {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(hex, 16, 32)
	if err != nil || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, 0, false
	}
	return end + 1, rune(v), true
}

// oldString lexes the quoting styles Elasticsearch's grammar still
// recognises only to reject them with a helpful message.
func (lx *lexer) oldString(open int, quote byte, msg string) Token {
	start := lx.off
	i := lx.off + open
	for i < len(lx.src) && lx.src[i] != quote && lx.src[i] != '\n' {
		if lx.src[i] == '\\' {
			i++
		}
		i++
	}
	if i < len(lx.src) && lx.src[i] == quote {
		i++
	}
	i = min(i, len(lx.src))
	lx.errorf(start, "%s", msg)
	p := lx.pos(start)
	lx.advance(i - start)
	return Token{Kind: tString, Pos: p, End: lx.off, Text: lx.src[start:lx.off]}
}
