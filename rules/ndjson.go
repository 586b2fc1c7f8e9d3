package rules

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// parseNDJSON reads a Kibana rule export: one rule object per line, then a
// summary line ({"exported_count": …}). Exports can also carry exception
// lists and action connectors; those are reported and skipped. pySigma's
// siem_rule_ndjson output is the same format without the summary.
func parseNDJSON(path string, data []byte) ([]parsed, []Problem) {
	var rules []parsed
	var problems []Problem
	for n, line := range bytes.Split(data, []byte{'\n'}) {
		lineNo := n + 1
		line = bytes.TrimRight(line, "\r")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		pos := Position{Path: path, Line: lineNo}
		m, col, err := decodeObject(line)
		if err != nil {
			pos.Col = col
			problems = append(problems, Problem{Pos: pos, Message: "invalid JSON: " + err.Error()})
			continue
		}
		switch {
		case m["exported_count"] != nil:
			continue
		case m["rule_id"] == nil && m["list_id"] != nil:
			problems = append(problems, Problem{Pos: pos, Warning: true,
				Message: fmt.Sprintf("skipped exception list entry %q: eqlrunner does not load exception lists from exports", fmt.Sprint(m["list_id"]))})
			continue
		case m["type"] == "action" && m["attributes"] != nil:
			problems = append(problems, Problem{Pos: pos, Warning: true,
				Message: "skipped action connector: eqlrunner runs no rule actions"})
			continue
		}
		r := &Rule{Source: Source{Path: path, Line: lineNo}}
		if off, raw, ok := jsonStringValue(line, "query"); ok {
			r.queryPos = newJSONTextPos(raw, lineNo, off+1)
		}
		rules = append(rules, parsed{r, decodeRule(m, r)})
	}
	return rules, problems
}

// decodeObject decodes one line as a JSON object. On error it also returns
// the 1-based column the error is at: the offending byte, or just past the
// end of the line when the line stops short.
func decodeObject(line []byte) (map[string]any, int, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return nil, max(int(se.Offset), 1), err
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, len(line) + 1, err
		}
		return nil, 1, err
	}
	end := int(dec.InputOffset())
	if rest := bytes.TrimLeft(line[end:], " \t\r\n"); len(rest) > 0 {
		return nil, len(line) - len(rest) + 1, errors.New("unexpected data after the object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, 1 + len(line) - len(bytes.TrimLeft(line, " \t\r\n")), fmt.Errorf("want one rule object per line, got %s", kindOf(v))
	}
	return m, 0, nil
}

// jsonStringValue finds the top-level string value of key in a JSON object
// and returns its byte offset and raw text (quotes included).
func jsonStringValue(obj []byte, key string) (int, []byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return 0, nil, false
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return 0, nil, false
		}
		var raw json.RawMessage
		// The value starts after the key, the colon and any whitespace.
		start := int(dec.InputOffset())
		for start < len(obj) && bytes.IndexByte([]byte(": \t\r\n"), obj[start]) >= 0 {
			start++
		}
		if err := dec.Decode(&raw); err != nil {
			return 0, nil, false
		}
		if t == key && len(raw) > 0 && raw[0] == '"' {
			return start, obj[start : start+len(raw)], true
		}
	}
	return 0, nil, false
}
