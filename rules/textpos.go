package rules

import (
	"bytes"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2/unstable"
)

// textPos locates a string value in its file, so that an offset into the
// decoded string (where the EQL parser found an error) can be turned back
// into the file's line and column, escapes and delimiters accounted for.
type textPos struct {
	raw       []byte // The value as written, delimiters included.
	line, col int    // Where raw starts in the file; line 0 = unknown.
	offsets   []int  // Offset in raw of each decoded byte.
}

func newTextPos(raw []byte, start unstable.Position) textPos {
	return textPos{raw: raw, line: start.Line, col: start.Column, offsets: decodedOffsets(raw)}
}

// newJSONTextPos locates a JSON string literal that starts at byte col-1 of line.
func newJSONTextPos(raw []byte, line, col int) textPos {
	return textPos{raw: raw, line: line, col: col, offsets: decodedOffsets(raw)}
}

// locate maps a byte offset in the decoded string to a file position.
func (t textPos) locate(offset int) (line, col int) {
	if t.line == 0 {
		return 0, 0
	}
	rawOff := len(t.raw)
	if len(t.offsets) > 0 {
		rawOff = t.offsets[min(max(offset, 0), len(t.offsets)-1)]
		if offset >= len(t.offsets) {
			rawOff++
		}
	}
	before := t.raw[:min(rawOff, len(t.raw))]
	nl := bytes.Count(before, []byte{'\n'})
	if nl == 0 {
		return t.line, t.col + rawOff
	}
	return t.line + nl, rawOff - bytes.LastIndexByte(before, '\n')
}

// decodedOffsets returns, for each byte of the decoded value of a TOML or
// JSON string literal, the offset in raw of the text that produced it.
func decodedOffsets(raw []byte) []int {
	var open int
	escapes := true
	switch {
	case bytes.HasPrefix(raw, []byte(`'''`)):
		open, escapes = 3, false
	case bytes.HasPrefix(raw, []byte(`"""`)):
		open = 3
	case bytes.HasPrefix(raw, []byte(`'`)):
		open, escapes = 1, false
	case bytes.HasPrefix(raw, []byte(`"`)):
		open = 1
	default:
		return nil
	}
	if len(raw) < 2*open {
		return nil
	}
	start, end := open, len(raw)-open
	if open == 3 { // A newline right after a multi-line opener is trimmed.
		if bytes.HasPrefix(raw[start:], []byte("\r\n")) {
			start += 2
		} else if start < end && raw[start] == '\n' {
			start++
		}
	}
	var out []int
	for i := start; i < end; {
		c := raw[i]
		if c != '\\' || !escapes || i+1 >= end {
			out = append(out, i)
			i++
			continue
		}
		switch e := raw[i+1]; e {
		case 'u', 'U':
			n := 4
			if e == 'U' {
				n = 8
			}
			r, size := rune(utf8.RuneError), 2
			if i+2+n <= end {
				if v, err := strconv.ParseUint(string(raw[i+2:i+2+n]), 16, 32); err == nil {
					r, size = rune(v), 2+n
				}
			}
			// A JSON surrogate pair is two escapes for one rune.
			if utf16.IsSurrogate(r) && i+size+6 <= end && raw[i+size] == '\\' && raw[i+size+1] == 'u' {
				if v, err := strconv.ParseUint(string(raw[i+size+2:i+size+6]), 16, 32); err == nil {
					r, size = utf16.DecodeRune(r, rune(v)), size+6
				}
			}
			n = utf8.RuneLen(r)
			if n < 0 {
				n = utf8.RuneLen(utf8.RuneError) // What decoders put in place of a lone surrogate.
			}
			for range n {
				out = append(out, i)
			}
			i += size
		case ' ', '\t', '\r', '\n':
			// Line-ending backslash: the newline and following whitespace vanish.
			i++
			for i < end && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n') {
				i++
			}
		default:
			out = append(out, i)
			i += 2
		}
	}
	return out
}
