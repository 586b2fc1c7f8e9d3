package eql

import (
	"strings"

	"github.com/eqlrunner/eqlrunner/query/eql/pattern"
)

// A filter condition compiles to a tree of predicates. Elasticsearch runs
// a condition as a Lucene query: "and", "or" and "not" combine whether the
// document matches each part, and each part (a comparison, a pattern, a
// function used as a condition) matches when some combination of the
// values of the fields it reads makes it true. Missing fields read as
// null, and a comparison with null is not true. So "not" is the
// complement of a match, and a condition about a multi-valued field is
// true when any value satisfies it. docs/eql-semantics.md has the details.
type pred interface {
	match(d *Doc) bool
}

type constPred bool

func (p constPred) match(*Doc) bool { return bool(p) }

type andPred []pred

func (p andPred) match(d *Doc) bool {
	for _, x := range p {
		if !x.match(d) {
			return false
		}
	}
	return true
}

type orPred []pred

func (p orPred) match(d *Doc) bool {
	for _, x := range p {
		if x.match(d) {
			return true
		}
	}
	return false
}

type notPred struct{ x pred }

func (p notPred) match(d *Doc) bool { return !p.x.match(d) }

// exprLeaf is the general leaf: a three-valued expression tried with every
// combination of the values of the field occurrences it reads.
type exprLeaf struct {
	e        expr
	occ      []FieldID // Field of each occurrence, in order.
	maxCombs int
}

func (l *exprLeaf) match(d *Doc) bool {
	if cap(d.pick) < len(l.occ) {
		d.pick = make([]int32, len(l.occ))
	}
	d.pick = d.pick[:len(l.occ)]
	multi := false
	for k, f := range l.occ {
		d.pick[k] = 0
		if len(d.Values(f)) > 1 {
			multi = true
		}
	}
	if !multi {
		return l.e.eval(d).isTrue()
	}
	for n := 0; n < l.maxCombs; n++ {
		if l.e.eval(d).isTrue() {
			return true
		}
		// Advance the odometer over the occurrences' values.
		k := 0
		for ; k < len(l.occ); k++ {
			if int(d.pick[k])+1 < len(d.Values(l.occ[k])) {
				d.pick[k]++
				break
			}
			d.pick[k] = 0
		}
		if k == len(l.occ) {
			return false
		}
	}
	return false
}

// cmpLeaf is "field op constant".
type cmpLeaf struct {
	f   FieldID
	op  BinaryOp
	lit Value
}

func (l *cmpLeaf) match(d *Doc) bool {
	for _, v := range d.Values(l.f) {
		if l.op == OpEq && v.Kind == KindString && l.lit.Kind == KindString {
			if v.S == l.lit.S {
				return true
			}
			continue
		}
		if compareOp(l.op, v, l.lit).isTrue() {
			return true
		}
	}
	return false
}

// nullLeaf is "field == null": the field has no value.
type nullLeaf struct{ f FieldID }

func (l nullLeaf) match(d *Doc) bool { return len(d.Values(l.f)) == 0 }

// setLeaf is "field in (constants)" and "field : (constants)" where the
// constants hold no wildcard: a set lookup.
type setLeaf struct {
	f   FieldID
	set *valueSet
}

func (l *setLeaf) match(d *Doc) bool {
	for _, v := range d.Values(l.f) {
		if l.set.contains(v) {
			return true
		}
	}
	return false
}

// matchLeaf is "field : patterns", like or regex on a field.
type matchLeaf struct {
	f FieldID
	m *matcher
}

func (l *matchLeaf) match(d *Doc) bool {
	for _, v := range d.Values(l.f) {
		if s, ok := str(v); ok && l.m.match(s) {
			return true
		}
	}
	return false
}

// boolLeaf is a bare boolean field used as a condition.
type boolLeaf struct{ f FieldID }

func (l boolLeaf) match(d *Doc) bool {
	for _, v := range d.Values(l.f) {
		if v.isTrue() || (v.Kind == KindString && v.S == "true") {
			return true
		}
	}
	return false
}

