package eql

// ordinal places an event in the order Elasticsearch returns results in:
// timestamp, then tiebreaker, then the order the events came in (the
// implicit tiebreaker). Missing timestamps and tiebreakers sort first.
type ordinal struct {
	hasTS bool
	ts    int64 // Nanoseconds.
	tb    Value
	seq   int64
}

func (a ordinal) compare(b ordinal) int {
	switch {
	case a.hasTS != b.hasTS:
		if !a.hasTS {
			return -1
		}
		return 1
	case a.ts != b.ts:
		return cmpInt(a.ts, b.ts)
	}
	if a.tb.Kind != KindNull || b.tb.Kind != KindNull {
		switch {
		case a.tb.Kind == KindNull:
			return -1
		case b.tb.Kind == KindNull:
			return 1
		}
		if c, ok := compareValues(a.tb, b.tb); ok && c != 0 {
			return c
		}
	}
	return cmpInt(a.seq, b.seq)
}

// millis is the timestamp in whole milliseconds, the precision of the
// range queries Elasticsearch checks missing events with.
func (a ordinal) millis() int64 { return floorDiv(a.ts, 1e6) }

// window is a head or tail limit with an offset, as Elasticsearch folds
// the implicit size limit and the head and tail pipes into one
// (CombineLimits): n > 0 keeps the first n after skipping offset, n < 0
// the last -n before the last offset.
type window struct {
	n      int
	offset int
}

// planWindow combines the request size and result position with the
// pipes of the query.
func planWindow(size int, tail bool, pipes []*Pipe) window {
	w := window{n: size}
	if tail {
		w.n = -size
	}
	first := true
	for _, p := range pipes {
		lit, ok := p.Args[0].(*Literal)
		if !ok || (p.Name != "head" && p.Name != "tail") {
			continue
		}
		n := int(lit.Int)
		if p.Name == "tail" {
			n = -n
		}
		if first {
			// The implicit limit takes the direction of the first pipe.
			first = false
			if (n < 0) != (w.n < 0) {
				w.n = -w.n
			}
		}
		w = w.combine(n)
	}
	return w
}

func (w window) combine(n int) window {
	switch {
	case w.n >= 0 && n >= 0:
		w.n = min(w.n, n)
	case w.n < 0 && n < 0:
		w.n = max(w.n, n)
	default:
		if abs(n) < abs(w.n) {
			w.offset += abs(w.n + n)
			if w.n < 0 {
				w.n = -abs(n)
			} else {
				w.n = abs(n)
			}
		}
	}
	return w
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// bounds returns the slice [lo, hi) of a sorted list of length n that w
// keeps.
func (w window) bounds(n int) (lo, hi int) {
	if w.n >= 0 {
		lo = min(w.offset, n)
		hi = min(lo+w.n, n)
		return lo, hi
	}
	hi = max(n-w.offset, 0)
	lo = max(hi+w.n, 0)
	return lo, hi
}

// keep is how many items from the start (head) or end (tail) must be held
// to apply w.
func (w window) keep() int { return abs(w.n) + w.offset }
