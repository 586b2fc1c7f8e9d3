package appendfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenReadsWholeLinesAndCutsAHalfWrittenOne(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "log.ndjson")
	f, err := Open(path, func(int, []byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Append([]byte("{\"a\":1}\n\n{\"b\":2}\n")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = fh.WriteString(`{"c":`)
	fh.Close()

	var seen []string
	f, err = Open(path, func(n int, line []byte) error {
		seen = append(seen, strings.TrimSpace(string(line)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Append([]byte("{\"d\":4}\n")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := strings.Join(seen, " "); got != `{"a":1} {"b":2}` {
		t.Errorf("lines %q", got)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "{\"a\":1}\n\n{\"b\":2}\n{\"d\":4}\n" {
		t.Errorf("file %q: the half line should be gone", data)
	}
}

func TestOpenStopsAtALineTheCallerRefuses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.ndjson")
	_ = os.WriteFile(path, []byte("ok\nbad\n"), 0o644)
	_, err := Open(path, func(_ int, line []byte) error {
		if strings.HasPrefix(string(line), "bad") {
			return errors.New("not a record")
		}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "line 2: not a record") || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want the path, line 2 and the reason", err)
	}
}
