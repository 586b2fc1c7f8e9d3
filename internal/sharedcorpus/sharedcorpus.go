// Package sharedcorpus finds the read-only shared material (../shared next
// to the repository) that tests run against, and skips a test when it is
// missing rather than failing it.
package sharedcorpus

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of elem under ../shared, relative to the repository
// root, or skips the test when it does not exist.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Skipf("shared corpus: %v", err)
	}
	p := filepath.Join(append([]string{root, "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared corpus not available (%v): skipping", err)
	}
	return p
}

func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}
