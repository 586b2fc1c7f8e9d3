package eql

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
	"github.com/pelletier/go-toml/v2"
)

// The conformance test runs Elasticsearch's EQL QA spec files the way its
// harness does (corpus/es-eql-qa/HOW_IT_RUNS.md §6): each query over its
// data set with size 50 unless the spec says otherwise, ids compared in
// exact order, join keys compared as strings.

type qaSpec struct {
	Name             string `toml:"name"`
	Query            string `toml:"query"`
	ExpectedEventIDs any    `toml:"expected_event_ids"`
	JoinKeys         []any  `toml:"join_keys"`
	Size             *int   `toml:"size"`
	MaxSamplesPerKey int    `toml:"max_samples_per_key"`
}

type qaDataset struct {
	inputs     []Input
	schemas    map[string]*Schema
	merged     *Schema
	tiebreaker string
	idField    string
}

var nullInArray = regexp.MustCompile(`([\[,]\s*)null(\s*[,\]])`)

// loadSpecs reads a QA TOML file. The test loader, not the product,
// tolerates what JToml accepts and strict TOML does not: null inside
// arrays becomes the string "null" (which is how the harness compares
// join keys anyway).
func loadSpecs(t *testing.T, path string) []qaSpec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if trimmed := strings.TrimSpace(line); !strings.HasPrefix(trimmed, "#") {
			for nullInArray.MatchString(line) {
				line = nullInArray.ReplaceAllString(line, `${1}"null"${2}`)
			}
		}
		lines = append(lines, line)
	}
	var doc struct {
		Queries []qaSpec `toml:"queries"`
	}
	if err := toml.Unmarshal([]byte(strings.Join(lines, "\n")), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc.Queries
}

// expectedIDs normalises expected_event_ids to a list of alternatives.
func expectedIDs(v any) [][]int64 {
	list, _ := v.([]any)
	if len(list) > 0 {
		if _, nested := list[0].([]any); nested {
			var out [][]int64
			for _, alt := range list {
				out = append(out, toInts(alt.([]any)))
			}
			return out
		}
	}
	return [][]int64{toInts(list)}
}

func toInts(list []any) []int64 {
	out := []int64{}
	for _, x := range list {
		switch x := x.(type) {
		case int64:
			out = append(out, x)
		case float64:
			out = append(out, int64(x))
		}
	}
	return out
}

// stripLineComments drops // comments, which Elasticsearch's JSON parser
// accepts in data files.
func stripLineComments(data []byte) []byte {
	var out [][]byte
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if i := bytes.Index(line, []byte("//")); i >= 0 && !bytes.Contains(line[:i], []byte(`"`)) {
			line = line[:i]
		}
		out = append(out, line)
	}
	return bytes.Join(out, []byte("\n"))
}

