package estest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Doc is a stored document as tests see it: numbers in Source are float64,
// as encoding/json decodes them.
type Doc struct {
	Index  string
	ID     string
	Source map[string]any
}

func (d *doc) public() Doc {
	src, _ := decodeObject(d.raw) // raw was validated when stored
	return Doc{Index: d.index, ID: d.id, Source: src}
}

type eqlRequest struct {
	query      string
	size       int
	filter     query
	timestamp  string
	tiebreaker string
	head       bool
	fields     []fieldRequest
}

// fieldRequest is one entry of "fields": a field name or * pattern, with a
// date format when one was asked for.
type fieldRequest struct {
	pattern string
	format  dateFormat
}

// eqlIgnored are request keys accepted and ignored: they steer execution
// (async, paging, partial results, runtime fields) without changing what an
// in-memory, synchronous search returns.
var eqlIgnored = map[string]bool{
	"event_category_field": true, "allow_partial_search_results": true,
	"allow_partial_sequence_results": true, "runtime_mappings": true, "fetch_size": true,
	"keep_alive": true, "keep_on_completion": true, "wait_for_completion_timeout": true,
	"max_samples_per_key": true, "ccs_minimize_roundtrips": true,
}

func parseEQLRequest(body map[string]any) (*eqlRequest, *esError) {
	req := &eqlRequest{size: 10, filter: matchAll, timestamp: "@timestamp"}
	for k, v := range body {
		var e *esError
		switch k {
		case "query":
			req.query, _ = v.(string)
		case "size":
			n, ok := v.(float64)
			if !ok || n < 0 {
				return nil, newError(http.StatusBadRequest, "action_request_validation_exception",
					"Validation Failed: 1: size must be greater than or equal to 0;")
			}
			req.size = int(n)
		case "filter":
			req.filter, e = parseFilters(v)
		case "timestamp_field":
			req.timestamp, e = stringParam(k, v)
		case "tiebreaker_field":
			req.tiebreaker, e = stringParam(k, v)
		case "result_position":
			switch v {
			case "head":
				req.head = true
			case "tail":
			default:
				e = illegalArgument("result_position must be one of [head, tail], got [%s]", toString(v))
			}
		case "fields":
			req.fields, e = parseFieldRequests(v)
		default:
			if !eqlIgnored[k] {
				e = parsingError("[eql/search] unknown field [%s]", k)
			}
		}
		if e != nil {
			return nil, e
		}
	}
	if strings.TrimSpace(req.query) == "" {
		return nil, newError(http.StatusBadRequest, "action_request_validation_exception",
			"Validation Failed: 1: query is null or empty;")
	}
	return req, nil
}

func stringParam(name string, v any) (string, *esError) {
	s, ok := v.(string)
	if !ok || s == "" {
		return "", parsingError("[%s] must be a non-empty string", name)
	}
	return s, nil
}

// parseFilters compiles the EQL filter: one query, or an array of queries
// that must all match.
func parseFilters(v any) (query, *esError) {
	list, isList := v.([]any)
	if !isList {
		return parseQuery(v)
	}
	qs := make([]query, 0, len(list))
	for _, x := range list {
		q, e := parseQuery(x)
		if e != nil {
			return nil, e
		}
		qs = append(qs, q)
	}
	return func(d *doc) bool {
		for _, q := range qs {
			if !q(d) {
				return false
			}
		}
		return true
	}, nil
}

func parseFieldRequests(v any) ([]fieldRequest, *esError) {
	list, ok := v.([]any)
	if !ok {
		return nil, parsingError("[fields] must be an array")
	}
	var out []fieldRequest
	for _, x := range list {
		switch t := x.(type) {
		case string:
			out = append(out, fieldRequest{pattern: t})
		case map[string]any:
			f, ok := t["field"].(string)
			if !ok {
				return nil, parsingError("[fields] entry requires a [field]")
			}
			fr := fieldRequest{pattern: f}
			for k, val := range t {
				switch k {
				case "field", "include_unmapped":
				case "format":
					var e *esError
					if fr.format, e = parseDateFormat(toString(val)); e != nil {
						return nil, e
					}
				default:
					return nil, parsingError("[fields] entry does not support [%s]", k)
				}
			}
			out = append(out, fr)
		default:
			return nil, parsingError("[fields] entries must be strings or objects")
		}
	}
	return out, nil
}

