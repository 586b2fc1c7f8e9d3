package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// parseTOML reads one detection-rules TOML file: [metadata], [rule] with
// [[rule.threat]], and [transform], whose investigate and osquery entries
// are rendered into the note as detection-rules does when it builds the
// rule package Kibana installs.
func parseTOML(path string, data []byte) (*Rule, []Problem) {
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		pos := Position{Path: path, Line: 1}
		msg := err.Error()
		var de *toml.DecodeError
		if errors.As(err, &de) {
			pos.Line, pos.Col = de.Position()
			msg = strings.TrimPrefix(de.Error(), "toml: ")
		}
		return nil, []Problem{{Pos: pos, Message: "invalid TOML: " + msg}}
	}
	lines, query := indexTOML(data)

	ruleTable, ok := doc["rule"].(map[string]any)
	if !ok {
		return nil, []Problem{{Pos: Position{Path: path, Line: 1}, Message: "not a rule file: no [rule] table"}}
	}
	r := &Rule{Source: Source{Path: path, Line: lines["rule"]}, fieldLines: map[string]int{}, queryPos: query}
	if r.Source.Line == 0 {
		r.Source.Line = 1
	}
	for k, l := range lines {
		if rest, ok := strings.CutPrefix(k, "rule."); ok {
			r.fieldLines[rest] = l
		} else if _, shadowed := lines["rule."+k]; !shadowed {
			// Keys outside [rule] ("metadata.maturity", "transform") keep
			// their full path; a top-level key that shares a rule field's
			// name must not take its line, whatever the map order.
			r.fieldLines[k] = l
		}
	}
	normalizeAPI(ruleTable)
	problems := decodeRule(ruleTable, r)

	if meta, ok := doc["metadata"].(map[string]any); ok {
		d := &decoder{m: meta, rule: r, prefix: "metadata", problems: &problems}
		r.Metadata = Metadata{
			CreationDate: d.str("creation_date"),
			UpdatedDate:  d.str("updated_date"),
			Maturity:     d.str("maturity"),
			Integration:  d.strList("integration", true),
		}
		r.CreatedAt = metadataDate(r.Metadata.CreationDate)
		r.UpdatedAt = metadataDate(r.Metadata.UpdatedDate)
	}
	if tr, ok := doc["transform"].(map[string]any); ok && r.Note != "" {
		note, err := renderTransforms(r.Note, tr)
		if err != nil {
			problems = append(problems, Problem{Pos: r.Position("transform"), Field: "transform", Message: err.Error()})
		} else {
			r.Note = note
		}
	}
	return r, problems
}

// normalizeAPI applies what detection-rules does when it turns a TOML rule
// into the rule Kibana installs (TOMLRuleContents._post_dict_conversion):
// every string but the query and the markdown fields (note, setup) has its
// line wrapping undone, and a threat entry without techniques gets an empty
// technique list.
func normalizeAPI(ruleTable map[string]any) {
	for k, v := range ruleTable {
		ruleTable[k] = normalizeValue(k, v)
	}
	if threats, ok := ruleTable["threat"].([]any); ok {
		for _, t := range threats {
			if m, ok := t.(map[string]any); ok {
				if _, has := m["technique"]; !has {
					m["technique"] = []any{}
				}
			}
		}
	}
}

func normalizeValue(key string, v any) any {
	switch t := v.(type) {
	case string:
		switch key {
		case "query", "note", "setup", "message":
			return t
		}
		return unwrapLines(t)
	case []any:
		for i, item := range t {
			t[i] = normalizeValue("", item)
		}
	case map[string]any:
		for k, item := range t {
			if k != "query" {
				t[k] = normalizeValue(k, item)
			}
		}
	}
	return v
}

// unwrapLines joins the lines of a wrapped TOML string with single spaces,
// as detection-rules' cleanup_whitespace does.
func unwrapLines(s string) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, " ")
}

// metadataDate reads detection-rules' "2020/08/19" dates.
func metadataDate(s string) time.Time {
	t, err := time.Parse("2006/01/02", s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// renderTransforms replaces the $investigate_N and $osquery_N placeholders
// of a detection-rules note with Kibana's markdown plugin syntax,
// !{investigate{<json>}}, the JSON compact with sorted keys and non-ASCII
// escaped, as detection-rules' Python json.dumps writes it. Substitution
// follows Python's string.Template.safe_substitute, which detection-rules
// uses: "$$" is a dollar, unknown names are left alone.
func renderTransforms(note string, transforms map[string]any) (string, error) {
	rendered := map[string]string{}
	for plugin, v := range transforms {
		entries, ok := v.([]any)
		if !ok {
			continue
		}
		for i, e := range entries {
			js, err := pythonJSON(e)
			if err != nil {
				return "", fmt.Errorf("%s[%d]: %w", plugin, i, err)
			}
			rendered[plugin+"_"+strconv.Itoa(i)] = "!{" + plugin + js + "}"
		}
	}
	return templatePattern.ReplaceAllStringFunc(note, func(m string) string {
		if m == "$$" {
			return "$"
		}
		name := strings.Trim(m[1:], "{}")
		if r, ok := rendered[name]; ok {
			return r
		}
		return m
	}), nil
}

// templatePattern is Python string.Template's placeholder syntax.
var templatePattern = regexp.MustCompile(`\$(\$|[_a-zA-Z][_a-zA-Z0-9]*|\{[_a-zA-Z][_a-zA-Z0-9]*\})`)

func pythonJSON(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	var b strings.Builder
	for _, r := range out {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		}
	}
	return b.String(), nil
}

// indexTOML maps every key and table of a TOML document to the line it is
// written on, naming array-of-table entries by index ("rule.threat[1].tactic.id"),
// and finds where the rule's query string starts.
func indexTOML(data []byte) (map[string]int, textPos) {
	lines := map[string]int{}
	var query textPos
	var p unstable.Parser
	p.Reset(data)
	current := ""
	arrays := map[string]int{} // array-table path → index of its last entry
	resolve := func(parts []string) string {
		path := ""
		for _, part := range parts {
			if path != "" {
				path += "."
			}
			path += part
			if i, ok := arrays[path]; ok {
				path += "[" + strconv.Itoa(i) + "]"
			}
		}
		return path
	}
	for p.NextExpression() {
		e := p.Expression()
		keys, first := keyParts(e)
		if first == nil {
			continue
		}
		line := p.Shape(first.Raw).Start.Line
		switch e.Kind {
		case unstable.Table:
			current = resolve(keys)
			lines[current] = line
		case unstable.ArrayTable:
			parent := resolve(keys[:len(keys)-1])
			base := keys[len(keys)-1]
			if parent != "" {
				base = parent + "." + base
			}
			if _, ok := arrays[base]; ok {
				arrays[base]++
			} else {
				arrays[base] = 0
			}
			current = base + "[" + strconv.Itoa(arrays[base]) + "]"
			lines[current] = line
		case unstable.KeyValue:
			path := strings.Join(keys, ".")
			if current != "" {
				path = current + "." + path
			}
			lines[path] = line
			if path == "rule.query" {
				if v := e.Value(); v.Kind == unstable.String {
					query = newTextPos(p.Raw(v.Raw), p.Shape(v.Raw).Start)
				}
			}
		}
	}
	return lines, query
}

func keyParts(e *unstable.Node) ([]string, *unstable.Node) {
	var parts []string
	var first *unstable.Node
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if first == nil {
			first = n
		}
		parts = append(parts, string(n.Data))
	}
	return parts, first
}
