package alerting

import (
	"encoding/json"
	"fmt"
	"github.com/eqlrunner/eqlrunner/query"
	"strings"
)

// Reason builds kibana.alert.reason the way Kibana's shared reason template
// does (reason_formatters.ts), reading the merged source document:
//
//	file event with process smss.exe, file a.exe, by SYSTEM on WIN-DC01 created high alert <rule>.
func Reason(doc map[string]any, severity, ruleName string) string {
	value := func(path string) (string, bool) { return reasonValue(query.Lookup(doc, path)) }
	var b strings.Builder
	category, hasCategory := value("event.category")
	if hasCategory {
		b.WriteString(category)
		b.WriteString(" ")
	}
	b.WriteString("event")

	var parts []string
	interest := false
	add := func(path, format string) {
		if v, ok := value(path); ok {
			parts = append(parts, fmt.Sprintf(format, v))
			interest = true
		}
	}
	add("process.name", " process %s,")
	add("process.parent.name", " parent process %s,")
	add("file.name", " file %s,")
	add("source.ip", " source %s")
	add("source.port", ":%s,")
	add("destination.ip", " destination %s")
	add("destination.port", ":%s,")
	if interest {
		b.WriteString(" with")
	}
	for _, p := range parts {
		b.WriteString(p)
	}
	if v, ok := value("user.name"); ok {
		b.WriteString(" by ")
		b.WriteString(v)
	}
	if v, ok := value("host.name"); ok {
		b.WriteString(" on ")
		b.WriteString(v)
	}
	fmt.Fprintf(&b, " created %s alert %s.", severity, ruleName)
	return b.String()
}

// reasonValue renders a field for the reason as Kibana's template does: a
// string as is, an array joined with ", ", and nothing for an empty value
// or a lone "-". Kibana tests .length, so a bare number or boolean (a port
// held as a number in _source) counts as absent there, and here.
func reasonValue(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		if t == "" || t == "-" {
			return "", false
		}
		return t, true
	case []any:
		if len(t) == 0 || (len(t) == 1 && t[0] == "-") {
			return "", false
		}
		items := make([]string, len(t))
		for i, it := range t {
			items[i] = jsString(it)
		}
		return strings.Join(items, ", "), true
	}
	return "", false
}

// jsString converts an array element as JavaScript's Array.join does.
func jsString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return fmt.Sprint(t)
	case map[string]any:
		return "[object Object]"
	case []any:
		items := make([]string, len(t))
		for i, it := range t {
			items[i] = jsString(it)
		}
		return strings.Join(items, ",")
	default:
		return fmt.Sprint(t)
	}
}
