package estest

import (
	"sort"
	"strings"
)

// lookup returns the values at a dotted field path. Elasticsearch maps
// {"a":{"b":1}}, {"a.b":1} and {"a":[{"b":1}]} all to the field a.b, so every
// split of the path into keys is tried and arrays are walked. Nulls are
// dropped and arrays flattened: a document matches a query on a multi-valued
// field when any one value does.
func lookup(src map[string]any, path string) []any {
	return lookupParts(src, strings.Split(path, "."), nil)
}

func lookupParts(v any, parts []string, out []any) []any {
	if len(parts) == 0 {
		return appendFlat(out, v)
	}
	switch t := v.(type) {
	case map[string]any:
		for i := 1; i <= len(parts); i++ {
			if child, ok := t[strings.Join(parts[:i], ".")]; ok {
				out = lookupParts(child, parts[i:], out)
			}
		}
	case []any:
		for _, e := range t {
			out = lookupParts(e, parts, out)
		}
	}
	return out
}

func appendFlat(out []any, v any) []any {
	switch t := v.(type) {
	case nil:
	case []any:
		for _, e := range t {
			out = appendFlat(out, e)
		}
	default:
		out = append(out, v)
	}
	return out
}

// leaves flattens a source into its leaf fields, named with dotted paths,
// each holding its values in source order: the view the fields API gives.
func leaves(src map[string]any) map[string][]any {
	out := map[string][]any{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, c := range t {
				name := k
				if prefix != "" {
					name = prefix + "." + k
				}
				walk(name, c)
			}
		case []any:
			for _, e := range t {
				walk(prefix, e)
			}
		case nil:
		default:
			out[prefix] = append(out[prefix], t)
		}
	}
	walk("", src)
	return out
}

// globMatch reports whether name matches pattern, where * stands for any run
// of characters: the only wildcard index expressions and field patterns use.
func globMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return len(name) >= len(last) && strings.HasSuffix(name, last)
}

// globsIntersect reports whether some name matches both * patterns: a star
// of either side may absorb any part of the other, stars included.
func globsIntersect(a, b string) bool {
	memo := map[[2]int]bool{}
	var match func(i, j int) bool
	match = func(i, j int) bool {
		key := [2]int{i, j}
		if v, ok := memo[key]; ok {
			return v
		}
		var r bool
		switch {
		case i == len(a) && j == len(b):
			r = true
		case i < len(a) && a[i] == '*':
			r = match(i+1, j) || (j < len(b) && match(i, j+1))
		case j < len(b) && b[j] == '*':
			r = match(i, j+1) || (i < len(a) && match(i+1, j))
		case i < len(a) && j < len(b):
			r = a[i] == b[j] && match(i+1, j+1)
		}
		memo[key] = r
		return r
	}
	return match(0, 0)
}

// sortedKeys lists a map's keys in order, for deterministic output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
