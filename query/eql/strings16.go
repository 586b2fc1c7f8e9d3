package eql

import (
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Elasticsearch's string functions run in Java, where strings are
// sequences of UTF-16 code units: length, substring and indexOf count in
// those units. These helpers do the same on Go's UTF-8 strings.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// len16 is Java's String.length.
func len16(s string) int {
	if isASCII(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// byteOffset16 maps a UTF-16 index (clamped to the string) to a byte
// offset; an index inside a surrogate pair rounds up to the next rune.
func byteOffset16(s string, idx int) int {
	if idx <= 0 {
		return 0
	}
	if isASCII(s) {
		return min(idx, len(s))
	}
	units := 0
	for i, r := range s {
		if units >= idx {
			return i
		}
		units += utf16.RuneLen(r)
	}
	return len(s)
}

// index16 maps a byte offset to a UTF-16 index.
func index16(s string, off int) int {
	if isASCII(s) {
		return off
	}
	return len16(s[:off])
}

// javaLower lower-cases s as toLowerCase(Locale.ROOT) does, closely enough
// for matching (per character).
func javaLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	return strings.Map(unicode.ToLower, s)
}

// indexOf16 is Java's indexOf(sub, from) in UTF-16 units, -1 when absent.
func indexOf16(s, sub string, from int) int {
	from = max(from, 0)
	n := len16(s)
	if from >= n {
		if sub == "" {
			return n
		}
		return -1
	}
	off := byteOffset16(s, from)
	i := strings.Index(s[off:], sub)
	if i < 0 {
		return -1
	}
	return index16(s, off+i)
}

// substring16 is Java's substring(begin, end) on valid bounds.
func substring16(s string, begin, end int) string {
	return s[byteOffset16(s, begin):byteOffset16(s, end)]
}

// foldRuneMatches reports whether value rune r matches pattern rune p in
// a case-insensitive term or wildcard query: r is p, or p's lower or upper
// case form, as Lucene's case-insensitive automata accept.
func foldRuneMatches(r, p rune) bool {
	return r == p || r == unicode.ToLower(p) || r == unicode.ToUpper(p)
}

// equalFoldTerm compares value with pattern as a case-insensitive term
// query does.
func equalFoldTerm(value, pattern string) bool {
	if isASCII(pattern) {
		if len(value) != len(pattern) {
			return false
		}
		for i := 0; i < len(value); i++ {
			a, b := value[i], pattern[i]
			if a != b && lowerASCII(a) != lowerASCII(b) {
				return false
			}
		}
		return true
	}
	for _, p := range pattern {
		if value == "" {
			return false
		}
		r, size := utf8.DecodeRuneInString(value)
		if !foldRuneMatches(r, p) {
			return false
		}
		value = value[size:]
	}
	return value == ""
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