// valueSet holds constants for membership tests: strings exactly, or
// folded to lower case when insensitive and all ASCII.
type valueSet struct {
	insensitive bool
	strs        map[string]struct{}
	folded      []string // Non-ASCII constants of an insensitive set.
	others      []Value  // Numbers, booleans, dates.
}

func newValueSet(vals []Value, insensitive bool) *valueSet {
	s := &valueSet{insensitive: insensitive, strs: map[string]struct{}{}}
	for _, v := range vals {
		switch {
		case v.Kind == KindNull:
		case v.Kind == KindString && insensitive && !isASCII(v.S):
			s.folded = append(s.folded, v.S)
		case v.Kind == KindString && insensitive:
			s.strs[strings.ToLower(v.S)] = struct{}{}
		case v.Kind == KindString:
			s.strs[v.S] = struct{}{}
		default:
			s.others = append(s.others, v)
		}
	}
	return s
}

func (s *valueSet) contains(v Value) bool {
	if v.Kind == KindString {
		if !s.insensitive {
			if _, ok := s.strs[v.S]; ok {
				return true
			}
		} else if isASCII(v.S) && len(v.S) <= 256 {
			var buf [256]byte
			b := buf[:len(v.S)]
			for i := 0; i < len(v.S); i++ {
				b[i] = lowerASCII(v.S[i])
			}
			if _, ok := s.strs[string(b)]; ok {
				return true
			}
		} else {
			for k := range s.strs {
				if equalFoldTerm(v.S, k) {
					return true
				}
			}
		}
		for _, f := range s.folded {
			if equalFoldTerm(v.S, f) {
				return true
			}
		}
		if len(s.others) == 0 {
			return false
		}
	} else if v.Kind != KindNull && len(s.strs) > 0 {
		// A number or boolean against string constants: compare as text,
		// as a keyword mapping would have indexed it.
		if sv, ok := str(v); ok {
			if _, hit := s.strs[sv]; hit {
				return true
			}
			if s.insensitive {
				if _, hit := s.strs[strings.ToLower(sv)]; hit {
					return true
				}
			}
		}
		for k := range s.strs {
			if eq, _ := equalValues(v, StringValue(k)); eq {
				return true
			}
		}
	}
	for _, o := range s.others {
		if eq, _ := equalValues(v, o); eq {
			return true
		}
	}
	return false
}

// matcher tests a string against a list of patterns.
type matcher struct {
	set       *valueSet
	wildcards []*pattern.Wildcard
	regexps   []*pattern.Regexp
}

func (m *matcher) match(s string) bool {
	if m.set != nil && m.set.contains(StringValue(s)) {
		return true
	}
	for _, w := range m.wildcards {
		if w.Match(s) {
			return true
		}
	}
	for _, r := range m.regexps {
		if r.Match(s) {
			return true
		}
	}
	return false
}

// expr is a compiled scalar expression with three-valued logic: null
// stands for unknown.
type expr interface {
	eval(d *Doc) Value
}

type constExpr struct{ v Value }

func (e constExpr) eval(*Doc) Value { return e.v }

// fieldExpr reads the value of one occurrence of a field: the value the
// enclosing leaf picked for it, or null when the field is missing.
type fieldExpr struct {
	f   FieldID
	occ int
}

func (e fieldExpr) eval(d *Doc) Value {
	vs := d.Values(e.f)
	if len(vs) == 0 {
		return Null
	}
	i := 0
	if e.occ < len(d.pick) {
		i = int(d.pick[e.occ])
	}
	if i >= len(vs) {
		i = 0
	}
	return vs[i]
}

type notExpr struct{ x expr }

func (e notExpr) eval(d *Doc) Value {
	v := e.x.eval(d)
	if v.Kind != KindBool {
		return Null
	}
	return BoolValue(v.I == 0)
}

type logicExpr struct {
	and  bool
	x, y expr
}

