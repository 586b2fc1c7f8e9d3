package eql

// Query is a parsed EQL statement: one event, sequence or sample query and
// its pipes.
type Query struct {
	Body  Body
	Pipes []*Pipe
}

// Body is the query part of a statement: *EventQuery, *SequenceQuery or
// *SampleQuery.
type Body interface{ bodyNode() }

// EventQuery is "<category> where <condition>" ("any where" when Any).
type EventQuery struct {
	Pos      Pos
	Any      bool
	Category string
	CatPos   Pos
	Where    Expr
}

// SequenceQuery is "sequence [by keys] [with maxspan=N] terms [until term]".
type SequenceQuery struct {
	Pos     Pos
	By      []Expr
	MaxSpan *Duration
	Terms   []*Term
	Until   *Term
}

// SampleQuery is "sample [by keys] terms".
type SampleQuery struct {
	Pos   Pos
	By    []Expr
	Terms []*Term
}

func (*EventQuery) bodyNode()    {}
func (*SequenceQuery) bodyNode() {}
func (*SampleQuery) bodyNode()   {}

// Term is one bracketed query of a sequence or sample, with its own join
// keys; Missing marks a missing-event term "![...]", and Runs (0 when not
// given) repeats the term.
type Term struct {
	Pos     Pos
	Missing bool
	Query   *EventQuery
	By      []Expr
	Runs    int
	RunsPos Pos
}

// Duration is a maxspan such as 5m.
type Duration struct {
	Pos   Pos
	Value int64
	Unit  string
}

// Pipe is "| name args".
type Pipe struct {
	Pos  Pos
	Name string
	Args []Expr
}

// Expr is an expression node.
type Expr interface{ Position() Pos }

// LitKind is the kind of a literal.
type LitKind uint8

// Literal kinds.
const (
	LitNull LitKind = iota
	LitBool
	LitInt
	LitFloat
	LitString
)

// Literal is a constant: null, a boolean, a number or a string.
type Literal struct {
	Pos   Pos
	Kind  LitKind
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

// Field is a reference to an event field; Optional marks "?field".
type Field struct {
	Pos      Pos
	Name     string
	Optional bool
}

// UnaryOp is a prefix operator.
type UnaryOp uint8

// Prefix operators.
const (
	OpNot UnaryOp = iota
	OpNeg
	OpPlus
)

// Unary is "not x", "-x" or "+x".
type Unary struct {
	Pos Pos
	Op  UnaryOp
	X   Expr
}

// BinaryOp is an infix operator.
type BinaryOp uint8

// Infix operators.
const (
	OpOr BinaryOp = iota
	OpAnd
	OpEq
	OpNeq
	OpLt
	OpLte
	OpGt
	OpGte
	OpAdd
	OpSub
	OpMul
	OpDiv
	OpMod
)

// Binary is "x op y". Pos is the operator's position.
type Binary struct {
	Pos  Pos
	Op   BinaryOp
	X, Y Expr
}

// In is "x [not] in[~] (a, b, ...)".
type In struct {
	Pos         Pos
	X           Expr
	Not         bool
	Insensitive bool
	List        []Expr
}

// MatchOp is a pattern operator.
type MatchOp uint8

// Pattern operators.
const (
	MatchColon MatchOp = iota // ":" case-insensitive equality with wildcards
	MatchLike
	MatchLikeInsensitive
	MatchRegex
	MatchRegexInsensitive
)

// Match is "x : pattern", "x like (p1, p2)" and the like. List records
// whether the patterns were written as a parenthesised list.
type Match struct {
	Pos      Pos
	X        Expr
	Op       MatchOp
	Patterns []*Literal
	List     bool
}

// Call is a function call; Insensitive marks "name~(...)".
type Call struct {
	Pos         Pos
	Name        string
	Insensitive bool
	Args        []Expr
}

// Bad stands for an expression that did not parse.
type Bad struct{ Pos Pos }

func (e *Literal) Position() Pos { return e.Pos }
func (e *Field) Position() Pos   { return e.Pos }
func (e *Unary) Position() Pos   { return e.Pos }
func (e *Binary) Position() Pos  { return e.Pos }
func (e *In) Position() Pos      { return e.Pos }
func (e *Match) Position() Pos   { return e.Pos }
func (e *Call) Position() Pos    { return e.Pos }
func (e *Bad) Position() Pos     { return e.Pos }

// walk calls fn for e and every expression under it, parents first; fn
// returning false skips the children.
func walk(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *Unary:
		walk(e.X, fn)
	case *Binary:
		walk(e.X, fn)
		walk(e.Y, fn)
	case *In:
		walk(e.X, fn)
		for _, x := range e.List {
			walk(x, fn)
		}
	case *Match:
		walk(e.X, fn)
		for _, x := range e.Patterns {
			walk(x, fn)
		}
	case *Call:
		for _, x := range e.Args {
			walk(x, fn)
		}
	}
}
