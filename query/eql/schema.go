package eql

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Schema describes the fields of an index as its Elasticsearch mapping
// does: their types, date formats and aliases. Without a schema every
// field is read as its JSON value and only the timestamp field as a date.
// With one, aliases resolve (event.category to event_type, say), date
// fields parse with their formats, and an optional field (?name) that the
// schema does not know reads as null, as Elasticsearch does.
type Schema struct {
	Fields map[string]FieldSpec
}

// FieldSpec is one field of a mapping.
type FieldSpec struct {
	Type   string // keyword, long, date, ip, boolean, alias, ...
	Format string // Date format, e.g. "dd-MM-yyyy".
	Path   string // Target of an alias.
}

// ParseMapping reads an Elasticsearch mapping: {"properties": ...}, or the
// same under "mappings". Lines starting with '#' are ignored, as
// Elasticsearch's QA data loader does.
func ParseMapping(data []byte) (*Schema, error) {
	var lines []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			lines = append(lines, line)
		}
	}
	var root struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Mappings   *struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal([]byte(strings.Join(lines, "\n")), &root); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	props := root.Properties
	if root.Mappings != nil {
		props = root.Mappings.Properties
	}
	s := &Schema{Fields: map[string]FieldSpec{}}
	if err := s.addProperties("", props); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Schema) addProperties(prefix string, props map[string]json.RawMessage) error {
	for name, raw := range props {
		var f struct {
			Type       string                     `json:"type"`
			Format     string                     `json:"format"`
			Path       string                     `json:"path"`
			Properties map[string]json.RawMessage `json:"properties"`
			Fields     map[string]json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("mapping of %s%s: %w", prefix, name, err)
		}
		path := prefix + name
		if f.Properties != nil {
			if err := s.addProperties(path+".", f.Properties); err != nil {
				return err
			}
		}
		if f.Type != "" && f.Type != "object" && f.Type != "nested" {
			s.Fields[path] = FieldSpec{Type: f.Type, Format: f.Format, Path: f.Path}
		}
		for sub := range f.Fields {
			s.Fields[path+"."+sub] = FieldSpec{Type: "keyword"}
		}
	}
	return nil
}

// Merge returns a schema holding the fields of s and of other, as
// Elasticsearch sees the fields of several indices searched together.
func (s *Schema) Merge(other *Schema) *Schema {
	out := &Schema{Fields: map[string]FieldSpec{}}
	for _, x := range []*Schema{s, other} {
		if x == nil {
			continue
		}
		for k, v := range x.Fields {
			if _, ok := out.Fields[k]; !ok {
				out.Fields[k] = v
			}
		}
	}
	return out
}

// AddDynamic records fields found in documents and not in the mapping,
// as dynamic mapping would create them.
func (s *Schema) AddDynamic(paths []string) {
	for _, p := range paths {
		if _, ok := s.Fields[p]; !ok {
			s.Fields[p] = FieldSpec{Type: "dynamic"}
		}
	}
}

// resolve follows an alias to its target.
func (s *Schema) resolve(name string) string {
	if s == nil {
		return name
	}
	for range 8 {
		f, ok := s.Fields[name]
		if !ok || f.Type != "alias" || f.Path == "" {
			return name
		}
		name = f.Path
	}
	return name
}

func (s *Schema) has(name string) bool {
	if s == nil {
		return true
	}
	_, ok := s.Fields[s.resolve(name)]
	return ok
}

// dateFormats returns the formats of the date fields of s.
func (s *Schema) dateFormats() (map[string][]dateFormat, error) {
	out := map[string][]dateFormat{}
	if s == nil {
		return out, nil
	}
	names := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		f := s.Fields[name]
		if f.Type != "date" && f.Type != "date_nanos" {
			continue
		}
		spec := f.Format
		if spec == "" {
			spec = "strict_date_optional_time||epoch_millis"
		}
		fs, err := newDateFormat(spec)
		if err != nil {
			return nil, fmt.Errorf("mapping of %s: %w", name, err)
		}
		out[name] = fs
	}
	return out, nil
}
