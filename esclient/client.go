package esclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/rs/zerolog"
)

// New connects to Elasticsearch with one retry layer: go-retryablehttp as
// the client's transport, the client's own retries off (two layers would
// multiply attempts). Requests are retried with exponential backoff and
// jitter on connection errors, 429, 502, 503 and 504; never on other
// answers; never past the request's context.
func New(cfg Config, log zerolog.Logger) (*elasticsearch.Client, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	if !cfg.Configured() {
		return nil, errors.New("no Elasticsearch address: set ELASTICSEARCH_URL or ELASTICSEARCH_CLOUD_ID")
	}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.Insecure} //nolint:gosec // Only on --es-insecure.
	if cfg.CACert != "" {
		pem, err := os.ReadFile(cfg.CACert)
		if err != nil {
			return nil, fmt.Errorf("read CA certificate: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA certificate %s: no PEM certificate found", cfg.CACert)
		}
		tlsConfig.RootCAs = pool
	}
	httpClient := cleanhttp.DefaultPooledClient()
	httpClient.Transport.(*http.Transport).TLSClientConfig = tlsConfig

	rc := &retryablehttp.Client{
		HTTPClient:   httpClient,
		Logger:       leveledLogger{log: log, redact: newRedactor(cfg.secrets())},
		RetryWaitMin: cfg.RetryWaitMin,
		RetryWaitMax: cfg.RetryWaitMax,
		RetryMax:     cfg.MaxRetries,
		CheckRetry:   retryPolicy,
		Backoff:      jitteredBackoff,
		// Hand the last answer back as it is, so the Elasticsearch error
		// in its body reaches the caller.
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	return elasticsearch.NewClient(elasticsearch.Config{
		Addresses:    cfg.Addresses,
		CloudID:      cfg.CloudID,
		APIKey:       cfg.APIKey,
		Username:     cfg.Username,
		Password:     cfg.Password,
		Transport:    &retryablehttp.RoundTripper{Client: rc},
		DisableRetry: true,
	})
}

// retryPolicy retries what may pass: connection errors (but not TLS
// verification or a bad URL) and the answers of an overloaded or
// restarting cluster or proxy.
func retryPolicy(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		return retryablehttp.DefaultRetryPolicy(ctx, resp, err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, nil
	}
	return false, nil
}

// jitteredBackoff doubles the wait each attempt up to max and picks at
// random in its upper half, so that instances retrying together spread out.
// A Retry-After on 429 or 503 is honoured, up to max.
func jitteredBackoff(lo, hi time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := retryablehttp.DefaultBackoff(0, hi, attempt, resp); d > 0 && resp.Header.Get("Retry-After") != "" {
			return min(d, hi)
		}
	}
	d := hi
	if attempt < 30 {
		d = min(hi, lo<<attempt)
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// leveledLogger sends go-retryablehttp's messages to zerolog, retries as
// warnings, with secrets scrubbed.
type leveledLogger struct {
	log    zerolog.Logger
	redact *strings.Replacer
}

func (l leveledLogger) event(e *zerolog.Event, msg string, kv []any) {
	for i := 0; i+1 < len(kv); i += 2 {
		e = e.Str(fmt.Sprint(kv[i]), l.redact.Replace(fmt.Sprint(kv[i+1])))
	}
	e.Msg("elasticsearch: " + l.redact.Replace(msg))
}

func (l leveledLogger) Error(msg string, kv ...any) { l.event(l.log.Warn(), msg, kv) }
func (l leveledLogger) Warn(msg string, kv ...any)  { l.event(l.log.Warn(), msg, kv) }
func (l leveledLogger) Info(msg string, kv ...any)  { l.event(l.log.Debug(), msg, kv) }
func (l leveledLogger) Debug(msg string, kv ...any) { l.event(l.log.Trace(), msg, kv) }

func newRedactor(secrets []string) *strings.Replacer {
	var pairs []string
	for _, s := range secrets {
		pairs = append(pairs, s, "[redacted]")
	}
	return strings.NewReplacer(pairs...)
}
