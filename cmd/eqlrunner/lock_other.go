//go:build !unix

package main

import (
	"fmt"
	"os"
)

// lockDir only makes the directory where file locks are not available:
// run one instance per --data-dir.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	return func() {}, nil
}