func (e logicExpr) eval(d *Doc) Value {
	a, b := e.x.eval(d), e.y.eval(d)
	if e.and {
		if (a.Kind == KindBool && a.I == 0) || (b.Kind == KindBool && b.I == 0) {
			return False
		}
		if a.isTrue() && b.isTrue() {
			return True
		}
		return Null
	}
	if a.isTrue() || b.isTrue() {
		return True
	}
	if a.Kind == KindBool && b.Kind == KindBool {
		return False
	}
	return Null
}

type negExpr struct{ x expr }

func (e negExpr) eval(d *Doc) Value {
	v := e.x.eval(d)
	switch v.Kind {
	case KindInt:
		return IntValue(-v.I)
	case KindFloat:
		return FloatValue(-v.F)
	}
	return Null
}

type arithExpr struct {
	op   BinaryOp
	x, y expr
}

func (e arithExpr) eval(d *Doc) Value { return arithmetic(e.op, e.x.eval(d), e.y.eval(d)) }

type cmpExpr struct {
	op   BinaryOp
	x, y expr
}

func (e cmpExpr) eval(d *Doc) Value { return compareOp(e.op, e.x.eval(d), e.y.eval(d)) }

// compareOp applies a comparison operator with three-valued logic.
func compareOp(op BinaryOp, a, b Value) Value {
	if op == OpEq || op == OpNeq {
		eq, ok := equalValues(a, b)
		if !ok {
			return Null
		}
		return BoolValue(eq == (op == OpEq))
	}
	c, ok := compareValues(a, b)
	if !ok {
		return Null
	}
	switch op {
	case OpLt:
		return BoolValue(c < 0)
	case OpLte:
		return BoolValue(c <= 0)
	case OpGt:
		return BoolValue(c > 0)
	}
	return BoolValue(c >= 0)
}

type isNullExpr struct{ x expr }

func (e isNullExpr) eval(d *Doc) Value { return BoolValue(e.x.eval(d).Kind == KindNull) }

// inExpr is "x in (list)": true when an item equals x, null when none does
// but an item is null, false otherwise.
type inExpr struct {
	x           expr
	list        []expr
	insensitive bool
}

func (e inExpr) eval(d *Doc) Value {
	v := e.x.eval(d)
	if v.Kind == KindNull {
		return Null
	}
	sawNull := false
	for _, item := range e.list {
		w := item.eval(d)
		if w.Kind == KindNull {
			sawNull = true
			continue
		}
		if e.insensitive && v.Kind == KindString && w.Kind == KindString {
			if equalFoldTerm(v.S, w.S) {
				return True
			}
			continue
		}
		if eq, _ := equalValues(v, w); eq {
			return True
		}
	}
	if sawNull {
		return Null
	}
	return False
}

type matchExpr struct {
	x expr
	m *matcher
}

func (e matchExpr) eval(d *Doc) Value {
	s, ok := str(e.x.eval(d))
	if !ok {
		return Null
	}
	return BoolValue(e.m.match(s))
}

// luceneWildcardExpr is endsWith or stringContains on a field with a
// constant, which Elasticsearch runs as a wildcard query: '*', '?' and '\'
// in the constant keep their wildcard meaning.
type luceneWildcardExpr struct {
	x expr
	w *pattern.Wildcard
}

func (e luceneWildcardExpr) eval(d *Doc) Value {
	s, ok := str(e.x.eval(d))
	if !ok {
		return Null
	}
	return BoolValue(e.w.Match(s))
}

type callExpr struct {
	fn          *funcSpec
	insensitive bool
	args        []expr
}

func (e callExpr) eval(d *Doc) Value {
	var buf [8]Value
	var vals []Value
	if len(e.args) <= len(buf) {
		vals = buf[:len(e.args)]
	} else {
		vals = make([]Value, len(e.args))
	}
	for i, a := range e.args {
		vals[i] = a.eval(d)
	}
	return e.fn.eval(vals, e.insensitive)
}
