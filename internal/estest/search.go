package estest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
)

// maxResultWindow is index.max_result_window's default: from+size beyond it
// is refused by Elasticsearch, so a client paging that way must fail here too.
const maxResultWindow = 10000

type searchRequest struct {
	query  query
	size   int
	from   int
	source bool
	sort   []sortKey
	aggs   []*aggregation
}

type sortKey struct {
	field string // a field path, or _doc or _score
	desc  bool
}

// searchIgnored are body keys accepted and ignored: they change how
// Elasticsearch counts or times a search, not which hits this server returns.
var searchIgnored = map[string]bool{"track_total_hits": true, "timeout": true, "track_scores": true}

func parseSearchRequest(body map[string]any, q map[string][]string) (*searchRequest, *esError) {
	req := &searchRequest{query: matchAll, size: 10, source: true}
	for k, v := range body {
		var e *esError
		switch k {
		case "query":
			req.query, e = parseQuery(v)
		case "size", "from":
			n, ok := v.(float64)
			if !ok || n < 0 || n != math.Trunc(n) {
				return nil, illegalArgument("[%s] parameter cannot be negative or fractional, found [%s]", k, toString(v))
			}
			if k == "size" {
				req.size = int(n)
			} else {
				req.from = int(n)
			}
		case "_source":
			b, ok := v.(bool)
			if !ok {
				return nil, unsupported("_source filtering is not supported, only true or false")
			}
			req.source = b
		case "sort":
			req.sort, e = parseSort(v)
		case "aggs", "aggregations":
			req.aggs, e = parseAggs(v)
		default:
			if !searchIgnored[k] {
				e = unsupported("search request key [%s] is not supported", k)
			}
		}
		if e != nil {
			return nil, e
		}
	}
	// Parameters in the URL take precedence over the body, as in Elasticsearch.
	for _, p := range []string{"size", "from"} {
		if vs, ok := q[p]; ok {
			n, err := strconv.Atoi(vs[0])
			if err != nil || n < 0 {
				return nil, illegalArgument("Failed to parse int parameter [%s] with value [%s]", p, vs[0])
			}
			if p == "size" {
				req.size = n
			} else {
				req.from = n
			}
		}
	}
	for _, p := range []string{"q", "sort", "_source_includes", "_source_excludes", "search_after", "scroll"} {
		if _, ok := q[p]; ok {
			return nil, unsupported("search parameter [%s] is not supported", p)
		}
	}
	if vs, ok := q["_source"]; ok {
		switch vs[0] {
		case "true":
			req.source = true
		case "false":
			req.source = false
		default:
			return nil, unsupported("_source filtering is not supported, only true or false")
		}
	}
	if req.from+req.size > maxResultWindow {
		return nil, illegalArgument("Result window is too large, from + size must be less than or equal to: [%d] but was [%d]. "+
			"See the scroll api for a more efficient way to request large data sets. "+
			"This limit can be set by changing the [index.max_result_window] index level setting.", maxResultWindow, req.from+req.size)
	}
	return req, nil
}

func parseSort(v any) ([]sortKey, *esError) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	var out []sortKey
	for _, x := range list {
		switch t := x.(type) {
		case string:
			out = append(out, sortKey{field: t, desc: t == "_score"})
		case map[string]any:
			if len(t) != 1 {
				return nil, parsingError("[sort] entry must name exactly one field")
			}
			for field, spec := range t {
				k := sortKey{field: field, desc: field == "_score"}
				order := spec
				if m, isObj := spec.(map[string]any); isObj {
					order = m["order"]
					for p := range m {
						if p != "order" && p != "unmapped_type" {
							return nil, unsupported("sort option [%s] is not supported", p)
						}
					}
				}
				switch order {
				case nil:
				case "asc":
					k.desc = false
				case "desc":
					k.desc = true
				default:
					return nil, illegalArgument("Unknown SortOrder [%s]", toString(order))
				}
				out = append(out, k)
			}
		default:
			return nil, parsingError("[sort] entries must be strings or objects")
		}
	}
	return out, nil
}

// sortValue is what a document sorts by on a field, and what its hit reports
// in "sort": the smallest value ascending, the largest descending (the
// default sort mode); dates as epoch milliseconds, as Elasticsearch reports
// them.
func sortValue(d *doc, k sortKey) any {
	var best any
	for _, v := range fieldValues(d, k.field) {
		if s, ok := v.(string); ok {
			if ms, ok := parseISO(s); ok {
				v = float64(ms)
			}
		}
		if best == nil || (compareValues(v, best) < 0) != k.desc {
			best = v
		}
	}
	return best
}

