// Package alerting owns "what is new, capped and written": it turns search
// hits into signal documents shaped like Kibana's security alerts, with
// deterministic ids, for eqlrunner's own eqlrunner-signals-<space> index.
package alerting