func readMapping(t *testing.T, path string) *Schema {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(data, []byte("[runtime_random_keyword_type]"), []byte("keyword"))
	s, err := ParseMapping(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// loadIndex reads a JSON array of documents into inputs, optionally
// transforming each document.
func loadIndex(t *testing.T, ds *qaDataset, index, path string, transform func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(stripLineComments(data)))
	dec.UseNumber()
	var docs []map[string]any
	if err := dec.Decode(&docs); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var paths []string
	for i, d := range docs {
		if transform != nil {
			transform(d)
		}
		src, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		ds.inputs = append(ds.inputs, Input{Index: index, ID: strconv.Itoa(i + 1), Source: src})
		paths = append(paths, leafPaths("", d)...)
	}
	ds.merged = ds.merged.Merge(ds.schemas[index])
	ds.merged.AddDynamic(paths)
}

func leafPaths(prefix string, m map[string]any) []string {
	var out []string
	for k, v := range m {
		p := prefix + k
		switch v := v.(type) {
		case map[string]any:
			out = append(out, leafPaths(p+".", v)...)
		case nil:
		default:
			out = append(out, p)
		}
	}
	return out
}

func endgameDataset(t *testing.T, dir string) *qaDataset {
	ds := &qaDataset{schemas: map[string]*Schema{}, merged: &Schema{Fields: map[string]FieldSpec{}}, tiebreaker: "serial_event_id", idField: "serial_event_id"}
	ds.schemas["endgame-140"] = readMapping(t, filepath.Join(dir, "data", "endgame-140.mapping"))
	loadIndex(t, ds, "endgame-140", filepath.Join(dir, "test_data.json"), func(d map[string]any) {
		// DataLoader.timestampToUnixMillis: FILETIME to epoch milliseconds.
		ft, _ := d["timestamp"].(json.Number).Int64()
		d["@timestamp"] = ft/10_000 - 11_644_473_600_000
	})
	return ds
}

func missingEventsDataset(t *testing.T, dir string) *qaDataset {
	ds := &qaDataset{schemas: map[string]*Schema{}, merged: &Schema{Fields: map[string]FieldSpec{}}, tiebreaker: "sequence", idField: "sequence"}
	ds.schemas["missing-events"] = readMapping(t, filepath.Join(dir, "data", "missing-events.mapping"))
	loadIndex(t, ds, "missing-events", filepath.Join(dir, "data", "missing-events.data"), nil)
	return ds
}

func sampleDataset(t *testing.T, dir string) *qaDataset {
	ds := &qaDataset{schemas: map[string]*Schema{}, merged: &Schema{Fields: map[string]FieldSpec{}}, idField: "id"}
	for _, name := range []string{"sample1", "sample2", "sample3"} {
		ds.schemas[name] = readMapping(t, filepath.Join(dir, "data", name+".mapping"))
		loadIndex(t, ds, name, filepath.Join(dir, "data", name+".data"), nil)
	}
	return ds
}

// runSpec runs one spec and returns the ids and join keys found.
func runSpec(ds *qaDataset, spec qaSpec, head bool) ([]int64, []string, error) {
	prog, err := Compile(strings.TrimSpace(spec.Query), Options{Schema: ds.merged, TiebreakerField: ds.tiebreaker})
	if err != nil {
		return nil, nil, err
	}
	size := 50
	if spec.Size != nil {
		size = *spec.Size
	}
	opts := RunOptions{Size: size, Head: head, MaxSamplesPerKey: spec.MaxSamplesPerKey}
	if size == 0 {
		opts.Size = -1 // Size 0 returns nothing; RunOptions' zero means the default.
	}
	res, skipped, err := prog.Search(ds.inputs, ds.schemas, opts)
	if err != nil {
		return nil, nil, err
	}
	if len(skipped) > 0 {
		return nil, nil, fmt.Errorf("skipped events: %v", skipped)
	}
	var ids []int64
	var keys []string
	id := func(h Hit) int64 {
		if h.Missing {
			return -1
		}
		var src map[string]any
		dec := json.NewDecoder(bytes.NewReader(h.Source))
		dec.UseNumber()
		if dec.Decode(&src) != nil {
			return -2
		}
		n, _ := src[ds.idField].(json.Number).Int64()
		return n
	}
	for _, h := range res.Events {
		ids = append(ids, id(h))
	}
	for _, s := range res.Sequences {
		for _, h := range s.Events {
			ids = append(ids, id(h))
		}
		for _, k := range s.JoinKeys {
			keys = append(keys, javaString(k))
		}
	}
	return ids, keys, nil
}

// javaString is a join key as the harness compares it (toString()).
func javaString(v Value) string {
	switch v.Kind {
	case KindNull:
		return "null"
	case KindDate:
		return strconv.FormatInt(floorDiv(v.I, 1e6), 10)
	}
	return v.String()
}

func TestConformance(t *testing.T) {
	dir := sharedcorpus.Path(t, "corpus", "es-eql-qa")
	endgame := endgameDataset(t, dir)
	suites := []struct {
		file string
		ds   *qaDataset
	}{
		{"test_queries.toml", endgame},
		{"test_queries_date.toml", endgame},
		{"test_missing_events.toml", missingEventsDataset(t, dir)},
		{"test_sample.toml", sampleDataset(t, dir)},
	}
	for _, suite := range suites {
		t.Run(suite.file, func(t *testing.T) {
			passed, failed, skipped := 0, 0, 0
			for _, spec := range loadSpecs(t, filepath.Join(dir, suite.file)) {
				t.Run(spec.Name, func(t *testing.T) {
					defer func() {
						switch {
						case t.Skipped():
							skipped++
						case t.Failed():
							failed++
						default:
							passed++
						}
					}()
					want := expectedIDs(spec.ExpectedEventIDs)
					for _, head := range []bool{true, false} {
						ids, keys, err := runSpec(suite.ds, spec, head)
						if err != nil {
							t.Fatalf("head=%v: %v\n%s", head, err, spec.Query)
						}
						if ids == nil {
							ids = []int64{}
						}
						if !slices.ContainsFunc(want, func(w []int64) bool { return slices.Equal(w, ids) }) {
							t.Errorf("head=%v: ids %v, want %v\n%s", head, ids, want, spec.Query)
						}
						if len(spec.JoinKeys) > 0 {
							var wantKeys []string
							for _, k := range spec.JoinKeys {
								wantKeys = append(wantKeys, fmt.Sprint(k))
							}
							if !slices.Equal(keys, wantKeys) {
								t.Errorf("head=%v: join keys %v, want %v", head, keys, wantKeys)
							}
						}
					}
				})
			}
			t.Logf("%s: %d passed, %d failed, %d skipped", suite.file, passed, failed, skipped)
		})
	}
}
