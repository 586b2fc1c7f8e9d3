package pattern

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Regexp matches whole strings against a pattern in Lucene's regular
// expression syntax, the syntax of Elasticsearch's regexp query.
type Regexp struct {
	re *regexp.Regexp
}

// Match reports whether the whole of s matches.
func (r *Regexp) Match(s string) bool { return r.re.MatchString(s) }

// String returns the equivalent Go regular expression.
func (r *Regexp) String() string { return r.re.String() }

// CompileRegexp translates a Lucene regular expression into a Go one.
// insensitive folds ASCII letters only, as Lucene's case-insensitive flag
// does. Lucene's intersection (&), complement (~) and numeric interval
// (<n-m>) operators have no equivalent here and are reported as errors.
func CompileRegexp(p string, insensitive bool) (*Regexp, error) {
	t := &translator{src: p, fold: insensitive}
	var b strings.Builder
	b.WriteString(`^(?s:`)
	if err := t.union(&b); err != nil {
		return nil, err
	}
	if t.i < len(t.src) {
		return nil, fmt.Errorf("unexpected %q at offset %d", t.src[t.i], t.i)
	}
	b.WriteString(`)$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %w", err)
	}
	return &Regexp{re: re}, nil
}

type translator struct {
	src   string
	i     int
	fold  bool
	depth int
}

const maxRegexpDepth = 100

func (t *translator) more() bool { return t.i < len(t.src) }
func (t *translator) peek(chars string) bool {
	return t.more() && strings.IndexByte(chars, t.src[t.i]) >= 0
}

func (t *translator) union(b *strings.Builder) error {
	t.depth++
	defer func() { t.depth-- }()
	if t.depth > maxRegexpDepth {
		return fmt.Errorf("regular expression nested too deeply")
	}
	if err := t.concat(b); err != nil {
		return err
	}
	for t.peek("|") {
		t.i++
		b.WriteByte('|')
		if err := t.concat(b); err != nil {
			return err
		}
	}
	return nil
}

func (t *translator) concat(b *strings.Builder) error {
	for t.more() && !t.peek(")|") {
		if t.peek("&") {
			return fmt.Errorf("the intersection operator & is not supported")
		}
		if err := t.repeat(b); err != nil {
			return err
		}
	}
	return nil
}

func (t *translator) repeat(b *strings.Builder) error {
	var atom strings.Builder
	if err := t.simple(&atom); err != nil {
		return err
	}
	expr := atom.String()
	for t.peek("?*+{") {
		c := t.src[t.i]
		t.i++
		expr = "(?:" + expr + ")"
		if c != '{' {
			expr += string(c)
			continue
		}
		start := t.i
		for t.peek("0123456789") {
			t.i++
		}
		if start == t.i {
			return fmt.Errorf("integer expected at offset %d", t.i)
		}
		n, _ := strconv.Atoi(t.src[start:t.i])
		m := n
		open := false
		if t.peek(",") {
			t.i++
			start = t.i
			for t.peek("0123456789") {
				t.i++
			}
			if start == t.i {
				open = true
			} else {
				m, _ = strconv.Atoi(t.src[start:t.i])
			}
		}
		if !t.peek("}") {
			return fmt.Errorf("expected '}' at offset %d", t.i)
		}
		t.i++
		if n > 1000 || m > 1000 {
			return fmt.Errorf("repeat count over 1000")
		}
		switch {
		case open:
			expr += fmt.Sprintf("{%d,}", n)
		case m == n:
			expr += fmt.Sprintf("{%d}", n)
		default:
			if m < n {
				return fmt.Errorf("invalid repeat {%d,%d}", n, m)
			}
			expr += fmt.Sprintf("{%d,%d}", n, m)
		}
	}
	b.WriteString(expr)
	return nil
}

func (t *translator) simple(b *strings.Builder) error {
	if !t.more() {
		return fmt.Errorf("unexpected end of regular expression")
	}
	c := t.src[t.i]
	switch c {
	case '~':
		return fmt.Errorf("the complement operator ~ is not supported")
	case '<':
		return fmt.Errorf("numeric intervals <n-m> are not supported")
	case '.':
		t.i++
		b.WriteString(".")
		return nil
	case '#':
		t.i++
		b.WriteString(`[^\x00-\x{10FFFF}]`)
		return nil
	case '@':
		t.i++
		b.WriteString(".*")
		return nil
	case '"':
		end := strings.IndexByte(t.src[t.i+1:], '"')
		if end < 0 {
			return fmt.Errorf("unterminated quoted string")
		}
		lit := t.src[t.i+1 : t.i+1+end]
		t.i += end + 2
		b.WriteString("(?:")
		for _, r := range lit {
			t.literal(b, r)
		}
		b.WriteString(")")
		return nil
	case '(':
		t.i++
		b.WriteString("(?:")
		if t.peek(")") {
			t.i++
			b.WriteString(")")
			return nil
		}
		if err := t.union(b); err != nil {
			return err
		}
		if !t.peek(")") {
			return fmt.Errorf("expected ')' at offset %d", t.i)
		}
		t.i++
		b.WriteString(")")
		return nil
	case '[':
		return t.class(b)
	}
	r, err := t.char(b, false)
	if err != nil || r < 0 {
		return err
	}
	t.literal(b, r)
	return nil
}

// char reads one character or escape. Shorthand classes (\d, \w, \s and
// their negations) are written to b directly and return -1.
func (t *translator) char(b *strings.Builder, inClass bool) (rune, error) {
	if t.src[t.i] == '\\' {
		t.i++
		if !t.more() {
			return 0, fmt.Errorf("trailing backslash")
		}
		r, size := utf8.DecodeRuneInString(t.src[t.i:])
		t.i += size
		switch r {
		case 'd', 'D', 'w', 'W', 's', 'S':
			cls := map[rune]string{'d': `0-9`, 'w': `a-zA-Z0-9_`, 's': `\t\n\v\f\r `}
			lower := r | 0x20
			switch {
			case inClass && r == lower:
				b.WriteString(cls[lower])
			case inClass:
				return 0, fmt.Errorf(`negated shorthand \%c inside a class is not supported`, r)
			case r == lower:
				b.WriteString("[" + cls[lower] + "]")
			default:
				b.WriteString("[^" + cls[lower] + "]")
			}
			return -1, nil
		}
		return r, nil
	}
	r, size := utf8.DecodeRuneInString(t.src[t.i:])
	t.i += size
	return r, nil
}

func (t *translator) literal(b *strings.Builder, r rune) {
	if t.fold && r < utf8.RuneSelf && isLetterByte(byte(r)) {
		b.WriteString("[" + string(r|0x20) + string(r&^0x20) + "]")
		return
	}
	b.WriteString(regexp.QuoteMeta(string(r)))
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (t *translator) class(b *strings.Builder) error {
	t.i++ // [
	b.WriteByte('[')
	if t.peek("^") {
		t.i++
		b.WriteByte('^')
	}
	first := true
	for {
		if !t.more() {
			return fmt.Errorf("unterminated character class")
		}
		if t.peek("]") && !first {
			t.i++
			break
		}
		first = false
		lo, err := t.char(b, true)
		if err != nil {
			return err
		}
		if lo < 0 {
			continue
		}
		hi := lo
		if t.peek("-") && t.i+1 < len(t.src) && t.src[t.i+1] != ']' {
			t.i++
			if hi, err = t.char(b, true); err != nil {
				return err
			}
			if hi < 0 {
				return fmt.Errorf("shorthand class cannot end a range")
			}
			if hi < lo {
				return fmt.Errorf("invalid class range %c-%c", lo, hi)
			}
		}
		t.classRange(b, lo, hi)
	}
	b.WriteByte(']')
	return nil
}

func (t *translator) classRange(b *strings.Builder, lo, hi rune) {
	write := func(lo, hi rune) {
		fmt.Fprintf(b, `\x{%x}`, lo)
		if hi != lo {
			fmt.Fprintf(b, `-\x{%x}`, hi)
		}
	}
	write(lo, hi)
	if !t.fold {
		return
	}
	// Add the other case of the ASCII letters the range covers.
	for _, span := range [][2]rune{{'a', 'z'}, {'A', 'Z'}} {
		a, z := max(lo, span[0]), min(hi, span[1])
		if a <= z {
			write(a^0x20, z^0x20)
		}
	}
}
