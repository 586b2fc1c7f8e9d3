// Package pattern owns the string matchers of EQL as Elasticsearch runs
// them through Lucene: wildcard patterns (the ":" and like operators, and
// the wildcard queries endsWith and stringContains turn into) and Lucene's
// regular-expression syntax (the regex operator), each compiled once into a
// matcher that allocates nothing per match.
package pattern
