package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/esclient"
	"github.com/eqlrunner/eqlrunner/scheduler"
)

// config is the service's configuration. Sources apply in this order, each
// over the one before: defaults, the --config YAML file, ELASTICSEARCH_*
// environment variables, flags.
type config struct {
	Rules           []string      `yaml:"rules"`
	VersionLock     string        `yaml:"version_lock"`
	Space           string        `yaml:"space"`
	SignalsIndex    string        `yaml:"signals_index"`
	RunsIndex       string        `yaml:"runs_index"`
	MaxCatchup      time.Duration `yaml:"max_catchup"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	LogFormat       string        `yaml:"log_format"`
	LogLevel        string        `yaml:"log_level"`
	Elasticsearch   esConfig      `yaml:"elasticsearch"`

	// Backend is "elasticsearch", "local", or "auto": Elasticsearch when
	// one is configured, else the local spool.
	Backend string `yaml:"backend"`
	// DataDir holds the local back end's spool, signals and state.
	DataDir string `yaml:"data_dir"`
	// Spool is where the local back end reads events; DataDir/events by default.
	Spool string `yaml:"spool"`

	// Now, from --now only, runs as if the clock read this time.
	Now time.Time `yaml:"-"`
}

type esConfig struct {
	URL        string `yaml:"url"`
	APIKey     string `yaml:"api_key"`
	Username   string `yaml:"username"`
	Password   string `yaml:"password"`
	CACert     string `yaml:"ca_cert"`
	CloudID    string `yaml:"cloud_id"`
	Insecure   bool   `yaml:"insecure"`
	MaxRetries *int   `yaml:"max_retries"`
	// RetryWaitMin and RetryWaitMax bound the backoff between retries.
	RetryWaitMin time.Duration `yaml:"retry_wait_min"`
	RetryWaitMax time.Duration `yaml:"retry_wait_max"`
}

func defaultConfig() config {
	return config{
		Space:           alerting.DefaultSpace,
		MaxCatchup:      scheduler.DefaultMaxCatchup,
		ShutdownTimeout: 30 * time.Second,
		LogFormat:       "json",
		LogLevel:        "info",
		Backend:         "auto",
		DataDir:         "data",
	}
}

// local reports whether runs use the local back end.
func (c config) local() bool {
	return c.Backend == "local" || (c.Backend == "auto" && !c.esClientConfig().Configured())
}

// spool is where the local back end reads events.
func (c config) spool() string {
	if c.Spool != "" {
		return c.Spool
	}
	return filepath.Join(c.DataDir, "events")
}

// esClientConfig is the connection part of the configuration.
func (c config) esClientConfig() esclient.Config {
	e := c.Elasticsearch
	retries := esclient.DefaultMaxRetries
	if e.MaxRetries != nil {
		retries = *e.MaxRetries
	}
	return esclient.Config{
		Addresses: esclient.SplitAddresses(e.URL), APIKey: e.APIKey, Username: e.Username, Password: e.Password,
		CACert: e.CACert, CloudID: e.CloudID, Insecure: e.Insecure, MaxRetries: retries,
		RetryWaitMin: e.RetryWaitMin, RetryWaitMax: e.RetryWaitMax,
	}
}

// signalsIndex and runsIndex default to eqlrunner-signals-<space> and
// eqlrunner-runs-<space>.
func (c config) signalsIndex() string {
	if c.SignalsIndex != "" {
		return c.SignalsIndex
	}
	return alerting.IndexName(c.Space)
}

func (c config) runsIndex() string {
	if c.RunsIndex != "" {
		return c.RunsIndex
	}
	return scheduler.RunsIndexName(c.Space)
}

// stringsFlag is a repeatable flag.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// configFlags registers the service flags on fs, each with how it sets
// the configuration, so that only the flags given are laid over the other
// sources.
type configFlags struct {
	fs    *flag.FlagSet
	file  string
	apply map[string]func(*config) error
}

func newConfigFlags(fs *flag.FlagSet) *configFlags {
	f := &configFlags{fs: fs, apply: map[string]func(*config) error{}}
	d := defaultConfig()
	str := func(name, usage string, field func(*config) *string) {
		v := fs.String(name, *field(&d), usage)
		f.apply[name] = func(c *config) error { *field(c) = *v; return nil }
	}
	dur := func(name, usage string, field func(*config) *time.Duration) {
		v := fs.Duration(name, *field(&d), usage)
		f.apply[name] = func(c *config) error { *field(c) = *v; return nil }
	}
	fs.StringVar(&f.file, "config", "", "YAML configuration `file` (flags > environment > file > defaults)")
	var rulePaths stringsFlag
	fs.Var(&rulePaths, "rules", "rule file or directory `path` (repeatable; default: the built-in rules)")
	f.apply["rules"] = func(c *config) error { c.Rules = rulePaths; return nil }
	str("version-lock", "detection-rules version.lock.json `file` for rules without a version", func(c *config) *string { return &c.VersionLock })
	now := fs.String("now", "", "run as if the clock read this RFC 3339 `time` (replays, backfills, tests)")
	f.apply["now"] = func(c *config) error {
		t, err := time.Parse(time.RFC3339Nano, *now)
		if err != nil {
			return fmt.Errorf("--now: want an RFC 3339 time like 2026-12-04T10:05:00Z, got %q", *now)
		}
		c.Now = t
		return nil
	}
	str("space", "Kibana `space` of the signals", func(c *config) *string { return &c.Space })
	str("signals-index", "signals `index` (default eqlrunner-signals-<space>)", func(c *config) *string { return &c.SignalsIndex })
	str("runs-index", "run history `index` (default eqlrunner-runs-<space>)", func(c *config) *string { return &c.RunsIndex })
	dur("max-catchup", "how far back a run searches `time` missed by earlier runs; older time is reported as a gap", func(c *config) *time.Duration { return &c.MaxCatchup })
	dur("shutdown-timeout", "how long runs in flight may finish on SIGINT/SIGTERM", func(c *config) *time.Duration { return &c.ShutdownTimeout })
	str("log-format", "log `format`: json or console", func(c *config) *string { return &c.LogFormat })
	str("log-level", "log `level`: debug, info, warn, error", func(c *config) *string { return &c.LogLevel })
	str("backend", "where events come from and signals go: elasticsearch, local, or auto (Elasticsearch when configured)", func(c *config) *string { return &c.Backend })
	str("data-dir", "local back end `directory`: events/ (the spool), signals/, state/", func(c *config) *string { return &c.DataDir })
	str("spool", "local back end event `directory` (default <data-dir>/events): *.ndjson[.gz], each file an index named after it", func(c *config) *string { return &c.Spool })
	str("es-url", "Elasticsearch `URLs`, comma-separated ("+esclient.EnvURL+")", func(c *config) *string { return &c.Elasticsearch.URL })
	str("es-api-key", "Elasticsearch API `key` ("+esclient.EnvAPIKey+"; prefer the variable: flags show in ps)", func(c *config) *string { return &c.Elasticsearch.APIKey })
	str("es-username", "Elasticsearch `user` ("+esclient.EnvUsername+")", func(c *config) *string { return &c.Elasticsearch.Username })
	str("es-password", "Elasticsearch `password` ("+esclient.EnvPassword+"; prefer the variable)", func(c *config) *string { return &c.Elasticsearch.Password })
	str("es-ca-cert", "PEM `file` of the CA that signed Elasticsearch's certificate ("+esclient.EnvCACert+")", func(c *config) *string { return &c.Elasticsearch.CACert })
	str("es-cloud-id", "Elastic Cloud `id` ("+esclient.EnvCloudID+")", func(c *config) *string { return &c.Elasticsearch.CloudID })
	insecure := fs.Bool("es-insecure", false, "do not verify Elasticsearch's TLS certificate")
	f.apply["es-insecure"] = func(c *config) error { c.Elasticsearch.Insecure = *insecure; return nil }
	retries := fs.Int("es-max-retries", esclient.DefaultMaxRetries, "retries of a request after a connection error, 429, 502, 503 or 504")
	f.apply["es-max-retries"] = func(c *config) error { c.Elasticsearch.MaxRetries = retries; return nil }
	return f
}

// load builds the configuration from every source.
func (f *configFlags) load(getenv func(string) string) (config, error) {
	c := defaultConfig()
	if f.file != "" {
		if err := readConfigFile(f.file, &c); err != nil {
			return c, err
		}
	}
	for env, dst := range map[string]*string{
		esclient.EnvURL: &c.Elasticsearch.URL, esclient.EnvAPIKey: &c.Elasticsearch.APIKey,
		esclient.EnvUsername: &c.Elasticsearch.Username, esclient.EnvPassword: &c.Elasticsearch.Password,
		esclient.EnvCACert: &c.Elasticsearch.CACert, esclient.EnvCloudID: &c.Elasticsearch.CloudID,
	} {
		if v := getenv(env); v != "" {
			*dst = v
		}
	}
	var errs []error
	f.fs.Visit(func(fl *flag.Flag) {
		if apply, ok := f.apply[fl.Name]; ok {
			errs = append(errs, apply(&c))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	return c, c.check()
}

func (c config) check() error {
	var errs []error
	if c.Space == "" || strings.ToLower(c.Space) != c.Space || strings.ContainsAny(c.Space, ` "*\<|,>/?#:.`) {
		errs = append(errs, fmt.Errorf("space %q: want a lowercase Kibana space id", c.Space))
	}
	for name, idx := range map[string]string{"signals index": c.SignalsIndex, "runs index": c.RunsIndex} {
		if strings.HasPrefix(idx, ".") {
			errs = append(errs, fmt.Errorf("%s %q: names with a leading dot are Elasticsearch's and Kibana's", name, idx))
		}
	}
	if c.MaxCatchup < 0 {
		errs = append(errs, errors.New("max catch-up must not be negative"))
	}
	switch c.Backend {
	case "auto", "local", "elasticsearch":
	default:
		errs = append(errs, fmt.Errorf("backend %q: want elasticsearch, local or auto", c.Backend))
	}
	if c.Backend == "elasticsearch" && !c.esClientConfig().Configured() {
		errs = append(errs, errors.New("backend elasticsearch: set ELASTICSEARCH_URL (or --es-url) or ELASTICSEARCH_CLOUD_ID"))
	}
	if c.LogFormat != "json" && c.LogFormat != "console" {
		errs = append(errs, fmt.Errorf("log format %q: want json or console", c.LogFormat))
	}
	return errors.Join(errs...)
}

// readConfigFile decodes the YAML file over c; unknown keys are errors, so
// that a typo does not silently fall back to a default.
func readConfigFile(path string, c *config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file decodes to io.EOF: it sets nothing.
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}
