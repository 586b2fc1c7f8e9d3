package eql

// tokKind is the kind of a token.
type tokKind uint8

// Token kinds. Keywords are lower case only, as in Elasticsearch's grammar.
const (
	tEOF tokKind = iota
	tIllegal

	tIdent       // process.name parts, @timestamp
	tQuotedIdent // `my-field`
	tTildeIdent  // startsWith~ (a function name with the case-insensitive mark)
	tString      // "text" or """raw"""
	tInteger     // 42
	tDecimal     // 4.2, .5, 1e3

	tAnd
	tAny
	tBy
	tFalse
	tIn
	tInInsensitive // in~
	tJoin
	tLike
	tLikeInsensitive // like~
	tMaxspan
	tNot
	tNull
	tOf
	tOr
	tRegex
	tRegexInsensitive // regex~
	tSample
	tSequence
	tTrue
	tUntil
	tWhere
	tWith

	tColon   // :
	tAssign  // =
	tEq      // ==
	tNeq     // !=
	tLt      // <
	tLte     // <=
	tGt      // >
	tGte     // >=
	tPlus    // +
	tMinus   // -
	tStar    // *
	tSlash   // /
	tPercent // %
	tDot     // .
	tComma   // ,
	tLBrack  // [
	tRBrack  // ]
	tLParen  // (
	tRParen  // )
	tPipe    // |
	tQuestion
	tMissingOpen // ![
)

var kindNames = [...]string{
	tEOF: "end of query", tIllegal: "illegal character",
	tIdent: "identifier", tQuotedIdent: "quoted identifier", tTildeIdent: "function name", tString: "string",
	tInteger: "integer", tDecimal: "decimal",
	tAnd: "and", tAny: "any", tBy: "by", tFalse: "false", tIn: "in", tInInsensitive: "in~", tJoin: "join",
	tLike: "like", tLikeInsensitive: "like~", tMaxspan: "maxspan", tNot: "not", tNull: "null", tOf: "of",
	tOr: "or", tRegex: "regex", tRegexInsensitive: "regex~", tSample: "sample", tSequence: "sequence",
	tTrue: "true", tUntil: "until", tWhere: "where", tWith: "with",
	tColon: ":", tAssign: "=", tEq: "==", tNeq: "!=", tLt: "<", tLte: "<=", tGt: ">", tGte: ">=",
	tPlus: "+", tMinus: "-", tStar: "*", tSlash: "/", tPercent: "%", tDot: ".", tComma: ",",
	tLBrack: "[", tRBrack: "]", tLParen: "(", tRParen: ")", tPipe: "|", tQuestion: "?", tMissingOpen: "![",
}

func (k tokKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown token"
}

// keywords maps each keyword's text to its kind.
var keywords = map[string]tokKind{
	"and": tAnd, "any": tAny, "by": tBy, "false": tFalse, "in": tIn, "join": tJoin, "like": tLike,
	"maxspan": tMaxspan, "not": tNot, "null": tNull, "of": tOf, "or": tOr, "regex": tRegex,
	"sample": tSample, "sequence": tSequence, "true": tTrue, "until": tUntil, "where": tWhere, "with": tWith,
}

// tildeKeywords are the keywords that take the case-insensitive mark.
var tildeKeywords = map[string]tokKind{"in~": tInInsensitive, "like~": tLikeInsensitive, "regex~": tRegexInsensitive}

// Token is one lexical unit of a query. Value holds the decoded text of
// strings and identifiers.
type Token struct {
	Kind  tokKind
	Pos   Pos
	End   int // Byte offset just past the token.
	Text  string
	Value string
}
