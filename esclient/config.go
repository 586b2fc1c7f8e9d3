package esclient

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Config says how to reach Elasticsearch. Secrets (APIKey, Password) are
// never written to logs or errors: String and the errors of this package
// leave them out.
type Config struct {
	Addresses []string // ELASTICSEARCH_URL, comma-separated.
	APIKey    string   // ELASTICSEARCH_API_KEY (base64 "id:key", as Kibana shows it).
	Username  string   // ELASTICSEARCH_USERNAME
	Password  string   // ELASTICSEARCH_PASSWORD
	CACert    string   // ELASTICSEARCH_CA_CERT: path of a PEM file.
	CloudID   string   // ELASTICSEARCH_CLOUD_ID
	Insecure  bool     // Skip TLS verification (--es-insecure).

	// MaxRetries is how many times a request is retried after a
	// connection error or a 429, 502, 503 or 504 answer.
	MaxRetries   int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
}

// Defaults for retries: five attempts over about half a minute at worst.
const (
	DefaultMaxRetries   = 4
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 15 * time.Second
)

// Environment variable names.
const (
	EnvURL      = "ELASTICSEARCH_URL"
	EnvAPIKey   = "ELASTICSEARCH_API_KEY"
	EnvUsername = "ELASTICSEARCH_USERNAME"
	EnvPassword = "ELASTICSEARCH_PASSWORD"
	EnvCACert   = "ELASTICSEARCH_CA_CERT"
	EnvCloudID  = "ELASTICSEARCH_CLOUD_ID"
)

// Configured reports whether a cluster was given at all.
func (c Config) Configured() bool { return len(c.Addresses) > 0 || c.CloudID != "" }

// SplitAddresses splits a comma-separated ELASTICSEARCH_URL.
func SplitAddresses(s string) []string {
	var out []string
	for _, a := range strings.Split(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// normalize moves credentials written into a URL (https://user:pass@host)
// into Username and Password, so that addresses can be logged, and checks
// the settings.
func (c *Config) normalize() error {
	for i, a := range c.Addresses {
		u, err := url.Parse(a)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("elasticsearch address %d is not a URL like https://host:9200", i+1)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			return fmt.Errorf("elasticsearch address %s: scheme must be http or https", u.Redacted())
		}
		if u.User != nil {
			if c.Username == "" {
				c.Username = u.User.Username()
			}
			if p, ok := u.User.Password(); ok && c.Password == "" {
				c.Password = p
			}
			u.User = nil
			c.Addresses[i] = u.String()
		}
	}
	if c.APIKey != "" && (c.Username != "" || c.Password != "") {
		return errors.New("give either an API key or a username and password, not both")
	}
	if c.Password != "" && c.Username == "" {
		return errors.New("a password needs a username (ELASTICSEARCH_USERNAME)")
	}
	if c.MaxRetries < 0 {
		return errors.New("max retries must not be negative")
	}
	if c.RetryWaitMin <= 0 {
		c.RetryWaitMin = DefaultRetryWaitMin
	}
	if c.RetryWaitMax < c.RetryWaitMin {
		c.RetryWaitMax = max(DefaultRetryWaitMax, c.RetryWaitMin)
	}
	return nil
}

// String describes the connection without its secrets.
func (c Config) String() string {
	var auth string
	switch {
	case c.APIKey != "":
		auth = "api key"
	case c.Username != "":
		auth = "basic auth as " + c.Username
	default:
		auth = "no auth"
	}
	target := strings.Join(c.Addresses, ",")
	if c.CloudID != "" {
		target = "cloud id " + strings.SplitN(c.CloudID, ":", 2)[0]
	}
	return fmt.Sprintf("%s (%s, tls verify %v)", target, auth, !c.Insecure)
}

// secrets lists the values that must never appear in output.
func (c Config) secrets() []string {
	var s []string
	for _, v := range []string{c.APIKey, c.Password} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}
