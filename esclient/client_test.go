package esclient

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/rs/zerolog"
)

func TestNormalizeMovesURLCredentialsOutOfTheAddress(t *testing.T) {
	c := Config{Addresses: []string{"https://elastic:pa55@es1:9200", "https://es2:9200"}}
	if err := c.normalize(); err != nil {
		t.Fatal(err)
	}
	if c.Username != "elastic" || c.Password != "pa55" || c.Addresses[0] != "https://es1:9200" {
		t.Errorf("got %+v", c)
	}
	if s := c.String(); strings.Contains(s, "pa55") || !strings.Contains(s, "basic auth as elastic") {
		t.Errorf("String() = %q", s)
	}
}

func TestNormalizeRejectsBadSettings(t *testing.T) {
	for _, tt := range []struct {
		name string
		c    Config
		want string
	}{
		{"not a URL", Config{Addresses: []string{"es1:9200"}}, "not a URL"},
		{"bad scheme", Config{Addresses: []string{"ftp://es1"}}, "scheme must be http or https"},
		{"two kinds of auth", Config{Addresses: []string{"http://es1"}, APIKey: "k", Username: "u", Password: "p"}, "not both"},
		{"password alone", Config{Addresses: []string{"http://es1"}, Password: "p"}, "needs a username"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.normalize()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRetryPolicyRetriesOnlyTransientAnswers(t *testing.T) {
	ctx := context.Background()
	for status, want := range map[int]bool{200: false, 400: false, 401: false, 404: false, 409: false,
		429: true, 500: false, 502: true, 503: true, 504: true} {
		if got, _ := retryPolicy(ctx, &http.Response{StatusCode: status}, nil); got != want {
			t.Errorf("status %d: retry %v, want %v", status, got, want)
		}
	}
	if got, _ := retryPolicy(ctx, nil, errors.New("connection refused")); !got {
		t.Error("a connection error is not retried")
	}
	done, cancel := context.WithCancel(ctx)
	cancel()
	if got, _ := retryPolicy(done, &http.Response{StatusCode: 503}, nil); got {
		t.Error("retried past the context")
	}
}

func TestBackoffGrowsWithJitterUpToTheMaximum(t *testing.T) {
	lo, hi := 100*time.Millisecond, 2*time.Second
	for attempt := range 8 {
		want := min(hi, lo<<attempt)
		for range 50 {
			d := jitteredBackoff(lo, hi, attempt, nil)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, want/2, want)
			}
		}
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"1"}}}
	if d := jitteredBackoff(lo, hi, 0, resp); d != time.Second {
		t.Errorf("Retry-After 1: waited %v", d)
	}
}

func tlsServer(t *testing.T) (*httptest.Server, string) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"version":{"number":"8.19.0"}}`))
	}))
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, ca
}

func TestTLSIsVerifiedUnlessInsecure(t *testing.T) {
	srv, ca := tlsServer(t)
	info := func(cfg Config) error {
		cfg.Addresses = []string{srv.URL}
		c, err := New(cfg, zerolog.Nop())
		if err != nil {
			return err
		}
		res, err := esapi.InfoRequest{}.Do(context.Background(), c)
		return Check(res, err, "info")
	}
	if err := info(Config{}); err == nil {
		t.Error("an unknown CA was trusted")
	}
	if err := info(Config{CACert: ca}); err != nil {
		t.Errorf("with its CA: %v", err)
	}
	if err := info(Config{Insecure: true}); err != nil {
		t.Errorf("insecure: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.pem")
	_ = os.WriteFile(bad, []byte("not a certificate"), 0o600)
	if err := info(Config{CACert: bad}); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad CA file: %v, want an error naming it", err)
	}
}

func TestParseErrorReadsElasticsearchAndProxyBodies(t *testing.T) {
	for _, tt := range []struct {
		body string
		want string
		user bool
	}{
		{`{"error":{"root_cause":[],"type":"verification_exception","reason":"Found 1 problem\nline 1:1: Unknown column [x]"},"status":400}`,
			"elasticsearch: HTTP 400: verification_exception: Found 1 problem\nline 1:1: Unknown column [x]", true},
		{`{"error":{"type":"search_phase_execution_exception","reason":"all shards failed","caused_by":{"type":"too_many_clauses","reason":"maxClauseCount"}},"status":500}`,
			"elasticsearch: HTTP 500: search_phase_execution_exception: all shards failed (caused by too_many_clauses: maxClauseCount)", false},
		{`<html>502 Bad Gateway</html>`, "elasticsearch: HTTP 502: <html>502 Bad Gateway</html>", false},
	} {
		status := 400
		if strings.Contains(tt.want, "HTTP 500") {
			status = 500
		} else if strings.Contains(tt.want, "HTTP 502") {
			status = 502
		}
		e := ParseError(status, strings.NewReader(tt.body))
		if e.Error() != tt.want || e.UserError() != tt.user {
			t.Errorf("ParseError = %q (user %v), want %q (user %v)", e.Error(), e.UserError(), tt.want, tt.user)
		}
	}
}
