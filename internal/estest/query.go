package estest

import (
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// query is a compiled query DSL clause.
type query func(d *doc) bool

func matchAll(*doc) bool { return true }

// parseQuery compiles the supported subset of the query DSL: bool, range,
// exists, ids, term, terms, match_phrase (keyword semantics), match_all and
// match_none. What
// Elasticsearch would reject is rejected with its error type; a valid clause
// this server does not implement is refused with parsing_exception too
// (unknown query) or as unsupported (an unimplemented parameter), so that a
// client bug cannot pass as an empty result.
func parseQuery(v any) (query, *esError) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, parsingError("[_na] query malformed, must start with start_object")
	}
	if len(m) != 1 {
		return nil, parsingError("[_na] query malformed, expected a single query type but found %d", len(m))
	}
	var typ string
	var body any
	for k, v := range m {
		typ, body = k, v
	}
	switch typ {
	case "match_all":
		if _, e := queryParams(typ, body, "boost", "_name"); e != nil {
			return nil, e
		}
		return matchAll, nil
	case "match_none":
		if _, e := queryParams(typ, body, "boost", "_name"); e != nil {
			return nil, e
		}
		return func(*doc) bool { return false }, nil
	case "bool":
		return parseBool(body)
	case "range":
		return parseRange(body)
	case "exists":
		return parseExists(body)
	case "ids":
		return parseIDs(body)
	case "term":
		return parseTerm(body)
	case "terms":
		return parseTerms(body)
	case "match_phrase":
		return parseMatchPhrase(body)
	default:
		return nil, parsingError("unknown query [%s]", typ)
	}
}

// queryParams checks that a query's body is an object holding only the
// allowed keys.
func queryParams(typ string, body any, allowed ...string) (map[string]any, *esError) {
	m, ok := body.(map[string]any)
	if !ok {
		return nil, parsingError("[%s] query malformed, no start_object after query name", typ)
	}
	for k := range m {
		if !slices.Contains(allowed, k) {
			return nil, parsingError("[%s] query does not support [%s]", typ, k)
		}
	}
	return m, nil
}

// singleField returns the one field a leaf query (range, term, terms) names,
// along with its parameters.
func singleField(typ string, body any, meta ...string) (string, any, *esError) {
	m, ok := body.(map[string]any)
	if !ok {
		return "", nil, parsingError("[%s] query malformed, no start_object after query name", typ)
	}
	field, value := "", any(nil)
	for k, v := range m {
		if slices.Contains(meta, k) {
			continue
		}
		if field != "" {
			return "", nil, parsingError("[%s] query doesn't support multiple fields, found [%s] and [%s]", typ, field, k)
		}
		field, value = k, v
	}
	if field == "" {
		return "", nil, parsingError("[%s] query requires a field", typ)
	}
	return field, value, nil
}

func parseBool(body any) (query, *esError) {
	m, e := queryParams("bool", body, "filter", "must", "should", "must_not", "minimum_should_match", "boost", "_name")
	if e != nil {
		return nil, e
	}
	clauses := func(name string) ([]query, *esError) {
		var list []any
		switch t := m[name].(type) {
		case nil:
		case []any:
			list = t
		case map[string]any:
			list = []any{t}
		default:
			return nil, parsingError("[bool] query does not support [%s] of this type", name)
		}
		out := make([]query, 0, len(list))
		for _, c := range list {
			q, e := parseQuery(c)
			if e != nil {
				return nil, e
			}
			out = append(out, q)
		}
		return out, nil
	}
	filter, e := clauses("filter")
	if e != nil {
		return nil, e
	}
	must, e := clauses("must")
	if e != nil {
		return nil, e
	}
	should, e := clauses("should")
	if e != nil {
		return nil, e
	}
	mustNot, e := clauses("must_not")
	if e != nil {
		return nil, e
	}
	required := filter
	required = append(required, must...)
	msm := 0
	if len(should) > 0 && len(required) == 0 {
		msm = 1
	}
	if v, ok := m["minimum_should_match"]; ok {
		if msm, e = minimumShouldMatch(v, len(should)); e != nil {
			return nil, e
		}
	}
	return func(d *doc) bool {
		for _, q := range required {
			if !q(d) {
				return false
			}
		}
		for _, q := range mustNot {
			if q(d) {
				return false
			}
		}
		if msm == 0 {
			return true
		}
		n := 0
		for _, q := range should {
			if q(d) {
				n++
				if n >= msm {
					return true
				}
			}
		}
		return false
	}, nil
}

