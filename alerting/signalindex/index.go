// Package signalindex stores signals in Elasticsearch: the
// eqlrunner-signals-<space> index, its template, the dedup query and the
// bulk create.
package signalindex

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/esclient"
)

// mappings map the kibana.alert.* fields with Kibana's types and the ECS
// fields rules and analysts use most; the rest of a copied event is mapped
// dynamically, strings as keywords.
//
//go:embed mappings.json
var mappings json.RawMessage

// settings let a malformed value of a copied event field be skipped rather
// than fail the signal.
var settings = json.RawMessage(`{"index.mapping.ignore_malformed":true,"index.mapping.total_fields.limit":5000}`)

// maxIDs is how many ids one dedup search asks about: Elasticsearch's
// default index.max_result_window.
const maxIDs = 10000

// Index is a signals index.
type Index struct {
	transport esapi.Transport
	name      string
}

// New returns the signals index called name (alerting.IndexName(space)).
func New(transport esapi.Transport, name string) *Index {
	return &Index{transport: transport, name: name}
}

// Name is the index written to.
func (ix *Index) Name() string { return ix.name }

// Ensure installs the index template and creates the index if needed.
func (ix *Index) Ensure(ctx context.Context) error {
	return esclient.EnsureIndex(ctx, ix.transport, ix.name, settings, mappings)
}

// Existing asks the signals index and its rollover indices (name-*) which of
// ids they hold, with an ids query: create alone would not see a signal
// that rolled over into an older index.
func (ix *Index) Existing(ctx context.Context, ids []string) (map[string]bool, error) {
	found := make(map[string]bool)
	for start := 0; start < len(ids); start += maxIDs {
		chunk := ids[start:min(start+maxIDs, len(ids))]
		body, err := json.Marshal(map[string]any{
			"size":    len(chunk),
			"_source": false,
			"query":   map[string]any{"ids": map[string]any{"values": chunk}},
		})
		if err != nil {
			return nil, err
		}
		yes := true
		res, err := esapi.SearchRequest{
			Index:             esclient.Patterns(ix.name),
			Body:              bytes.NewReader(body),
			IgnoreUnavailable: &yes,
			AllowNoIndices:    &yes,
		}.Do(ctx, ix.transport)
		if err := esclient.Check(res, err, "search existing signals"); err != nil {
			return nil, err
		}
		var r struct {
			Hits struct {
				Hits []struct {
					ID string `json:"_id"`
				} `json:"hits"`
			} `json:"hits"`
		}
		err = json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("search existing signals: read response: %w", err)
		}
		for _, h := range r.Hits.Hits {
			found[h.ID] = true
		}
	}
	return found, nil
}

// Create writes signals in one _bulk of create actions with their
// deterministic ids: a signal that exists already comes back as a 409
// conflict, never as a second copy.
func (ix *Index) Create(ctx context.Context, signals []alerting.Signal) ([]alerting.ItemResult, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, s := range signals {
		if err := enc.Encode(map[string]any{"create": map[string]string{"_id": s.ID}}); err != nil {
			return nil, err
		}
		if err := enc.Encode(s.Source); err != nil {
			return nil, fmt.Errorf("encode signal %s: %w", s.ID, err)
		}
	}
	res, err := esapi.BulkRequest{Index: ix.name, Body: &buf}.Do(ctx, ix.transport)
	if err := esclient.Check(res, err, "bulk create signals"); err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var r struct {
		Items []map[string]struct {
			ID     string `json:"_id"`
			Status int    `json:"status"`
			Error  *struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("bulk create signals: read response: %w", err)
	}
	if len(r.Items) != len(signals) {
		return nil, fmt.Errorf("bulk create signals: %d items answered for %d sent", len(r.Items), len(signals))
	}
	out := make([]alerting.ItemResult, 0, len(r.Items))
	for i, item := range r.Items {
		it := item["create"]
		res := alerting.ItemResult{ID: signals[i].ID}
		switch {
		case it.Status >= 200 && it.Status < 300:
			res.Status = alerting.Created
		case it.Status == 409:
			res.Status = alerting.Conflict
		default:
			res.Status = alerting.Failed
			res.Error = fmt.Sprintf("HTTP %d", it.Status)
			if it.Error != nil {
				res.Error += ": " + it.Error.Type + ": " + it.Error.Reason
			}
		}
		out = append(out, res)
	}
	return out, nil
}
