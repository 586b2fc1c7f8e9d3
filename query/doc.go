// Package query owns "what matched": the EQL search result types shared by
// every back end (Elasticsearch's _eql/search and the embedded EQL engine).
package query
