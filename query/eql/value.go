package eql

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// ValueKind is the type of a runtime value.
type ValueKind uint8

// Value kinds. Dates hold nanoseconds since the Unix epoch in I.
const (
	KindNull ValueKind = iota
	KindBool
	KindInt
	KindFloat
	KindString
	KindDate
)

// Value is one field value or intermediate result. The zero Value is null.
type Value struct {
	Kind ValueKind
	I    int64 // Bool (0 or 1), Int, Date (nanoseconds).
	F    float64
	S    string
}

// Null, True and False are the constant values.
var (
	Null  = Value{}
	True  = Value{Kind: KindBool, I: 1}
	False = Value{Kind: KindBool}
)

// BoolValue, IntValue, FloatValue, StringValue and DateValue build values.
func BoolValue(b bool) Value {
	if b {
		return True
	}
	return False
}

// IntValue returns an integer value.
func IntValue(i int64) Value { return Value{Kind: KindInt, I: i} }

// FloatValue returns a floating-point value.
func FloatValue(f float64) Value { return Value{Kind: KindFloat, F: f} }

// StringValue returns a string value.
func StringValue(s string) Value { return Value{Kind: KindString, S: s} }

// DateValue returns a date value at t.
func DateValue(nanos int64) Value { return Value{Kind: KindDate, I: nanos} }

func (v Value) isTrue() bool { return v.Kind == KindBool && v.I == 1 }

func (v Value) numeric() bool { return v.Kind == KindInt || v.Kind == KindFloat }

func (v Value) float() float64 {
	if v.Kind == KindInt {
		return float64(v.I)
	}
	return v.F
}

// JSON renders v as Elasticsearch would in a response (join keys): dates
// as epoch milliseconds.
func (v Value) JSON() []byte {
	switch v.Kind {
	case KindBool:
		return strconv.AppendBool(nil, v.I == 1)
	case KindInt:
		return strconv.AppendInt(nil, v.I, 10)
	case KindFloat:
		if math.IsInf(v.F, 0) || math.IsNaN(v.F) {
			return []byte("null")
		}
		return strconv.AppendFloat(nil, v.F, 'g', -1, 64)
	case KindString:
		return appendJSONString(nil, v.S)
	case KindDate:
		return strconv.AppendInt(nil, floorDiv(v.I, 1e6), 10)
	}
	return []byte("null")
}

// String renders v as Java's toString does, which is what string() and
// concat() produce in Elasticsearch.
func (v Value) String() string {
	switch v.Kind {
	case KindBool:
		return strconv.FormatBool(v.I == 1)
	case KindInt:
		return strconv.FormatInt(v.I, 10)
	case KindFloat:
		return javaDouble(v.F)
	case KindString:
		return v.S
	case KindDate:
		return time.Unix(0, v.I).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return "null"
}

// javaDouble formats f as Java's Double.toString.
func javaDouble(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	s := strconv.FormatFloat(f, 'E', -1, 64) // 1.5E+10
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	exp = strings.TrimPrefix(exp, "+")
	if strings.HasPrefix(exp, "-") {
		exp = "-" + strings.TrimLeft(exp[1:], "0")
	} else {
		exp = strings.TrimLeft(exp, "0")
	}
	return mant + "E" + exp
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// numberFromString reads a string as a number the way a numeric mapping
// coerces it: integers first, then decimals.
func numberFromString(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Null, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return IntValue(i), true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return FloatValue(f), true
	}
	return Null, false
}

// toDate converts a value compared with a date: a number is epoch
// milliseconds, a string is parsed as strict_date_optional_time or epoch
// milliseconds.
func toDate(v Value) (int64, bool) {
	switch v.Kind {
	case KindDate:
		return v.I, true
	case KindInt:
		return v.I * 1e6, true
	case KindFloat:
		return int64(v.F * 1e6), true
	case KindString:
		return parseDefaultDate(v.S)
	}
	return 0, false
}

// compareValues orders a and b. ok is false when either is null or they
// cannot be compared (a string that is no number against a number).
func compareValues(a, b Value) (int, bool) {
	if a.Kind == KindNull || b.Kind == KindNull {
		return 0, false
	}
	if a.Kind == KindDate || b.Kind == KindDate {
		x, ok1 := toDate(a)
		y, ok2 := toDate(b)
		if !ok1 || !ok2 {
			return 0, false
		}
		return cmpInt(x, y), true
	}
	switch {
	case a.Kind == KindString && b.Kind == KindString:
		return strings.Compare(a.S, b.S), true
	case a.numeric() && b.numeric():
		return compareNumbers(a, b), true
	case a.Kind == KindBool && b.Kind == KindBool:
		return cmpInt(a.I, b.I), true
	case a.Kind == KindString && b.numeric():
		n, ok := numberFromString(a.S)
		if !ok {
			return 0, false
		}
		return compareNumbers(n, b), true
	case a.numeric() && b.Kind == KindString:
		n, ok := numberFromString(b.S)
		if !ok {
			return 0, false
		}
		return compareNumbers(a, n), true
	case a.Kind == KindBool && b.Kind == KindString:
		return compareBoolString(a, b.S)
	case a.Kind == KindString && b.Kind == KindBool:
		c, ok := compareBoolString(b, a.S)
		return -c, ok
	}
	return 0, false
}

func compareBoolString(a Value, s string) (int, bool) {
	switch s {
	case "true":
		return cmpInt(a.I, 1), true
	case "false":
		return cmpInt(a.I, 0), true
	}
	return 0, false
}

func compareNumbers(a, b Value) int {
	if a.Kind == KindInt && b.Kind == KindInt {
		return cmpInt(a.I, b.I)
	}
	x, y := a.float(), b.float()
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// equalValues is three-valued equality: ok is false when either side is
// null.
func equalValues(a, b Value) (eq, ok bool) {
	if a.Kind == KindNull || b.Kind == KindNull {
		return false, false
	}
	if a.Kind == KindString && b.Kind == KindString {
		return a.S == b.S, true
	}
	c, ok := compareValues(a, b)
	return ok && c == 0, true
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\t':
			dst = append(dst, '\\', 't')
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
