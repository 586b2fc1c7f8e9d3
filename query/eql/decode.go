package eql

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Decoder fills a Doc from one JSON event, reading only the fields of its
// table and skipping everything else without building maps. Values that
// need no unescaping point into the input line, so the line must outlive
// the Doc's use. A Decoder is not safe for concurrent use.
type Decoder struct {
	table   *FieldTable
	paths   map[string]pathInfo
	formats map[FieldID][]dateFormat
	path    []byte
	scratch []byte
	depth   int
}

// pathInfo says what a JSON path is to the decoder: a field it reads (leaf)
// and/or a prefix of fields it reads (under).
type pathInfo struct {
	id    FieldID
	leaf  bool
	under bool
}

// maxJSONDepth bounds the nesting the decoder follows.
const maxJSONDepth = 512

// NewDecoder returns a decoder for the fields of t. schema, when not nil,
// gives the date formats of this input's date fields (each index of
// Elasticsearch has its own mapping).
func NewDecoder(t *FieldTable, schema *Schema) (*Decoder, error) {
	d := &Decoder{table: t, paths: map[string]pathInfo{}, formats: map[FieldID][]dateFormat{}}
	formats, err := schema.dateFormats()
	if err != nil {
		return nil, err
	}
	def, _ := newDateFormat("strict_date_optional_time||epoch_millis")
	for i, name := range t.names {
		id := FieldID(i)
		info := d.paths[name]
		info.id, info.leaf = id, true
		d.paths[name] = info
		for j := 0; j < len(name); j++ {
			if name[j] == '.' {
				prefix := d.paths[name[:j]]
				prefix.under = true
				d.paths[name[:j]] = prefix
			}
		}
		if fs, ok := formats[name]; ok {
			d.formats[id] = fs
		} else if t.IsDate(id) {
			d.formats[id] = def
		}
	}
	return d, nil
}

// Decode resets doc and fills it from the JSON object in line. The
// document's string values may point into line: keep line unchanged while
// the document is used.
func (d *Decoder) Decode(line []byte, doc *Doc) (err error) {
	defer recoverInternal("decode", &err)
	doc.Reset()
	if len(doc.vals) < d.table.Len() {
		doc.grow(d.table.Len())
	}
	d.path = d.path[:0]
	d.depth = 0
	s := scanner{b: line}
	s.space()
	if s.peek() != '{' {
		return errors.New("event is not a JSON object")
	}
	if err := d.object(&s, doc, true); err != nil {
		return err
	}
	s.space()
	if s.i != len(s.b) {
		return fmt.Errorf("unexpected data after the JSON object at offset %d", s.i)
	}
	return nil
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", s.i, fmt.Sprintf(format, args...))
}

// object reads {...}; want says whether some field lies under the current
// path.
func (d *Decoder) object(s *scanner, doc *Doc, want bool) error {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxJSONDepth {
		return s.errorf("nested more than %d levels", maxJSONDepth)
	}
	s.i++ // {
	s.space()
	if s.peek() == '}' {
		s.i++
		return nil
	}
	base := len(d.path)
	for {
		s.space()
		if s.peek() != '"' {
			return s.errorf("expected a key")
		}
		key, err := d.str(s)
		if err != nil {
			return err
		}
		s.space()
		if s.peek() != ':' {
			return s.errorf("expected ':'")
		}
		s.i++
		s.space()
		if want {
			if base > 0 {
				d.path = append(d.path, '.')
			}
			d.path = append(d.path, key...)
			err = d.value(s, doc)
			d.path = d.path[:base]
		} else {
			err = skipValue(s, d.depth)
		}
		if err != nil {
			return err
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return s.errorf("expected ',' or '}'")
		}
	}
}

// value reads the value at the current path.
func (d *Decoder) value(s *scanner, doc *Doc) error {
	info := d.paths[string(d.path)]
	id, leaf, under := info.id, info.leaf, info.under
	switch c := s.peek(); {
	case c == '{':
		if under {
			return d.object(s, doc, true)
		}
		return skipValue(s, d.depth)
	case c == '[':
		if !leaf && !under {
			return skipValue(s, d.depth)
		}
		return d.array(s, doc, id, leaf, under)
	}
	if !leaf {
		return skipValue(s, d.depth)
	}
	return d.scalar(s, doc, id)
}

func (d *Decoder) array(s *scanner, doc *Doc, id FieldID, leaf, under bool) error {
	d.depth++
	defer func() { d.depth-- }()
	if d.depth > maxJSONDepth {
		return s.errorf("nested more than %d levels", maxJSONDepth)
	}
	s.i++ // [
	s.space()
	if s.peek() == ']' {
		s.i++
		return nil
	}
	for {
		s.space()
		var err error
		switch c := s.peek(); {
		case c == '{':
			if under {
				err = d.object(s, doc, true)
			} else {
				err = skipValue(s, d.depth)
			}
		case c == '[':
			err = d.array(s, doc, id, leaf, under)
		case leaf:
			err = d.scalar(s, doc, id)
		default:
			err = skipValue(s, d.depth)
		}
		if err != nil {
			return err
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return s.errorf("expected ',' or ']'")
		}
	}
}

