// Package rules owns what eqlrunner runs: the Rule model (Elastic's
// detection rule fields with Kibana's defaults), the loaders for
// detection-rules TOML and Kibana rule exports, validation with positioned
// problems, and the built-in rules.
package rules
