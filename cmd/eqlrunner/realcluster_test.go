package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/rs/zerolog"

	"github.com/eqlrunner/eqlrunner/esclient"
)

// TestAgainstARealCluster runs the built-in rule once against the cluster
// at ELASTICSEARCH_URL (with ELASTICSEARCH_API_KEY or _USERNAME/_PASSWORD),
// in a space and indices of its own that it deletes afterwards. Without
// ELASTICSEARCH_URL it is skipped: no cluster can be installed where CI
// runs.
func TestAgainstARealCluster(t *testing.T) {
	if os.Getenv(esclient.EnvURL) == "" {
		t.Skip("ELASTICSEARCH_URL is not set: no real cluster to test against")
	}
	ctx := context.Background()
	cfg := esclient.Config{
		Addresses: esclient.SplitAddresses(os.Getenv(esclient.EnvURL)),
		APIKey:    os.Getenv(esclient.EnvAPIKey), Username: os.Getenv(esclient.EnvUsername),
		Password: os.Getenv(esclient.EnvPassword), CACert: os.Getenv(esclient.EnvCACert),
		MaxRetries: 2,
	}
	client, err := esclient.New(cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprintf("it%d", time.Now().UnixNano())
	space := "eqlrunner-" + suffix
	events := "logs-endpoint.events.file-" + suffix
	t.Cleanup(func() {
		for _, index := range []string{events, "eqlrunner-signals-" + space, "eqlrunner-runs-" + space} {
			res, err := esapi.IndicesDeleteRequest{Index: []string{index}}.Do(ctx, client)
			if err == nil {
				res.Body.Close()
			}
			res, err = esapi.IndicesDeleteIndexTemplateRequest{Name: index}.Do(ctx, client)
			if err == nil {
				res.Body.Close()
			}
		}
	})

	now := time.Now().UTC().Truncate(time.Millisecond)
	var bulk bytes.Buffer
	for i, name := range []string{"a.dll", "b.exe"} {
		ts := now.Add(-time.Duration(i+1) * time.Minute).Format(time.RFC3339Nano)
		fmt.Fprintf(&bulk, "{\"create\":{}}\n")
		doc, _ := json.Marshal(map[string]any{
			"@timestamp": ts,
			"event":      map[string]any{"category": "file", "type": "creation", "ingested": ts},
			"host":       map[string]any{"name": "it-host", "os": map[string]any{"type": "windows"}},
			"process":    map[string]any{"name": "lsass.exe"},
			"file":       map[string]any{"name": name, "extension": strings.TrimPrefix(name[strings.LastIndex(name, "."):], "."), "path": `C:\Temp\` + name},
		})
		bulk.Write(append(doc, '\n'))
	}
	res, err := esapi.BulkRequest{Index: events, Body: &bulk, Refresh: "true"}.Do(ctx, client)
	if err := esclient.Check(res, err, "index events"); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	var out, errOut bytes.Buffer
	code := run(ctx, []string{"once", "--space", space, "--now", now.Format(time.RFC3339Nano)}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
	res, err = esapi.IndicesRefreshRequest{Index: []string{"eqlrunner-signals-" + space}}.Do(ctx, client)
	if err == nil {
		res.Body.Close()
	}
	res, err = esapi.CountRequest{Index: []string{"eqlrunner-signals-" + space}}.Do(ctx, client)
	if err := esclient.Check(res, err, "count signals"); err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var count struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(res.Body).Decode(&count); err != nil || count.Count != 2 {
		t.Fatalf("%d signals (%v), want 2:\n%s", count.Count, err, errOut.String())
	}
}
