// Package esclient connects to Elasticsearch: configuration from flags and
// ELASTICSEARCH_* variables, TLS, one layer of retries with backoff, error
// answers turned into errors, and secrets kept out of all output.
package esclient