// renderFields builds an event's "fields": every leaf of the source matched
// by a requested pattern, values always in an array, dates re-rendered in the
// requested format. Formatted requests win over plain ones for the same field
// whatever their order, as a mapping-aware fields API would give the format.
func renderFields(src map[string]any, reqs []fieldRequest) map[string][]any {
	if len(reqs) == 0 {
		return nil
	}
	lv := leaves(src)
	out := map[string][]any{}
	for _, formatted := range []bool{false, true} {
		for _, r := range reqs {
			if (r.format != nil) != formatted {
				continue
			}
			for name, vals := range lv {
				if !globMatch(r.pattern, name) {
					continue
				}
				if r.format != nil {
					conv := make([]any, len(vals))
					for i, v := range vals {
						conv[i] = v
						if ms, ok := dateMillis(v); ok {
							conv[i] = r.format.render(ms)
						}
					}
					vals = conv
				}
				out[name] = vals
			}
		}
	}
	return out
}

func renderEvent(d *doc, reqs []fieldRequest) object {
	o := object{{"_index", d.index}, {"_id", d.id}, {"_source", json.RawMessage(d.raw)}}
	if f := renderFields(d.src, reqs); len(f) > 0 {
		o = append(o, member{"fields", f})
	}
	return o
}

// eqlUnknownIndex is Elasticsearch's answer when an EQL search resolves to no
// index at all, whatever allow_no_indices says: a 404 index_not_found_exception
// wrapping the verification_exception of the EQL planner.
func eqlUnknownIndex(expr string) *esError {
	name := "Unknown index [" + expr + "]"
	e := indexNotFoundReason("no such index ["+name+"]", name)
	e.cause = newError(http.StatusBadRequest, "verification_exception", "Found 1 problem\nline -1:-1: %s", name)
	return e
}

// eqlEvent is a candidate event with its sort keys.
type eqlEvent struct {
	d  *doc
	ts int64
	tb any // tiebreaker value, nil when missing
}

func (s *Server) eqlSearch(c *call, expr string) (int, any, *esError) {
	opts, e := indicesParams(c.query, indicesOptions{ignoreUnavailable: true, allowNoIndices: true})
	if e != nil {
		return 0, nil, e
	}
	body, err := decodeObject(c.body)
	if err != nil {
		return 0, nil, parsingError("request body is required and must be a JSON object: %v", err)
	}
	req, e := parseEQLRequest(body)
	if e != nil {
		return 0, nil, e
	}

	s.mu.Lock()
	indices, e := s.resolve(expr, opts)
	if e == nil && len(indices) == 0 {
		e = eqlUnknownIndex(expr)
	}
	docs := snapshot(indices)
	s.mu.Unlock()
	if e != nil {
		return 0, nil, e
	}

	// EQL orders by timestamp, then tiebreaker (missing last), then index
	// order; events without a timestamp take no part in the search.
	var events []eqlEvent
	for _, d := range docs {
		ts := lookup(d.src, req.timestamp)
		if len(ts) == 0 || !req.filter(d) {
			continue
		}
		ms, ok := dateMillis(ts[0])
		if !ok {
			continue
		}
		ev := eqlEvent{d: d, ts: ms}
		if req.tiebreaker != "" {
			if tb := lookup(d.src, req.tiebreaker); len(tb) > 0 {
				ev.tb = tb[0]
			}
		}
		events = append(events, ev)
	}
	sort.SliceStable(events, func(i, j int) bool {
		a, b := events[i], events[j]
		if a.ts != b.ts {
			return a.ts < b.ts
		}
		if c := compareValues(a.tb, b.tb); c != 0 {
			return c < 0
		}
		return a.d.order < b.d.order
	})

	hits, e := s.eqlHits(req, events)
	if e != nil {
		return 0, nil, e
	}
	out := object{{"is_partial", false}, {"is_running", false}, {"took", c.took()}, {"timed_out", false}}
	s.mu.Lock()
	n := s.shardFails
	s.shardFails = 0
	s.mu.Unlock()
	if n > 0 {
		out[0].value = true
		failures := make([]any, n)
		idx := indices[0]
		for i := range failures {
			failures[i] = object{{"shard", i}, {"index", idx.name}, {"node", "estest-node"}, {"reason", object{
				{"type", "query_shard_exception"}, {"reason", "injected shard failure"},
				{"index_uuid", idx.uuid}, {"index", idx.name},
			}}}
		}
		out = append(out, member{"shard_failures", failures})
	}
	return http.StatusOK, append(out, member{"hits", hits}), nil
}

