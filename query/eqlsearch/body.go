package eqlsearch

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/eqlrunner/eqlrunner/query"
)

// dateFormat is the format Kibana gives range bounds and date fields.
const dateFormat = "strict_date_optional_time"

// The request body, with its keys in the order Kibana writes them
// (build_eql_search_request.ts), so that requests compare byte for byte.
type body struct {
	Size                      int         `json:"size"`
	Query                     string      `json:"query"`
	Filter                    boolQuery   `json:"filter"`
	AllowPartialSearchResults bool        `json:"allow_partial_search_results"`
	TimestampField            string      `json:"timestamp_field,omitempty"`
	EventCategoryField        string      `json:"event_category_field,omitempty"`
	TiebreakerField           string      `json:"tiebreaker_field,omitempty"`
	Fields                    []fieldSpec `json:"fields"`
}

type fieldSpec struct {
	Field           string `json:"field"`
	IncludeUnmapped bool   `json:"include_unmapped,omitempty"`
	Format          string `json:"format,omitempty"`
}

type boolQuery struct {
	Bool boolClauses `json:"bool"`
}

// boolClauses holds the clauses of a bool query; nil lists are left out,
// empty ones written, as Kibana does.
type boolClauses struct {
	MinimumShouldMatch int   `json:"minimum_should_match,omitempty"`
	Must               []any `json:"must,omitempty"`
	Filter             []any `json:"filter,omitempty"`
	Should             []any `json:"should,omitempty"`
	MustNot            any   `json:"must_not,omitempty"`
}

// esFilter is Kibana's buildEsQuery output: always all four lists.
type esFilter struct {
	Bool struct {
		Must    []any `json:"must"`
		Filter  []any `json:"filter"`
		Should  []any `json:"should"`
		MustNot []any `json:"must_not"`
	} `json:"bool"`
}

type rangeBounds struct {
	Lte    string `json:"lte"`
	Gte    string `json:"gte"`
	Format string `json:"format"`
}

// Body builds the _eql/search body for one window of a rule, as Kibana does
// for an EQL rule (spec §2): the query verbatim, size = max_signals, the
// time range on the rule's timestamp override with the @timestamp fallback
// for documents lacking it, the rule's filters, and every field plus the
// timestamps in ISO format. Kibana's runtime field kibana.combined_timestamp
// is left out: it only serves Kibana's aggregations and changes no hit.
func Body(req query.Request) ([]byte, error) {
	r := req.Rule
	field, fallback := query.RangeField(r)
	b := body{
		Size:                      req.Size,
		Query:                     r.Query,
		AllowPartialSearchResults: true,
		TimestampField:            r.TimestampField,
		EventCategoryField:        r.EventCategoryOverride,
		TiebreakerField:           r.TiebreakerField,
		Fields: []fieldSpec{
			{Field: "*", IncludeUnmapped: true},
			{Field: field, Format: dateFormat},
		},
	}
	if fallback {
		b.Fields = append(b.Fields, fieldSpec{Field: "@timestamp", Format: dateFormat})
	}
	b.Filter.Bool.Filter = []any{timeRange(req.Window, field, fallback), ruleFilter(req)}
	return json.Marshal(b)
}

func rangeOn(field string, w query.Window) any {
	return map[string]any{"range": map[string]rangeBounds{field: {
		Lte: query.FormatTime(w.To), Gte: query.FormatTime(w.From), Format: dateFormat,
	}}}
}

// timeRange is Kibana's buildTimeRangeFilter: with a fallback, a document
// whose override lies outside the window is not rescued by @timestamp;
// only documents without the override are judged by @timestamp.
func timeRange(w query.Window, field string, fallback bool) any {
	if !fallback {
		return rangeOn(field, w)
	}
	lacksOverride := boolQuery{Bool: boolClauses{MustNot: map[string]any{"exists": map[string]string{"field": field}}}}
	return boolQuery{Bool: boolClauses{
		MinimumShouldMatch: 1,
		Should: []any{
			rangeOn(field, w),
			boolQuery{Bool: boolClauses{Filter: []any{rangeOn("@timestamp", w), lacksOverride}}},
		},
	}}
}

// ruleFilter holds the rule's own filters, Kibana-style objects with a meta
// block: enabled ones in filter, negated ones in must_not. The events a
// paging search must skip go in must_not too.
func ruleFilter(req query.Request) esFilter {
	var f esFilter
	f.Bool.Must, f.Bool.Filter, f.Bool.Should, f.Bool.MustNot = []any{}, []any{}, []any{}, []any{}
	for _, rf := range req.Rule.Filters {
		meta, _ := rf["meta"].(map[string]any)
		if disabled, _ := meta["disabled"].(bool); disabled {
			continue
		}
		clause := rf["query"]
		if clause == nil {
			rest := maps.Clone(rf)
			delete(rest, "meta")
			delete(rest, "$state")
			clause = rest
		}
		if negate, _ := meta["negate"].(bool); negate {
			f.Bool.MustNot = append(f.Bool.MustNot, clause)
		} else {
			f.Bool.Filter = append(f.Bool.Filter, clause)
		}
	}
	byIndex := map[string][]string{}
	for _, ev := range req.Exclude {
		byIndex[ev.Index] = append(byIndex[ev.Index], ev.ID)
	}
	for _, index := range slices.Sorted(maps.Keys(byIndex)) {
		f.Bool.MustNot = append(f.Bool.MustNot, boolQuery{Bool: boolClauses{Filter: []any{
			map[string]any{"term": map[string]string{"_index": index}},
			map[string]any{"ids": map[string][]string{"values": byIndex[index]}},
		}}})
	}
	return f
}
