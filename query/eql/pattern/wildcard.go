package pattern

import (
	"unicode"
	"unicode/utf8"
)

// Wildcard matches a whole string against a pattern where '*' stands for
// any run of characters and '?' for exactly one; every other character
// stands for itself. With Escapes, '\' makes the next character literal,
// as in Lucene's wildcard query syntax.
type Wildcard struct {
	toks        []wtok
	insensitive bool
	ascii       bool // Every literal is ASCII: match byte by byte when the value is ASCII too.
	literal     bool // No '*' or '?': an equality test.
}

type wtokKind uint8

const (
	wLit  wtokKind = iota
	wAny           // ?
	wStar          // *
)

type wtok struct {
	kind wtokKind
	r    rune
	lo   rune
	up   rune
}

// CompileWildcard compiles p. insensitive makes each literal character
// also match its lower and upper case forms, as Lucene's case-insensitive
// queries do; escapes turns on '\' escaping.
func CompileWildcard(p string, insensitive, escapes bool) *Wildcard {
	w := &Wildcard{insensitive: insensitive, ascii: true, literal: true}
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		i += size
		switch {
		case r == '*':
			w.literal = false
			if n := len(w.toks); n > 0 && w.toks[n-1].kind == wStar {
				continue
			}
			w.toks = append(w.toks, wtok{kind: wStar})
			continue
		case r == '?':
			w.literal = false
			w.toks = append(w.toks, wtok{kind: wAny})
			continue
		case r == '\\' && escapes && i < len(p):
			r, size = utf8.DecodeRuneInString(p[i:])
			i += size
		}
		if r >= utf8.RuneSelf {
			w.ascii = false
		}
		t := wtok{kind: wLit, r: r, lo: r, up: r}
		if insensitive {
			t.lo, t.up = unicode.ToLower(r), unicode.ToUpper(r)
			if t.lo >= utf8.RuneSelf || t.up >= utf8.RuneSelf {
				w.ascii = false
			}
		}
		w.toks = append(w.toks, t)
	}
	return w
}

// Literal reports whether the pattern has no wildcard, and returns its
// text; callers can then compare strings directly.
func (w *Wildcard) Literal() (string, bool) {
	if !w.literal {
		return "", false
	}
	b := make([]rune, len(w.toks))
	for i, t := range w.toks {
		b[i] = t.r
	}
	return string(b), true
}

// Match reports whether s matches the whole pattern.
func (w *Wildcard) Match(s string) bool {
	if w.ascii && isASCII(s) {
		return w.matchBytes(s)
	}
	return w.matchRunes(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (t *wtok) matchByte(c byte) bool {
	r := rune(c)
	return r == t.r || r == t.lo || r == t.up
}

func (t *wtok) matchRune(r rune) bool { return r == t.r || r == t.lo || r == t.up }

// matchBytes is the classic linear glob match with one backtrack point,
// on ASCII text.
func (w *Wildcard) matchBytes(s string) bool {
	toks := w.toks
	ti, si := 0, 0
	starT, starS := -1, 0
	for si < len(s) {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case wStar:
				starT, starS = ti, si
				ti++
				continue
			case wAny:
				ti++
				si++
				continue
			default:
				if t.matchByte(s[si]) {
					ti++
					si++
					continue
				}
			}
		}
		if starT < 0 {
			return false
		}
		starS++
		si = starS
		ti = starT + 1
	}
	for ti < len(toks) && toks[ti].kind == wStar {
		ti++
	}
	return ti == len(toks)
}

func (w *Wildcard) matchRunes(s string) bool {
	toks := w.toks
	ti, si := 0, 0
	starT, starS := -1, 0
	for si < len(s) {
		r, size := utf8.DecodeRuneInString(s[si:])
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case wStar:
				starT, starS = ti, si
				ti++
				continue
			case wAny:
				ti++
				si += size
				continue
			default:
				if t.matchRune(r) {
					ti++
					si += size
					continue
				}
			}
		}
		if starT < 0 {
			return false
		}
		_, skip := utf8.DecodeRuneInString(s[starS:])
		starS += skip
		si = starS
		ti = starT + 1
	}
	for ti < len(toks) && toks[ti].kind == wStar {
		ti++
	}
	return ti == len(toks)
}
