package estest

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// doc is one stored document. It is never modified once stored (an update
// stores a new doc in the old one's place), so a request can read a snapshot
// of docs without holding the server's lock while test callbacks run.
type doc struct {
	index   string
	id      string
	raw     []byte         // the source as served in _source: compact JSON
	src     map[string]any // raw decoded (numbers as float64), read-only
	version int64
	seqNo   int64
	order   int64 // insertion order across all indices: the last tiebreak
}

type index struct {
	name     string
	uuid     string
	docs     []*doc
	pos      map[string]int // _id → position in docs
	seqNo    int64          // next _seq_no
	autoID   int            // last counter used for an automatic _id
	template string         // index template that matched at creation
}

type template struct {
	body     map[string]any
	patterns []string
	priority float64
}

// indexUUID is a stable stand-in for the random UUID Elasticsearch gives an
// index, so error bodies that carry it are reproducible.
func indexUUID(name string) string {
	sum := sha256.Sum256([]byte(name))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// validateIndexName applies Elasticsearch's rules for a new index's name, so
// a client that would be refused by Elasticsearch is refused here too.
func validateIndexName(name string) *esError {
	invalid := func(why string) *esError {
		e := newError(http.StatusBadRequest, "invalid_index_name_exception", "Invalid index name [%s], %s", name, why)
		e.meta = object{{"index_uuid", "_na_"}, {"index", name}}
		return e
	}
	switch {
	case name == "":
		return illegalArgument("index name must not be empty")
	case name == "." || name == "..":
		return invalid("must not be '.' or '..'")
	case strings.ToLower(name) != name:
		return invalid("must be lowercase")
	case strings.ContainsAny(name, ` "*,/<>?\|`):
		return invalid(`must not contain the following characters [' ','"','*',',','/','<','>','?','\','|']`)
	case strings.Contains(name, "#"):
		return invalid("must not contain '#'")
	case strings.Contains(name, ":"):
		return invalid("must not contain ':'")
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "+"):
		return invalid("must not start with '_', '-', or '+'")
	case len(name) > 255:
		return invalid("index name is too long, (" + strconv.Itoa(len(name)) + " > 255)")
	}
	return nil
}

// createIndex adds an empty index, recording which index template would have
// applied: like Elasticsearch, the template with the highest priority among
// those with a matching pattern (ties, which Elasticsearch refuses when the
// templates are stored, go to the smallest name). Callers hold s.mu and have
// checked that the index does not exist.
func (s *Server) createIndex(name string) *index {
	idx := &index{name: name, uuid: indexUUID(name), pos: map[string]int{}}
	best := ""
	var bestPriority float64
	for tname, t := range s.templates {
		for _, p := range t.patterns {
			if globMatch(p, name) {
				if best == "" || t.priority > bestPriority || (t.priority == bestPriority && tname < best) {
					best, bestPriority = tname, t.priority
				}
				break
			}
		}
	}
	idx.template = best
	s.indices[name] = idx
	return idx
}

// ensureIndex returns the index, creating it as an automatic creation by a
// document write does. Callers hold s.mu and have validated the name.
func (s *Server) ensureIndex(name string) *index {
	if idx := s.indices[name]; idx != nil {
		return idx
	}
	return s.createIndex(name)
}

// nextAutoID picks the _id Elasticsearch would have generated. Real ids are
// random; these are "<index>-<n>" so that tests can predict them.
func (idx *index) nextAutoID() string {
	for {
		idx.autoID++
		id := idx.name + "-" + strconv.Itoa(idx.autoID)
		if _, taken := idx.pos[id]; !taken {
			return id
		}
	}
}

// put stores a document. With create set, an existing _id is a conflict and
// the existing document is returned instead. Callers hold s.mu.
func (s *Server) put(idx *index, id string, raw []byte, src map[string]any, create bool) (stored *doc, existing *doc) {
	d := &doc{index: idx.name, id: id, raw: raw, src: src, version: 1, seqNo: idx.seqNo}
	if i, ok := idx.pos[id]; ok {
		old := idx.docs[i]
		if create {
			return nil, old
		}
		d.version = old.version + 1
		d.order = old.order
		idx.docs[i] = d
	} else {
		s.order++
		d.order = s.order
		idx.pos[id] = len(idx.docs)
		idx.docs = append(idx.docs, d)
	}
	idx.seqNo++
	return d, nil
}

// indicesOptions are the allow_no_indices and ignore_unavailable request
// parameters, whose defaults differ between APIs.
type indicesOptions struct {
	ignoreUnavailable bool
	allowNoIndices    bool
}

// resolve expands a comma-separated index expression against the existing
// indices, with Elasticsearch's semantics: a wildcard matching nothing is an
// error unless allow_no_indices; a missing concrete index is an error unless
// ignore_unavailable; "-pattern" after a wildcard removes matches; wildcards
// skip dot-prefixed indices unless the pattern itself starts with a dot.
// Callers hold s.mu.
func (s *Server) resolve(expr string, opt indicesOptions) ([]*index, *esError) {
	if expr == "" || expr == "_all" {
		expr = "*"
	}
	names := make([]string, 0, len(s.indices))
	for name := range s.indices {
		names = append(names, name)
	}
	sort.Strings(names)

	var out []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	wildcard := false
	for _, part := range strings.Split(expr, ",") {
		switch {
		case wildcard && strings.HasPrefix(part, "-"):
			kept := out[:0]
			for _, name := range out {
				if globMatch(part[1:], name) {
					delete(seen, name)
				} else {
					kept = append(kept, name)
				}
			}
			out = kept
		case strings.Contains(part, "*"):
			wildcard = true
			matched := false
			for _, name := range names {
				if globMatch(part, name) && (!strings.HasPrefix(name, ".") || strings.HasPrefix(part, ".")) {
					add(name)
					matched = true
				}
			}
			if !matched && !opt.allowNoIndices {
				return nil, indexNotFound(part)
			}
		default:
			if s.indices[part] == nil {
				if opt.ignoreUnavailable {
					continue
				}
				return nil, indexNotFound(part)
			}
			add(part)
		}
	}
	if len(out) == 0 && !opt.allowNoIndices {
		return nil, indexNotFound(expr)
	}
	res := make([]*index, len(out))
	for i, name := range out {
		res[i] = s.indices[name]
	}
	return res, nil
}

// snapshot lists the documents of the indices; docs are immutable, so the
// list stays valid after s.mu is released.
func snapshot(indices []*index) []*doc {
	var out []*doc
	for _, idx := range indices {
		out = append(out, idx.docs...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}