func (s *Server) search(c *call, expr string) (int, any, *esError) {
	opts, e := indicesParams(c.query, indicesOptions{allowNoIndices: true})
	if e != nil {
		return 0, nil, e
	}
	body := map[string]any{}
	if len(bytes.TrimSpace(c.body)) > 0 {
		var err error
		if body, err = decodeObject(c.body); err != nil {
			return 0, nil, parsingError("request body must be a JSON object: %v", err)
		}
	}
	req, e := parseSearchRequest(body, c.query)
	if e != nil {
		return 0, nil, e
	}

	s.mu.Lock()
	indices, e := s.resolve(expr, opts)
	docs := snapshot(indices)
	s.mu.Unlock()
	if e != nil {
		return 0, nil, e
	}

	var matched []*doc
	for _, d := range docs {
		if req.query(d) {
			matched = append(matched, d)
		}
	}

	type hit struct {
		d      *doc
		values []any
	}
	hits := make([]hit, len(matched))
	for i, d := range matched {
		hits[i].d = d
		for _, k := range req.sort {
			switch k.field {
			case "_doc":
				hits[i].values = append(hits[i].values, float64(d.order))
			case "_score":
				hits[i].values = append(hits[i].values, 1.0)
			default:
				hits[i].values = append(hits[i].values, sortValue(d, k))
			}
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		for n, k := range req.sort {
			a, b := hits[i].values[n], hits[j].values[n]
			c := compareValues(a, b)
			if k.desc && a != nil && b != nil { // missing stays last either way
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return hits[i].d.order < hits[j].d.order
	})

	window := hits[min(req.from, len(hits)):min(req.from+req.size, len(hits))]
	// Scores are not modelled: every hit scores 1, and like Elasticsearch
	// sorting on fields leaves _score null.
	var score, maxScore any = 1.0, 1.0
	if len(req.sort) > 0 {
		score, maxScore = nil, nil
	}
	if len(hits) == 0 {
		maxScore = nil
	}
	rendered := make([]any, len(window))
	for i, h := range window {
		o := object{{"_index", h.d.index}, {"_id", h.d.id}, {"_score", score}}
		if req.source {
			o = append(o, member{"_source", json.RawMessage(h.d.raw)})
		}
		if len(req.sort) > 0 {
			o = append(o, member{"sort", sortValuesOut(h.values)})
		}
		rendered[i] = o
	}
	out := object{
		{"took", c.took()},
		{"timed_out", false},
		{"_shards", object{{"total", len(indices)}, {"successful", len(indices)}, {"skipped", 0}, {"failed", 0}}},
		{"hits", object{{"total", total(len(matched))}, {"max_score", maxScore}, {"hits", rendered}}},
	}
	if len(req.aggs) > 0 {
		aggs := object{}
		for _, a := range req.aggs {
			aggs = append(aggs, member{a.name, a.compute(matched)})
		}
		out = append(out, member{"aggregations", aggs})
	}
	return http.StatusOK, out, nil
}

// sortValuesOut prints sort values as Elasticsearch does: whole numbers
// (dates, longs, _doc) without a fraction.
func sortValuesOut(values []any) []any {
	out := make([]any, len(values))
	for i, v := range values {
		if f, ok := v.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			v = int64(f)
		}
		out[i] = v
	}
	return out
}

// aggregation is a parsed terms, max or min aggregation.
type aggregation struct {
	name  string
	kind  string
	field string
	size  int
	order []sortKey // terms: _count, _key or a sub-aggregation's name
	subs  []*aggregation
}

func parseAggs(v any) ([]*aggregation, *esError) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, parsingError("[aggregations] must be an object")
	}
	var out []*aggregation
	for _, name := range sortedKeys(m) {
		spec, ok := m[name].(map[string]any)
		if !ok {
			return nil, parsingError("Expected [START_OBJECT] under [%s]", name)
		}
		a := &aggregation{name: name}
		for k, body := range spec {
			var e *esError
			switch k {
			case "aggs", "aggregations":
				a.subs, e = parseAggs(body)
			case "meta":
			case "terms", "max", "min":
				if a.kind != "" {
					return nil, parsingError("Found two aggregation type definitions in [%s]: [%s] and [%s]", name, a.kind, k)
				}
				a.kind = k
				e = a.parseBody(body)
			default:
				return nil, parsingError("Unknown aggregation type [%s] (estest supports terms, max and min)", k)
			}
			if e != nil {
				return nil, e
			}
		}
		if a.kind == "" {
			return nil, parsingError("Missing definition for aggregation [%s]", name)
		}
		if a.kind != "terms" && len(a.subs) > 0 {
			return nil, newError(http.StatusBadRequest, "aggregation_initialization_exception",
				"Aggregator [%s] of type [%s] cannot accept sub-aggregations", name, a.kind)
		}
		out = append(out, a)
	}
	return out, nil
}