// minimumShouldMatch resolves an integer, a negative integer (all but n), a
// percentage or a negative percentage against the number of should clauses.
func minimumShouldMatch(v any, n int) (int, *esError) {
	var s string
	switch t := v.(type) {
	case float64:
		s = strconv.Itoa(int(t))
	case string:
		s = strings.TrimSpace(t)
	default:
		return 0, parsingError("[bool] query malformed minimum_should_match [%v]", v)
	}
	var result int
	if p, ok := strings.CutSuffix(s, "%"); ok {
		pct, err := strconv.Atoi(p)
		if err != nil {
			return 0, unsupported("minimum_should_match [%s] is not supported", s)
		}
		result = int(math.Floor(float64(n) * math.Abs(float64(pct)) / 100))
		if pct < 0 {
			result = n - result
		}
	} else {
		x, err := strconv.Atoi(s)
		if err != nil {
			return 0, unsupported("minimum_should_match [%s] is not supported", s)
		}
		result = x
		if x < 0 {
			result = n + x
		}
	}
	return max(result, 0), nil
}

// rangeBound is one of gt, gte, lt, lte with its value; ms holds the value as
// a date when the query gives a date format.
type rangeBound struct {
	op    string
	value any
	ms    int64
}

func parseRange(body any) (query, *esError) {
	field, params, e := singleField("range", body, "boost", "_name")
	if e != nil {
		return nil, e
	}
	p, e := queryParams("range", params, "gt", "gte", "lt", "lte", "format", "time_zone", "boost", "relation", "_name")
	if e != nil {
		return nil, e
	}
	if tz, ok := p["time_zone"]; ok && !slices.Contains([]string{"UTC", "Z", "+00:00", "Etc/UTC"}, toString(tz)) {
		return nil, unsupported("range time_zone [%v] is not supported (bounds are read as UTC)", tz)
	}
	var format dateFormat
	if f, ok := p["format"]; ok {
		if format, e = parseDateFormat(toString(f)); e != nil {
			return nil, e
		}
	}
	var bounds []rangeBound
	for _, op := range []string{"gt", "gte", "lt", "lte"} {
		v, ok := p[op]
		if !ok || v == nil {
			continue
		}
		if s, isStr := v.(string); isStr && (strings.HasPrefix(s, "now") || strings.Contains(s, "||")) {
			return nil, unsupported("date math [%s] is not supported", s)
		}
		b := rangeBound{op: op, value: v}
		if format != nil {
			ms, ok := format.parse(v)
			if !ok {
				return nil, newError(http.StatusBadRequest, "parse_exception",
					"failed to parse date field [%v] with format [%s]", v, strings.Join(format, "||"))
			}
			b.ms = ms
		}
		bounds = append(bounds, b)
	}
	return func(d *doc) bool {
	values:
		for _, v := range fieldValues(d, field) {
			for _, b := range bounds {
				c, ok := compareBound(v, b, format != nil)
				if !ok {
					continue values
				}
				switch b.op {
				case "gt":
					ok = c > 0
				case "gte":
					ok = c >= 0
				case "lt":
					ok = c < 0
				case "lte":
					ok = c <= 0
				}
				if !ok {
					continue values
				}
			}
			return true
		}
		return false
	}, nil
}

// compareBound orders a document value against a range bound. Without
// mappings the kind of comparison follows the values: dates when the query
// has a date format or both sides read as dates, numbers when both are
// numbers, else strings (a keyword range).
func compareBound(v any, b rangeBound, dated bool) (int, bool) {
	if dated {
		ms, ok := dateMillis(v)
		return cmpInt(ms, b.ms), ok
	}
	switch bv := b.value.(type) {
	case float64:
		switch dv := v.(type) {
		case float64:
			return cmpFloat(dv, bv), true
		case string:
			if ms, ok := parseISO(dv); ok {
				return cmpInt(ms, int64(bv)), true
			}
		}
	case string:
		switch dv := v.(type) {
		case float64:
			if f, err := strconv.ParseFloat(bv, 64); err == nil {
				return cmpFloat(dv, f), true
			}
			if ms, ok := parseISO(bv); ok {
				return cmpInt(int64(dv), ms), true
			}
		case string:
			dm, ok1 := parseISO(dv)
			bm, ok2 := parseISO(bv)
			if ok1 && ok2 {
				return cmpInt(dm, bm), true
			}
			return strings.Compare(dv, bv), true
		}
	}
	return 0, false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := marshal(v)
	return string(b)
}

