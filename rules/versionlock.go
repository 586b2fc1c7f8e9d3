package rules

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
)

// VersionLock maps rule_id to the version detection-rules assigned it. The
// repository's TOML files carry no version: it lives in
// detection_rules/etc/version.lock.json.
type VersionLock map[string]int

// ReadVersionLock reads a detection-rules version.lock.json. Each entry's
// top-level "version" is the released one; stack_emit versions are not.
func ReadVersionLock(ctx context.Context, path string) (VersionLock, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read version lock: %w", err) // The path error names the file.
	}
	var entries map[string]struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return nil, fmt.Errorf("read version lock %s: %w", path, err)
	}
	lock := make(VersionLock, len(entries))
	for id, e := range entries {
		if e.Version != nil {
			lock[id] = *e.Version
		}
	}
	return lock, nil
}
