// Package builtin holds the rules compiled into eqlrunner, run when no rule
// path is given.
package builtin

import "embed"

// FS holds the built-in rule files (detection-rules TOML).
//
//go:embed *.toml
var FS embed.FS