func parseExists(body any) (query, *esError) {
	p, e := queryParams("exists", body, "field", "boost", "_name")
	if e != nil {
		return nil, e
	}
	field, ok := p["field"].(string)
	if !ok || field == "" {
		return nil, parsingError("[exists] must be provided with a [field]")
	}
	return func(d *doc) bool {
		for _, v := range fieldValues(d, field) {
			// An object field exists when one of its sub-fields has a value.
			if m, isObj := v.(map[string]any); !isObj || len(leaves(m)) > 0 {
				return true
			}
		}
		return false
	}, nil
}

func parseIDs(body any) (query, *esError) {
	p, e := queryParams("ids", body, "values", "boost", "_name")
	if e != nil {
		return nil, e
	}
	list, ok := p["values"].([]any)
	if !ok {
		return nil, parsingError("[ids] query malformed, [values] must be an array")
	}
	ids := map[string]bool{}
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return nil, parsingError("[ids] query malformed, values must be strings")
		}
		ids[s] = true
	}
	return func(d *doc) bool { return ids[d.id] }, nil
}

func parseTerm(body any) (query, *esError) {
	field, v, e := singleField("term", body, "boost", "_name")
	if e != nil {
		return nil, e
	}
	fold := false
	if p, isObj := v.(map[string]any); isObj {
		if p, e = queryParams("term", p, "value", "boost", "case_insensitive", "_name"); e != nil {
			return nil, e
		}
		v = p["value"]
		fold, _ = p["case_insensitive"].(bool)
	}
	switch v.(type) {
	case string, float64, bool:
	default:
		return nil, parsingError("[term] query does not support value [%s] for field [%s]", toString(v), field)
	}
	return valueIn(field, []any{v}, fold), nil
}

// valueIn matches documents where a value of field equals one of values.
func valueIn(field string, values []any, fold bool) query {
	return func(d *doc) bool {
		for _, dv := range fieldValues(d, field) {
			for _, q := range values {
				if termEqual(dv, q, fold) {
					return true
				}
			}
		}
		return false
	}
}

func parseTerms(body any) (query, *esError) {
	field, v, e := singleField("terms", body, "boost", "_name")
	if e != nil {
		return nil, e
	}
	list, ok := v.([]any)
	if !ok {
		return nil, unsupported("[terms] query on [%s]: only an array of values is supported", field)
	}
	return valueIn(field, list, false), nil
}

// parseMatchPhrase compiles the query Kibana's filter bar writes for "is"
// and "is one of". Without mappings every string field is taken for a
// keyword, where a phrase matches only the whole value: no text analysis.
func parseMatchPhrase(body any) (query, *esError) {
	field, v, e := singleField("match_phrase", body, "boost", "_name")
	if e != nil {
		return nil, e
	}
	if p, isObj := v.(map[string]any); isObj {
		if p, e = queryParams("match_phrase", p, "query", "boost", "_name"); e != nil {
			return nil, e
		}
		v = p["query"]
	}
	switch v.(type) {
	case string, float64, bool:
	default:
		return nil, parsingError("[match_phrase] query does not support value [%s] for field [%s]", toString(v), field)
	}
	return valueIn(field, []any{v}, false), nil
}

// fieldValues is lookup plus the metadata fields queries may name.
func fieldValues(d *doc, field string) []any {
	switch field {
	case "_id":
		return []any{d.id}
	case "_index":
		return []any{d.index}
	}
	return lookup(d.src, field)
}

// termEqual compares a document value with a term as a field of the value's
// type would: numbers numerically (a numeric string matches its number),
// booleans against true/false, strings exactly.
func termEqual(v, q any, fold bool) bool {
	switch qv := q.(type) {
	case string:
		switch dv := v.(type) {
		case string:
			if fold {
				return strings.EqualFold(dv, qv)
			}
			return dv == qv
		case float64:
			f, err := strconv.ParseFloat(qv, 64)
			return err == nil && f == dv
		case bool:
			return qv == strconv.FormatBool(dv)
		}
	case float64:
		switch dv := v.(type) {
		case float64:
			return dv == qv
		case string:
			f, err := strconv.ParseFloat(dv, 64)
			return err == nil && f == qv
		}
	case bool:
		switch dv := v.(type) {
		case bool:
			return dv == qv
		case string:
			return dv == strconv.FormatBool(qv)
		}
	}
	return false
}
