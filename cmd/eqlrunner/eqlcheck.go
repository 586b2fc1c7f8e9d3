package main

import (
	"github.com/eqlrunner/eqlrunner/query/eql"
	"github.com/eqlrunner/eqlrunner/rules"
)

// checkEQL adapts the EQL parser and checker to the rule loader's
// QueryChecker: positions become byte offsets, which the loader maps to
// the rule file's lines and columns.
func checkEQL(query string) []rules.QueryError {
	var out []rules.QueryError
	for _, e := range eql.Validate(query) {
		out = append(out, rules.QueryError{Offset: e.Pos.Offset, Message: e.Msg})
	}
	return out
}