// eqlHits runs the query over the sorted candidates: as a sequence query when
// the WithSequences callback returns sequences, else event by event.
func (s *Server) eqlHits(req *eqlRequest, events []eqlEvent) (object, *esError) {
	if s.sequences != nil {
		cands := make([]Doc, len(events))
		byKey := map[[2]string]*doc{}
		for i, ev := range events {
			cands[i] = ev.d.public()
			byKey[[2]string{ev.d.index, ev.d.id}] = ev.d
		}
		seqs, keys, err := s.sequences(req.query, cands)
		if err != nil {
			return nil, newError(http.StatusBadRequest, "verification_exception", "%s", err.Error())
		}
		if seqs != nil {
			first := 0
			if !req.head && len(seqs) > req.size {
				first = len(seqs) - req.size
			}
			seqs = seqs[first:min(len(seqs), first+req.size)]
			rendered := make([]any, len(seqs))
			for i, seq := range seqs {
				o := object{}
				if k := first + i; k < len(keys) && len(keys[k]) > 0 {
					o = append(o, member{"join_keys", keys[k]})
				}
				if len(seq) > 0 {
					evs := make([]any, len(seq))
					for j, sd := range seq {
						evs[j] = renderSequenceEvent(sd, byKey, req.fields)
					}
					o = append(o, member{"events", evs})
				}
				rendered[i] = o
			}
			return object{{"total", total(len(rendered))}, {"sequences", rendered}}, nil
		}
	}

	var matched []*doc
	for _, ev := range events {
		if s.eql != nil {
			ok, err := s.eql(req.query, ev.d.public().Source)
			if err != nil {
				return nil, newError(http.StatusBadRequest, "verification_exception", "%s", err.Error())
			}
			if !ok {
				continue
			}
		}
		matched = append(matched, ev.d)
	}
	if !req.head && len(matched) > req.size {
		matched = matched[len(matched)-req.size:]
	}
	matched = matched[:min(len(matched), req.size)]
	rendered := make([]any, len(matched))
	for i, d := range matched {
		rendered[i] = renderEvent(d, req.fields)
	}
	return object{{"total", total(len(rendered))}, {"events", rendered}}, nil
}

// renderSequenceEvent renders an event of a sequence found by the test's
// callback: a stored document when it is one, a missing event when Index and
// ID are empty, else the Doc as given.
func renderSequenceEvent(sd Doc, byKey map[[2]string]*doc, fields []fieldRequest) object {
	if sd.Index == "" && sd.ID == "" {
		return object{{"_index", ""}, {"_id", ""}, {"_source", object{}}, {"missing", true}}
	}
	if d := byKey[[2]string{sd.Index, sd.ID}]; d != nil {
		return renderEvent(d, fields)
	}
	src := sd.Source
	if src == nil {
		src = map[string]any{}
	}
	o := object{{"_index", sd.Index}, {"_id", sd.ID}, {"_source", src}}
	if f := renderFields(src, fields); len(f) > 0 {
		o = append(o, member{"fields", f})
	}
	return o
}

func total(n int) object {
	return object{{"value", n}, {"relation", "eq"}}
}

// compareValues orders two field values for sorting: numbers, then strings,
// then booleans, each in natural order; missing (nil) last.
func compareValues(a, b any) int {
	rank := func(v any) int {
		switch v.(type) {
		case float64:
			return 0
		case string:
			return 1
		case bool:
			return 2
		case nil:
			return 4
		}
		return 3 // an object: no natural order
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra - rb
	}
	switch x := a.(type) {
	case float64:
		return cmpFloat(x, b.(float64))
	case string:
		return strings.Compare(x, b.(string))
	case bool:
		return cmpInt(boolInt(x), boolInt(b.(bool)))
	}
	return 0
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
