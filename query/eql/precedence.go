package eql

// Binding powers, loosest first. "not" is a prefix operator that binds
// tighter than "and" but looser than comparisons; pattern predicates (in,
// :, like, regex) attach to a primary expression and bind tightest of all,
// as in Elasticsearch's grammar.
const (
	precOr = 1 + iota
	precAnd
	precNot
	precCompare
	precAdd
	precMul
	precUnary
)

type binaryInfo struct {
	op   BinaryOp
	prec int
}

// binaryOps is the operator table of infix operators.
var binaryOps = map[tokKind]binaryInfo{
	tOr:      {OpOr, precOr},
	tAnd:     {OpAnd, precAnd},
	tEq:      {OpEq, precCompare},
	tNeq:     {OpNeq, precCompare},
	tLt:      {OpLt, precCompare},
	tLte:     {OpLte, precCompare},
	tGt:      {OpGt, precCompare},
	tGte:     {OpGte, precCompare},
	tPlus:    {OpAdd, precAdd},
	tMinus:   {OpSub, precAdd},
	tStar:    {OpMul, precMul},
	tSlash:   {OpDiv, precMul},
	tPercent: {OpMod, precMul},
}

// binaryPrec returns the binding power of op, for the printer.
func binaryPrec(op BinaryOp) int {
	for _, info := range binaryOps {
		if info.op == op {
			return info.prec
		}
	}
	return 0
}

var binaryText = [...]string{
	OpOr: "or", OpAnd: "and", OpEq: "==", OpNeq: "!=", OpLt: "<", OpLte: "<=", OpGt: ">", OpGte: ">=",
	OpAdd: "+", OpSub: "-", OpMul: "*", OpDiv: "/", OpMod: "%",
}

func (op BinaryOp) String() string { return binaryText[op] }

var matchText = [...]string{MatchColon: ":", MatchLike: "like", MatchLikeInsensitive: "like~", MatchRegex: "regex", MatchRegexInsensitive: "regex~"}

func (op MatchOp) String() string { return matchText[op] }
