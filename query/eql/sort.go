package eql

import "sort"

func sortErrors(l ErrorList) {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
}

// dedupe keeps the first error at each position: a missing token often
// trips the rules around it too.
func dedupe(l ErrorList) ErrorList {
	out := l[:0]
	for i, e := range l {
		if i > 0 && e.Pos.Offset == out[len(out)-1].Pos.Offset {
			continue
		}
		out = append(out, e)
	}
	return out
}
