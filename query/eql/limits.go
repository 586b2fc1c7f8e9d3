package eql

// Limits bound what a query and its evaluation may use, so that untrusted
// input fails with a clear error instead of exhausting memory or stack.
type Limits struct {
	MaxQueryBytes int // Longest query text accepted.
	MaxTokens     int // Most tokens in a query.
	MaxDepth      int // Deepest nesting of expressions and parentheses.
	MaxNodes      int // Most expression nodes in a query.
	// MaxKeys is the most join keys a sequence or sample run may track at
	// once (each key holds at most one in-flight match per stage).
	MaxKeys int
	// MaxPending is the most completed sequences a run may hold while it
	// waits to rule out a trailing missing event.
	MaxPending int
	// MaxCombinations is the most value combinations one condition is tried
	// with when the fields it reads hold several values each.
	MaxCombinations int
}

// DefaultLimits are the limits used where Options leave them zero.
var DefaultLimits = Limits{
	MaxQueryBytes:   1 << 20,
	MaxTokens:       200_000,
	MaxDepth:        200,
	MaxNodes:        100_000,
	MaxKeys:         1 << 20,
	MaxPending:      1 << 20,
	MaxCombinations: 1 << 16,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.MaxQueryBytes > 0 {
		d.MaxQueryBytes = l.MaxQueryBytes
	}
	if l.MaxTokens > 0 {
		d.MaxTokens = l.MaxTokens
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxNodes > 0 {
		d.MaxNodes = l.MaxNodes
	}
	if l.MaxKeys > 0 {
		d.MaxKeys = l.MaxKeys
	}
	if l.MaxPending > 0 {
		d.MaxPending = l.MaxPending
	}
	if l.MaxCombinations > 0 {
		d.MaxCombinations = l.MaxCombinations
	}
	return d
}