func (a *aggregation) parseBody(body any) *esError {
	p, ok := body.(map[string]any)
	if !ok {
		return parsingError("[%s] aggregation [%s] must be an object", a.kind, a.name)
	}
	a.size = 10
	for k, v := range p {
		switch {
		case k == "field":
			a.field, _ = v.(string)
		case k == "size" && a.kind == "terms":
			n, ok := v.(float64)
			if !ok || n < 1 {
				return illegalArgument("[size] must be greater than 0. Found [%s] in [%s]", toString(v), a.name)
			}
			a.size = int(n)
		case k == "shard_size" && a.kind == "terms":
		case k == "order" && a.kind == "terms":
			keys, e := parseSort(v)
			if e != nil {
				return e
			}
			a.order = keys
		default:
			return unsupported("[%s] aggregation parameter [%s] is not supported", a.kind, k)
		}
	}
	if a.field == "" {
		return illegalArgument("Required one of fields [field, script], but none were specified.")
	}
	return nil
}

func (a *aggregation) compute(docs []*doc) object {
	if a.kind == "terms" {
		return a.terms(docs)
	}
	var best float64
	found, dated := false, false
	for _, d := range docs {
		for _, v := range lookup(d.src, a.field) {
			var f float64
			switch t := v.(type) {
			case float64:
				f = t
			case string:
				ms, ok := parseISO(t)
				if !ok {
					continue
				}
				f, dated = float64(ms), true
			default:
				continue
			}
			if !found || (a.kind == "max" && f > best) || (a.kind == "min" && f < best) {
				best, found = f, true
			}
		}
	}
	if !found {
		return object{{"value", nil}}
	}
	o := object{{"value", best}}
	if dated {
		o = append(o, member{"value_as_string", formatMillis(int64(best))})
	}
	return o
}

type bucket struct {
	key  any
	docs []*doc
	subs object
}

// terms groups documents by each distinct value of the field (a document
// counts once per value it holds), ordered by count descending then key, or
// by the requested order with the key as tiebreak.
func (a *aggregation) terms(docs []*doc) object {
	byKey := map[string]*bucket{}
	var buckets []*bucket
	for _, d := range docs {
		seen := map[string]bool{}
		for _, v := range lookup(d.src, a.field) {
			switch v.(type) {
			case string, float64, bool:
			default:
				continue
			}
			k := fmt.Sprintf("%T:%s", v, toString(v)) // "5" and 5 are different keys
			if seen[k] {
				continue
			}
			seen[k] = true
			b := byKey[k]
			if b == nil {
				b = &bucket{key: v}
				byKey[k] = b
				buckets = append(buckets, b)
			}
			b.docs = append(b.docs, d)
		}
	}
	for _, b := range buckets {
		for _, sub := range a.subs {
			b.subs = append(b.subs, member{sub.name, sub.compute(b.docs)})
		}
	}
	order := slices.Clone(a.order)
	if len(order) == 0 {
		order = []sortKey{{field: "_count", desc: true}}
	}
	order = append(order, sortKey{field: "_key"})
	orderValue := func(b *bucket, k sortKey) any {
		switch k.field {
		case "_count":
			return float64(len(b.docs))
		case "_key":
			return b.key
		}
		for _, m := range b.subs {
			if o := m.value.(object); m.key == k.field && o[0].key == "value" {
				return o[0].value
			}
		}
		return nil
	}
	sort.SliceStable(buckets, func(i, j int) bool {
		for _, k := range order {
			x, y := orderValue(buckets[i], k), orderValue(buckets[j], k)
			c := compareValues(x, y)
			if k.desc && x != nil && y != nil {
				c = -c
			}
			if c != 0 {
				return c < 0
			}
		}
		return false
	})
	other := 0
	for _, b := range buckets[min(a.size, len(buckets)):] {
		other += len(b.docs)
	}
	buckets = buckets[:min(a.size, len(buckets))]
	out := make([]any, len(buckets))
	for i, b := range buckets {
		o := object{{"key", b.key}}
		if bv, ok := b.key.(bool); ok {
			o = object{{"key", boolInt(bv)}, {"key_as_string", strconv.FormatBool(bv)}}
		}
		o = append(o, member{"doc_count", len(b.docs)})
		out[i] = append(o, b.subs...)
	}
	return object{{"doc_count_error_upper_bound", 0}, {"sum_other_doc_count", other}, {"buckets", out}}
}

// refresh answers _refresh: writes are visible at once here, so it only
// reports the shards it would have refreshed.
func (s *Server) refresh(expr string) (int, any, *esError) {
	s.mu.Lock()
	indices, e := s.resolve(expr, indicesOptions{allowNoIndices: true})
	s.mu.Unlock()
	if e != nil {
		return 0, nil, e
	}
	n := len(indices)
	return http.StatusOK, object{{"_shards", object{{"total", 2 * n}, {"successful", n}, {"failed", 0}}}}, nil
}
