package query

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
)

// FileEventID is the _id of an event read from a file rather than an
// index: its own top-level "_id" when it has one (events exported from
// Elasticsearch), else LineID. Only matched events need it, so it may
// scan the line; a line that cannot hold the key (written plainly or
// escaped) is not scanned.
func FileEventID(line []byte) string {
	if !bytes.Contains(line, []byte("_id")) && !bytes.Contains(line, []byte(`\u`)) {
		return LineID(line)
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	if t, err := dec.Token(); err == nil && t == json.Delim('{') {
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				break
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				break
			}
			var id string
			if key == "_id" && json.Unmarshal(v, &id) == nil && id != "" {
				return id
			}
		}
	}
	return LineID(line)
}

// LineID is a stable hash of an event line's bytes (the hex of the first 16
// bytes of its SHA-256), so that the same line always gives the same
// signal id, whether hunted or run from the local spool.
func LineID(line []byte) string {
	sum := sha256.Sum256(line)
	return hex.EncodeToString(sum[:16])
}

// IndexOfFile is the index name a file of events stands for: its base name
// without .gz and .ndjson/.json/.jsonl, so that
// logs-endpoint.events.file-default.ndjson.gz is the index
// logs-endpoint.events.file-default and a rule's patterns select it.
func IndexOfFile(path string) string {
	name := filepath.Base(path)
	name = strings.TrimSuffix(name, ".gz")
	for _, ext := range []string{".ndjson", ".jsonl", ".json"} {
		if n, ok := strings.CutSuffix(name, ext); ok {
			return n
		}
	}
	return name
}

// SelectsIndex reports whether index patterns, as a rule lists them, select
// an index: Elasticsearch's wildcard patterns ("logs-*"), where a pattern
// starting with "-" excludes what the patterns before it selected.
func SelectsIndex(patterns []string, index string) bool {
	selected := false
	for _, p := range patterns {
		if exclude, ok := strings.CutPrefix(p, "-"); ok && selected {
			if wildcardMatch(exclude, index) {
				selected = false
			}
			continue
		}
		if wildcardMatch(p, index) {
			selected = true
		}
	}
	return selected
}

// wildcardMatch matches a name against a pattern where "*" stands for any
// run of characters, as index patterns do.
func wildcardMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(name, part)
		if i < 0 {
			return false
		}
		name = name[i+len(part):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}
