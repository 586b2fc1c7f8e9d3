// Package runindex keeps run history in Elasticsearch: one document per run
// in eqlrunner-runs-<space>, from which each rule's checkpoint is read at
// start-up.
package runindex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/eqlrunner/eqlrunner/esclient"
	"github.com/eqlrunner/eqlrunner/scheduler"
)

var mappings = json.RawMessage(`{
  "dynamic": false,
  "properties": {
    "@timestamp": {"type": "date"},
    "execution_id": {"type": "keyword"},
    "rule_id": {"type": "keyword"},
    "rule_name": {"type": "keyword"},
    "rule_version": {"type": "long"},
    "space": {"type": "keyword"},
    "window": {"properties": {"start": {"type": "date"}, "end": {"type": "date"}}},
    "checkpoint": {"type": "date"},
    "status": {"type": "keyword"},
    "hits": {"type": "long"},
    "new": {"type": "long"},
    "duplicates": {"type": "long"},
    "backlog": {"type": "long"},
    "gap": {"properties": {"start": {"type": "date"}, "end": {"type": "date"}, "ms": {"type": "long"}}},
    "searches": {"type": "long"},
    "search_ms": {"type": "long"},
    "write_ms": {"type": "long"},
    "warnings": {"type": "match_only_text"},
    "error": {"type": "match_only_text"}
  }
}`)

// maxRules is how many rules' checkpoints one start-up query returns.
const maxRules = 10000

// Index is a runs index.
type Index struct {
	transport esapi.Transport
	name      string
}

// New returns the runs index called name.
func New(transport esapi.Transport, name string) *Index {
	return &Index{transport: transport, name: name}
}

// Ensure installs the index template and creates the index if needed.
func (ix *Index) Ensure(ctx context.Context) error {
	return esclient.EnsureIndex(ctx, ix.transport, ix.name, json.RawMessage(`{}`), mappings)
}

// Checkpoints reads every rule's checkpoint in one aggregation: the latest
// checkpoint of its runs. A failed run records the checkpoint it started
// from, so failures never move it.
func (ix *Index) Checkpoints(ctx context.Context) (map[string]time.Time, error) {
	body, err := json.Marshal(map[string]any{
		"size": 0,
		"aggs": map[string]any{"rules": map[string]any{
			"terms": map[string]any{"field": "rule_id", "size": maxRules},
			"aggs":  map[string]any{"checkpoint": map[string]any{"max": map[string]any{"field": "checkpoint"}}},
		}},
	})
	if err != nil {
		return nil, err
	}
	yes := true
	res, err := esapi.SearchRequest{
		Index: esclient.Patterns(ix.name), Body: bytes.NewReader(body),
		IgnoreUnavailable: &yes, AllowNoIndices: &yes,
	}.Do(ctx, ix.transport)
	if err := esclient.Check(res, err, "read checkpoints"); err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var r struct {
		Aggregations struct {
			Rules struct {
				Buckets []struct {
					Key        string `json:"key"`
					Checkpoint struct {
						Value *float64 `json:"value"`
					} `json:"checkpoint"`
				} `json:"buckets"`
			} `json:"rules"`
		} `json:"aggregations"`
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return nil, fmt.Errorf("read checkpoints: %w", err)
	}
	out := make(map[string]time.Time, len(r.Aggregations.Rules.Buckets))
	for _, b := range r.Aggregations.Rules.Buckets {
		if b.Checkpoint.Value != nil {
			out[b.Key] = time.UnixMilli(int64(*b.Checkpoint.Value)).UTC()
		}
	}
	return out, nil
}

// Record stores a run's record under its execution id.
func (ix *Index) Record(ctx context.Context, rec scheduler.RunRecord) error {
	body, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	res, err := esapi.CreateRequest{Index: ix.name, DocumentID: rec.ExecutionID, Body: bytes.NewReader(body)}.Do(ctx, ix.transport)
	if err := esclient.Check(res, err, "record run"); err != nil {
		return err
	}
	res.Body.Close()
	return nil
}
