package eql

import (
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// funcSpec describes one EQL function: its arity, whether it takes the
// case-insensitive mark "~", and how it computes its result.
type funcSpec struct {
	name        string // Canonical spelling.
	minArgs     int
	maxArgs     int // -1: any number.
	insensitive bool
	// argKinds constrains literal arguments: one entry per position, the
	// last repeating; argAny accepts anything.
	argKinds []argKind
	eval     func(args []Value, insensitive bool) Value
}

type argKind uint8

const (
	argAny argKind = iota
	argNumber
	argString
	argInteger
	argBool
)

var argKindNames = [...]string{argAny: "any", argNumber: "numeric", argString: "string", argInteger: "integer", argBool: "boolean"}

// functions is the registry, keyed by lower-case name: Elasticsearch
// resolves function names case-insensitively.
var functions = map[string]*funcSpec{}

func init() {
	for _, f := range []*funcSpec{
		{name: "add", minArgs: 2, maxArgs: 2, argKinds: []argKind{argNumber}, eval: arith(OpAdd)},
		{name: "between", minArgs: 3, maxArgs: 4, insensitive: true, argKinds: []argKind{argString, argString, argString, argBool}, eval: fnBetween},
		{name: "cidrMatch", minArgs: 2, maxArgs: -1, argKinds: []argKind{argString}, eval: fnCIDRMatch},
		{name: "concat", minArgs: 1, maxArgs: -1, argKinds: []argKind{argAny}, eval: fnConcat},
		{name: "divide", minArgs: 2, maxArgs: 2, argKinds: []argKind{argNumber}, eval: arith(OpDiv)},
		{name: "endsWith", minArgs: 2, maxArgs: 2, insensitive: true, argKinds: []argKind{argString}, eval: fnEndsWith},
		{name: "indexOf", minArgs: 2, maxArgs: 3, insensitive: true, argKinds: []argKind{argString, argString, argInteger}, eval: fnIndexOf},
		{name: "length", minArgs: 1, maxArgs: 1, argKinds: []argKind{argString}, eval: fnLength},
		{name: "modulo", minArgs: 2, maxArgs: 2, argKinds: []argKind{argNumber}, eval: arith(OpMod)},
		{name: "multiply", minArgs: 2, maxArgs: 2, argKinds: []argKind{argNumber}, eval: arith(OpMul)},
		{name: "number", minArgs: 1, maxArgs: 2, argKinds: []argKind{argString, argInteger}, eval: fnNumber},
		{name: "startsWith", minArgs: 2, maxArgs: 2, insensitive: true, argKinds: []argKind{argString}, eval: fnStartsWith},
		{name: "string", minArgs: 1, maxArgs: 1, argKinds: []argKind{argAny}, eval: fnString},
		{name: "stringContains", minArgs: 2, maxArgs: 2, insensitive: true, argKinds: []argKind{argString}, eval: fnStringContains},
		{name: "substring", minArgs: 2, maxArgs: 3, argKinds: []argKind{argString, argInteger, argInteger}, eval: fnSubstring},
		{name: "subtract", minArgs: 2, maxArgs: 2, argKinds: []argKind{argNumber}, eval: arith(OpSub)},
	} {
		functions[strings.ToLower(f.name)] = f
	}
}

func (f *funcSpec) argKind(i int) argKind {
	if i < len(f.argKinds) {
		return f.argKinds[i]
	}
	return f.argKinds[len(f.argKinds)-1]
}

func arith(op BinaryOp) func([]Value, bool) Value {
	return func(a []Value, _ bool) Value { return arithmetic(op, a[0], a[1]) }
}

// arithmetic follows Java: integer operands give an integer (division
// truncates toward zero), any float operand gives a float. Integer overflow
// and integer division by zero, which fail the search in Elasticsearch,
// give null here.
func arithmetic(op BinaryOp, x, y Value) Value {
	if x.Kind == KindString {
		if n, ok := numberFromString(x.S); ok {
			x = n
		}
	}
	if y.Kind == KindString {
		if n, ok := numberFromString(y.S); ok {
			y = n
		}
	}
	if !x.numeric() || !y.numeric() {
		return Null
	}
	if x.Kind == KindInt && y.Kind == KindInt {
		a, b := x.I, y.I
		switch op {
		case OpAdd:
			s := a + b
			if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
				return Null
			}
			return IntValue(s)
		case OpSub:
			s := a - b
			if (a >= 0 && b < 0 && s < 0) || (a < 0 && b > 0 && s >= 0) {
				return Null
			}
			return IntValue(s)
		case OpMul:
			if a != 0 && b != 0 {
				p := a * b
				if p/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
					return Null
				}
				return IntValue(p)
			}
			return IntValue(0)
		case OpDiv:
			if b == 0 || (a == math.MinInt64 && b == -1) {
				return Null
			}
			return IntValue(a / b)
		case OpMod:
			if b == 0 {
				return Null
			}
			if b == -1 {
				return IntValue(0)
			}
			return IntValue(a % b)
		}
	}
	a, b := x.float(), y.float()
	switch op {
	case OpAdd:
		return FloatValue(a + b)
	case OpSub:
		return FloatValue(a - b)
	case OpMul:
		return FloatValue(a * b)
	case OpDiv:
		return FloatValue(a / b)
	case OpMod:
		return FloatValue(math.Mod(a, b))
	}
	return Null
}

// str reads a string argument: strings as they are, other scalars in their
// Java text form (a keyword field holding a number reads as its text).
func str(v Value) (string, bool) {
	switch v.Kind {
	case KindNull:
		return "", false
	case KindString:
		return v.S, true
	}
	return v.String(), true
}