func (d *Decoder) scalar(s *scanner, doc *Doc, id FieldID) error {
	var v Value
	switch c := s.peek(); {
	case c == '"':
		str, err := d.str(s)
		if err != nil {
			return err
		}
		if len(d.scratch) > 0 && &str[0] == &d.scratch[0] {
			// Unescaped into scratch, which the next string reuses: keep
			// the text in the document's arena instead.
			str = doc.keep(str)
		}
		v = StringValue(unsafeString(str))
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				switch lit {
				case "true":
					v = True
				case "false":
					v = False
				default:
					return nil
				}
				break
			}
		}
		if v.Kind == KindNull {
			return s.errorf("invalid literal")
		}
	default:
		start := s.i
		for s.i < len(s.b) && isNumberByte(s.b[s.i]) {
			s.i++
		}
		num := unsafeString(s.b[start:s.i])
		if num == "" {
			return s.errorf("unexpected character %q", c)
		}
		if i, err := strconv.ParseInt(num, 10, 64); err == nil {
			v = IntValue(i)
		} else if f, err := strconv.ParseFloat(num, 64); err == nil && !math.IsInf(f, 0) {
			v = FloatValue(f)
		} else {
			return s.errorf("invalid number %q", num)
		}
	}
	if fs, ok := d.formats[id]; ok {
		ns, ok := parseDateValue(v, fs)
		if !ok {
			return fmt.Errorf("field [%s]: cannot parse [%s] as a date", d.table.Name(id), v.String())
		}
		v = DateValue(ns)
	}
	doc.Add(id, v)
	return nil
}

func parseDateValue(v Value, fs []dateFormat) (int64, bool) {
	switch v.Kind {
	case KindInt:
		return v.I * 1e6, true
	case KindFloat:
		return int64(v.F * 1e6), true
	case KindString:
		return parseWithFormats(v.S, fs)
	}
	return 0, false
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// unsafeString views b as a string without copying; b must not change
// while the string is in use.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// str reads a JSON string and returns its bytes: a slice of the input when
// it has no escapes, else the unescaped text in d.scratch.
func (d *Decoder) str(s *scanner) ([]byte, error) {
	s.i++ // "
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			out := s.b[start:s.i]
			s.i++
			return out, nil
		}
		if c == '\\' {
			return d.unescape(s, start)
		}
		if c < 0x20 {
			return nil, s.errorf("control character in string")
		}
		s.i++
	}
	return nil, s.errorf("unterminated string")
}

func (d *Decoder) unescape(s *scanner, start int) ([]byte, error) {
	buf := append(d.scratch[:0], s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			d.scratch = buf
			return buf, nil
		case c < 0x20:
			return nil, s.errorf("control character in string")
		case c != '\\':
			buf = append(buf, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			break
		}
		e := s.b[s.i+1]
		s.i += 2
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := hex4(s.b, s.i)
			if !ok {
				return nil, s.errorf("invalid \\u escape")
			}
			s.i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s.b, s.i+2); ok && s.i+1 < len(s.b) && s.b[s.i] == '\\' && s.b[s.i+1] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						s.i += 6
						buf = utf8.AppendRune(buf, dec)
						continue
					}
				}
				r = utf8.RuneError
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return nil, s.errorf("invalid escape \\%c", e)
		}
	}
	return nil, s.errorf("unterminated string")
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	v, err := strconv.ParseUint(unsafeString(b[i:i+4]), 16, 32)
	return rune(v), err == nil
}

// skipValue moves past one JSON value, checking its syntax.
func skipValue(s *scanner, depth int) error {
	if depth > maxJSONDepth {
		return s.errorf("nested more than %d levels", maxJSONDepth)
	}
	s.space()
	switch c := s.peek(); {
	case c == '"':
		s.i++
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '\\':
				s.i += 2
				continue
			case '"':
				s.i++
				return nil
			}
			s.i++
		}
		return s.errorf("unterminated string")
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.space()
		if s.peek() == end {
			s.i++
			return nil
		}
		for {
			s.space()
			if c == '{' {
				if s.peek() != '"' {
					return s.errorf("expected a key")
				}
				if err := skipValue(s, depth+1); err != nil {
					return err
				}
				s.space()
				if s.peek() != ':' {
					return s.errorf("expected ':'")
				}
				s.i++
			}
			if err := skipValue(s, depth+1); err != nil {
				return err
			}
			s.space()
			switch s.peek() {
			case ',':
				s.i++
			case end:
				s.i++
				return nil
			default:
				return s.errorf("expected ',' or %q", end)
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				return nil
			}
		}
		return s.errorf("invalid literal")
	default:
		start := s.i
		for s.i < len(s.b) && isNumberByte(s.b[s.i]) {
			s.i++
		}
		if start == s.i {
			return s.errorf("unexpected character %q", c)
		}
		return nil
	}
}
