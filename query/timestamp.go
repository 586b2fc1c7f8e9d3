package query

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/eqlrunner/eqlrunner/rules"
)

// EventTime is the time a rule's window judges an event by: its range field
// (the timestamp override, e.g. event.ingested), or @timestamp when the
// event lacks the override and the rule allows the fallback. It prefers the
// hit's fields, which the search asks for in ISO format.
func EventTime(r *rules.Rule, ev Event) (time.Time, bool) {
	field, fallback := RangeField(r)
	if t, ok := fieldTime(ev, field); ok {
		return t, true
	}
	if fallback {
		return fieldTime(ev, "@timestamp")
	}
	return time.Time{}, false
}

func fieldTime(ev Event, field string) (time.Time, bool) {
	if vals := ev.Fields[field]; len(vals) > 0 {
		if t, ok := ParseTimestamp(decodeValue(vals[0])); ok {
			return t, true
		}
	}
	if len(ev.Source) == 0 {
		return time.Time{}, false
	}
	var src map[string]any
	dec := json.NewDecoder(bytes.NewReader(ev.Source))
	dec.UseNumber()
	if dec.Decode(&src) != nil {
		return time.Time{}, false
	}
	return ParseTimestamp(Lookup(src, field))
}

func decodeValue(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil
	}
	return v
}

// Lookup reads the value at a dotted path of a decoded source, where
// nested objects and dotted keys mix freely ({"event":{"kind":…}} and
// {"event.kind":…} are the same field), as Kibana's robust field access
// does: the whole path as a key first, then each prefix that holds an
// object. It returns nil when there is no value.
func Lookup(doc map[string]any, path string) any {
	if v, ok := doc[path]; ok && v != nil {
		return v
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		v, ok := doc[path[:i]]
		if !ok || v == nil {
			continue
		}
		obj, isObj := v.(map[string]any)
		if !isObj {
			return nil
		}
		return Lookup(obj, path[i+1:])
	}
	return nil
}

// ParseTimestamp reads a date the way Elasticsearch's default date format
// (strict_date_optional_time||epoch_millis) does: ISO 8601 with optional
// time and zone (UTC when none), or milliseconds since the epoch.
func ParseTimestamp(v any) (time.Time, bool) {
	switch t := v.(type) {
	case json.Number:
		return epochMillis(string(t))
	case float64:
		return time.UnixMilli(int64(t)).UTC(), true
	case int64:
		return time.UnixMilli(t).UTC(), true
	case string:
		if t != "" && strings.Trim(t, "0123456789.-") == "" {
			if ts, ok := epochMillis(t); ok {
				return ts, true
			}
		}
		for _, layout := range isoLayouts {
			if ts, err := time.Parse(layout, t); err == nil {
				return ts.UTC(), true
			}
		}
	}
	return time.Time{}, false
}

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

func epochMillis(s string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMicro(int64(f * 1000)).UTC(), true
}

// FormatTime writes a time as Kibana and Elasticsearch do: UTC ISO 8601
// with milliseconds.
func FormatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}