func fnBetween(a []Value, ci bool) Value {
	s, ok1 := str(a[0])
	left, ok2 := str(a[1])
	right, ok3 := str(a[2])
	if !ok1 || !ok2 || !ok3 {
		return Null
	}
	greedy := false
	if len(a) > 3 {
		if a[3].Kind == KindNull {
			return Null
		}
		greedy = a[3].isTrue()
	}
	if s == "" || left == "" || right == "" {
		return StringValue(s)
	}
	match := s
	if ci {
		match, left, right = javaLower(s), javaLower(left), javaLower(right)
		if len16(match) != len16(s) {
			match = s
		}
	}
	i := strings.Index(match, left)
	if i < 0 {
		return StringValue("")
	}
	start := i + len(left)
	var end int
	if greedy {
		end = strings.LastIndex(match, right)
	} else if j := strings.Index(match[start:], right); j >= 0 {
		end = start + j
	} else {
		end = -1
	}
	if end < start {
		// Elasticsearch fails the search on a greedy match that ends before
		// it starts; an empty string is the nearest answer.
		return StringValue("")
	}
	return StringValue(s[start:end])
}

func fnCIDRMatch(a []Value, _ bool) Value {
	s, ok := str(a[0])
	if !ok {
		return Null
	}
	addr, err := netip.ParseAddr(s)
	for _, c := range a[1:] {
		block, ok := str(c)
		if !ok {
			return Null
		}
		if err != nil {
			continue
		}
		if cidrContains(block, addr) {
			return True
		}
	}
	return False
}

func cidrContains(block string, addr netip.Addr) bool {
	if p, err := netip.ParsePrefix(block); err == nil {
		return p.Masked().Contains(addr.Unmap()) || p.Masked().Contains(addr)
	}
	if b, err := netip.ParseAddr(block); err == nil {
		return b.Unmap() == addr.Unmap()
	}
	return false
}

func fnConcat(a []Value, _ bool) Value {
	var b strings.Builder
	for _, v := range a {
		s, ok := str(v)
		if !ok {
			return Null
		}
		b.WriteString(s)
	}
	return StringValue(b.String())
}

func twoStrings(a []Value, ci bool) (string, string, bool) {
	s, ok1 := str(a[0])
	sub, ok2 := str(a[1])
	if !ok1 || !ok2 {
		return "", "", false
	}
	if ci {
		s, sub = javaLower(s), javaLower(sub)
	}
	return s, sub, true
}

func fnEndsWith(a []Value, ci bool) Value {
	s, sub, ok := twoStrings(a, ci)
	if !ok {
		return Null
	}
	return BoolValue(strings.HasSuffix(s, sub))
}

func fnStartsWith(a []Value, ci bool) Value {
	s, sub, ok := twoStrings(a, ci)
	if !ok {
		return Null
	}
	return BoolValue(strings.HasPrefix(s, sub))
}

func fnStringContains(a []Value, ci bool) Value {
	s, sub, ok := twoStrings(a, ci)
	if !ok {
		return Null
	}
	return BoolValue(s != "" && sub != "" && strings.Contains(s, sub))
}

func fnIndexOf(a []Value, ci bool) Value {
	s, sub, ok := twoStrings(a, ci)
	if !ok {
		return Null
	}
	from := int64(0)
	if len(a) > 2 {
		if !a[2].numeric() {
			return Null
		}
		from = int64(a[2].float())
	}
	i := indexOf16(s, sub, int(max(min(from, math.MaxInt32), 0)))
	if i < 0 {
		return Null
	}
	return IntValue(int64(i))
}

func fnLength(a []Value, _ bool) Value {
	s, ok := str(a[0])
	if !ok {
		return Null
	}
	return IntValue(int64(len16(s)))
}

func fnNumber(a []Value, _ bool) Value {
	s, ok := str(a[0])
	if !ok {
		return Null
	}
	s = strings.TrimSpace(s)
	base := int64(10)
	hex := strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "-0x") || strings.HasPrefix(s, "+0x")
	if hex {
		base = 16
	}
	if len(a) > 1 && a[1].Kind != KindNull {
		if a[1].Kind != KindInt {
			return Null
		}
		base = a[1].I
	}
	if base == 10 {
		if n, ok := numberFromString(s); ok {
			return n
		}
		return Null
	}
	if base < 2 || base > 36 {
		return Null
	}
	if base == 16 {
		s = strings.Replace(s, "0x", "", 1)
	}
	i, err := strconv.ParseInt(s, int(base), 64)
	if err != nil {
		return Null
	}
	return IntValue(i)
}

func fnString(a []Value, _ bool) Value {
	s, ok := str(a[0])
	if !ok {
		return Null
	}
	return StringValue(s)
}

func fnSubstring(a []Value, _ bool) Value {
	s, ok := str(a[0])
	if !ok {
		return Null
	}
	if !a[1].numeric() {
		return Null
	}
	n := len16(s)
	start := int(max(min(int64(a[1].float()), math.MaxInt32), math.MinInt32))
	end := n
	if len(a) > 2 && a[2].Kind != KindNull {
		if !a[2].numeric() {
			return Null
		}
		end = int(max(min(int64(a[2].float()), math.MaxInt32), math.MinInt32))
	}
	if n == 0 {
		return StringValue(s)
	}
	if start < 0 {
		start = max(start+n, 0)
	}
	if end < 0 {
		end = max(end+n, 0)
	} else if end > n {
		end = n
	}
	if start >= end {
		return StringValue("")
	}
	return StringValue(substring16(s, start, end))
}
