package esclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// EnsureIndex installs an index template for name (and its rollover
// indices name-*) and creates the index unless it exists. Installing the
// template every start is idempotent and carries mapping updates to the
// indices created after it. A replica creating the index at the same
// moment is no error. The priority grows with the name's length, as
// Kibana's does, because Elasticsearch refuses two templates of equal
// priority whose patterns overlap: eqlrunner-signals-a-* covers
// eqlrunner-signals-a-b, the index of another space.
func EnsureIndex(ctx context.Context, tp esapi.Transport, name string, settings, mappings json.RawMessage) error {
	template, err := json.Marshal(map[string]any{
		"index_patterns": Patterns(name),
		"priority":       100 + len(name),
		"template":       map[string]any{"settings": settings, "mappings": mappings},
		"_meta":          map[string]string{"managed_by": "eqlrunner"},
	})
	if err != nil {
		return err
	}
	res, err := esapi.IndicesPutIndexTemplateRequest{Name: name, Body: bytes.NewReader(template)}.Do(ctx, tp)
	if err := Check(res, err, "install index template "+name); err != nil {
		return err
	}
	res.Body.Close()

	res, err = esapi.IndicesExistsRequest{Index: []string{name}}.Do(ctx, tp)
	if err != nil {
		return fmt.Errorf("check index %s: %w", name, err)
	}
	res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
		return nil
	case http.StatusNotFound:
	default:
		return fmt.Errorf("check index %s: HTTP %d", name, res.StatusCode)
	}
	res, err = esapi.IndicesCreateRequest{Index: name}.Do(ctx, tp)
	if err := Check(res, err, "create index "+name); err != nil {
		var esErr *Error
		if errors.As(err, &esErr) && esErr.Type == "resource_already_exists_exception" {
			return nil
		}
		return err
	}
	res.Body.Close()
	return nil
}

// Patterns are the index patterns that hold an index and its rollover
// indices, and no other space's.
func Patterns(name string) []string { return []string{name, name + "-*"} }
