package eql

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
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
	root    *pathNode
	formats [][]dateFormat // Per FieldID; nil for fields that are no dates.
	scratch []byte
	depth   int
}

// pathNode is one step of the field paths the decoder reads: the fields
// form a tree by their dotted names ("process" → "name"), which the decoder
// walks along the JSON's keys, a dotted key taking several steps at once.
type pathNode struct {
	id   FieldID
	leaf bool // A field ends here.
	// The steps below, by name: a short list is searched in order (most
	// objects of a rule set have a handful of wanted keys), a long one
	// through index.
	names []string
	kids  []*pathNode
	index map[string]*pathNode
}

// maxListedKids is how many steps below a node are searched in order.
const maxListedKids = 8

func (n *pathNode) add(name string) *pathNode {
	if k := n.child(name); k != nil {
		return k
	}
	k := &pathNode{}
	n.names = append(n.names, name)
	n.kids = append(n.kids, k)
	if len(n.kids) > maxListedKids {
		if n.index == nil {
			n.index = make(map[string]*pathNode, len(n.kids))
			for i, name := range n.names {
				n.index[name] = n.kids[i]
			}
		}
		n.index[name] = k
	}
	return k
}

// child is the step called name, nil when no field lies that way.
func (n *pathNode) child(name string) *pathNode {
	if n.index != nil {
		return n.index[name]
	}
	for i, k := range n.names {
		if len(k) == len(name) && k == name {
			return n.kids[i]
		}
	}
	return nil
}

// walk follows a JSON key from n: one step, or several for a dotted key.
func (n *pathNode) walk(key []byte, dotted bool) *pathNode {
	if !dotted {
		return n.child(unsafeString(key))
	}
	start := 0
	for i, c := range key {
		if c == '.' {
			if n = n.child(unsafeString(key[start:i])); n == nil {
				return nil
			}
			start = i + 1
		}
	}
	return n.child(unsafeString(key[start:]))
}

// maxJSONDepth bounds the nesting the decoder follows.
const maxJSONDepth = 512

// NewDecoder returns a decoder for the fields of t. schema, when not nil,
// gives the date formats of this input's date fields (each index of
// Elasticsearch has its own mapping).
func NewDecoder(t *FieldTable, schema *Schema) (*Decoder, error) {
	d := &Decoder{table: t, root: &pathNode{}, formats: make([][]dateFormat, t.Len())}
	formats, err := schema.dateFormats()
	if err != nil {
		return nil, err
	}
	def, _ := newDateFormat("strict_date_optional_time||epoch_millis")
	for i, name := range t.names {
		id := FieldID(i)
		n := d.root
		for _, step := range strings.Split(name, ".") {
			n = n.add(step)
		}
		n.id, n.leaf = id, true
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
	d.depth = 0
	s := scanner{b: line}
	s.space()
	if s.peek() != '{' {
		return errors.New("event is not a JSON object")
	}
	if err := d.object(&s, doc, d.root); err != nil {
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
	// Events are mostly written without spaces: make that case cheap.
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return
	}
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

// object reads {...} whose keys lead on from node.
func (d *Decoder) object(s *scanner, doc *Doc, node *pathNode) error {
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
	for {
		s.space()
		if s.peek() != '"' {
			return s.errorf("expected a key")
		}
		key, dotted, err := d.key(s)
		if err != nil {
			return err
		}
		s.space()
		if s.peek() != ':' {
			return s.errorf("expected ':'")
		}
		s.i++
		s.space()
		if next := node.walk(key, dotted); next != nil {
			err = d.value(s, doc, next)
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

// value reads the value at node.
func (d *Decoder) value(s *scanner, doc *Doc, node *pathNode) error {
	switch c := s.peek(); {
	case c == '{':
		if len(node.kids) > 0 {
			return d.object(s, doc, node)
		}
		return skipValue(s, d.depth)
	case c == '[':
		return d.array(s, doc, node)
	}
	if !node.leaf {
		return skipValue(s, d.depth)
	}
	return d.scalar(s, doc, node.id)
}

func (d *Decoder) array(s *scanner, doc *Doc, node *pathNode) error {
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
			if len(node.kids) > 0 {
				err = d.object(s, doc, node)
			} else {
				err = skipValue(s, d.depth)
			}
		case c == '[':
			err = d.array(s, doc, node)
		case node.leaf:
			err = d.scalar(s, doc, node.id)
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
	if fs := d.formats[id]; fs != nil {
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
	b := s.b
	i := s.i
	for i < len(b) && strStop[b[i]] != 1 {
		i++
	}
	s.i = i
	switch {
	case i == len(b):
		return nil, s.errorf("unterminated string")
	case b[i] == '"':
		s.i++
		return b[start:i], nil
	case b[i] == '\\':
		return d.unescape(s, start)
	}
	return nil, s.errorf("control character in string")
}

// key reads an object's key as str does, and reports whether it holds a
// dot, which makes it several steps of a path ({"process.name": …}): the
// scan that finds its end finds its dots.
func (d *Decoder) key(s *scanner) (key []byte, dotted bool, err error) {
	s.i++ // "
	start := s.i
	b := s.b
	i := s.i
	for ; i < len(b); i++ {
		if c := b[i]; strStop[c] != 0 {
			if c != '.' {
				break
			}
			dotted = true
		}
	}
	s.i = i
	switch {
	case i == len(b):
		return nil, false, s.errorf("unterminated string")
	case b[i] == '"':
		s.i++
		return b[start:i], dotted, nil
	case b[i] == '\\':
		key, err = d.unescape(s, start)
		return key, bytes.IndexByte(key, '.') >= 0, err
	}
	return nil, false, s.errorf("control character in string")
}

// strStop marks the bytes that end the plain run of a JSON string (1):
// the closing quote, an escape, and the control characters JSON forbids;
// and the dots of a key (2).
var strStop = func() (t [256]uint8) {
	for c := range 0x20 {
		t[c] = 1
	}
	t['"'], t['\\'] = 1, 1
	t['.'] = 2
	return t
}()

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
		// Find the closing quote a word at a time: it is the first one
		// after an even run of backslashes.
		s.i++
		for {
			q := bytes.IndexByte(s.b[s.i:], '"')
			if q < 0 {
				s.i = len(s.b)
				return s.errorf("unterminated string")
			}
			s.i += q + 1
			escapes := 0
			for k := s.i - 2; k >= 0 && s.b[k] == '\\'; k-- {
				escapes++
			}
			if escapes%2 == 0 {
				return nil
			}
		}
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
