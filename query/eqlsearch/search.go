// Package eqlsearch runs a rule's EQL search on Elasticsearch through
// _eql/search, with the request Kibana sends for an EQL rule.
package eqlsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/eqlrunner/eqlrunner/esclient"
	"github.com/eqlrunner/eqlrunner/query"
)

// Searcher searches Elasticsearch.
type Searcher struct {
	transport esapi.Transport
}

// New returns a Searcher over an Elasticsearch client (anything with
// Perform, which tests replace).
func New(transport esapi.Transport) *Searcher { return &Searcher{transport: transport} }

type response struct {
	IsPartial bool `json:"is_partial"`
	Hits      struct {
		Events    []query.Event    `json:"events"`
		Sequences []query.Sequence `json:"sequences"`
	} `json:"hits"`
	ShardFailures []json.RawMessage `json:"shard_failures"`
}

// Search sends one _eql/search on the rule's index patterns, with missing
// indices tolerated, as Kibana's requests are.
func (s *Searcher) Search(ctx context.Context, req query.Request) (*query.Response, error) {
	data, err := Body(req)
	if err != nil {
		return nil, fmt.Errorf("eql search: %w", err)
	}
	yes := true
	res, err := esapi.EqlSearchRequest{
		Index:             strings.Join(req.Rule.Index, ","),
		Body:              bytes.NewReader(data),
		AllowNoIndices:    &yes,
		IgnoreUnavailable: &yes,
	}.Do(ctx, s.transport)
	if err := esclient.Check(res, err, "eql search"); err != nil {
		// Unlike _search, an EQL search on patterns that match no index at
		// all fails with index_not_found_exception even with
		// allow_no_indices; Kibana checks for indices first and warns.
		var esErr *esclient.Error
		if errors.As(err, &esErr) && esErr.Type == "index_not_found_exception" {
			return &query.Response{NoIndices: true}, nil
		}
		return nil, err
	}
	defer res.Body.Close()
	var r response
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("eql search: read response: %w", err)
	}
	return &query.Response{Events: r.Hits.Events, Sequences: r.Hits.Sequences, ShardFailures: r.ShardFailures}, nil
}
