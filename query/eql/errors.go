package eql

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Pos is a place in a query: a byte offset and the 1-based line and column
// (counted in characters) it falls on.
type Pos struct {
	Offset int
	Line   int
	Col    int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Error is one problem found in a query, at a position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrorList is every problem found in a query, in order of position. It is
// returned as the error of Parse, Check and Compile.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Format renders every error as "line:col: message" followed by the line
// of the query it is on and a caret under the column.
func (l ErrorList) Format(query string) string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
		b.WriteByte('\n')
		b.WriteString(Snippet(query, e.Pos))
	}
	return b.String()
}

// Snippet returns the line of query that holds pos, with a second line
// holding a caret under pos. Tabs are kept so the caret lines up.
func Snippet(query string, pos Pos) string {
	off := min(max(pos.Offset, 0), len(query))
	start := strings.LastIndexByte(query[:off], '\n') + 1
	end := strings.IndexByte(query[off:], '\n')
	if end < 0 {
		end = len(query)
	} else {
		end += off
	}
	line := strings.TrimRight(query[start:end], "\r")
	var pad strings.Builder
	for _, r := range query[start:off] {
		if r == '\t' {
			pad.WriteByte('\t')
		} else {
			pad.WriteByte(' ')
		}
	}
	return "  " + line + "\n  " + pad.String() + "^"
}

// InternalError reports a bug in the engine: a panic recovered inside
// Parse, Check, Compile or evaluation. Tests assert it never happens.
type InternalError struct {
	Op    string
	Value any
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("eql: internal error in %s: %v", e.Op, e.Value)
}

// IsInternal reports whether err is or wraps an InternalError.
func IsInternal(err error) bool {
	var ie *InternalError
	return errors.As(err, &ie)
}

// recoverInternal turns a panic into an InternalError stored in *err.
func recoverInternal(op string, err *error) {
	if r := recover(); r != nil {
		*err = &InternalError{Op: op, Value: r}
	}
}

// posAt computes the position of byte offset off in src.
func posAt(src string, off int) Pos {
	off = min(max(off, 0), len(src))
	line := 1 + strings.Count(src[:off], "\n")
	start := strings.LastIndexByte(src[:off], '\n') + 1
	return Pos{Offset: off, Line: line, Col: 1 + utf8.RuneCountInString(src[start:off])}
}
