package alerting

import "strings"

// Source documents mix nested objects and dotted keys freely
// ({"event": {"kind": …}} and {"event.kind": …} mean the same field), so
// setting a field tries every split of a dotted path, as Kibana's robust
// field access does; query.Lookup reads one.

// pathSettable reports whether setting path would not have to replace a
// non-object value on the way.
func pathSettable(doc map[string]any, path string) bool {
	for i := 0; i <= len(path); i++ {
		if i < len(path) && path[i] != '.' {
			continue
		}
		v, ok := doc[path[:i]]
		if !ok || v == nil {
			continue
		}
		obj, isObj := v.(map[string]any)
		if !isObj {
			return false
		}
		if i == len(path) {
			return true
		}
		return pathSettable(obj, path[i+1:])
	}
	return true
}

// setPath sets a dotted path, descending into objects already present under
// any prefix of it and creating nested objects for the rest.
func setPath(doc map[string]any, path string, value any) {
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		if obj, ok := doc[path[:i]].(map[string]any); ok {
			setPath(obj, path[i+1:], value)
			return
		}
	}
	parts := strings.Split(path, ".")
	cur := doc
	for _, p := range parts[:len(parts)-1] {
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	cur[parts[len(parts)-1]] = value
}

// flatten writes every leaf under v into out with dotted keys below prefix.
// Arrays are leaves.
func flatten(prefix string, v any, out map[string]any) {
	obj, ok := v.(map[string]any)
	if !ok {
		out[prefix] = v
		return
	}
	for k, sub := range obj {
		flatten(prefix+"."+k, sub, out)
	}
}
