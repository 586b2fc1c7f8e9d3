package eql

import "sort"

func sortErrors(l ErrorList) {
	sort.SliceStable(l, func(i, j int) bool { return l[i].Pos.Offset < l[j].Pos.Offset })
}
