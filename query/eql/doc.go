// Package eql owns eqlrunner's own implementation of Elastic's Event Query
// Language, as Elasticsearch runs it: a lexer and a recursive-descent parser
// into a positioned AST, a checker, a printer of canonical EQL, and a
// compiled evaluator over JSON events for event, sequence and sample queries,
// with the results Elasticsearch's _eql/search would return.
//
// The phases live in their own files: token.go and lexer.go (text to
// tokens), ast.go and parser.go (tokens to a tree, precedence.go holding the
// operator table), check.go and functions.go (the tree against the
// language's rules), printer.go (the tree back to text), and compile.go,
// eval*.go, sequence.go, sample.go and run.go (the tree to a program and the
// program over events). docs/eql-semantics.md lists the Elasticsearch
// behaviours the evaluator reproduces, each with its source and its test.
package eql
