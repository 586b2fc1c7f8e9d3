package eql

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"
)

// stageKeys reads the join key values of an event for a stage: one value
// per key, null for a missing optional key. A key with several values is
// an error, as in Elasticsearch's sequences.
func stageKeys(st *stage, d *Doc, dst []Value) ([]Value, error) {
	dst = dst[:0]
	for _, k := range st.keys {
		if k.null {
			dst = append(dst, Null)
			continue
		}
		v, many := d.first(k.id)
		if many {
			return nil, fmt.Errorf("arrays (returned by [%s]) are not supported as join keys", k.name)
		}
		dst = append(dst, v)
	}
	return dst, nil
}

// encodeKey turns key values into a map key; values that are the same key
// (1 and 1.0, say) encode alike.
func encodeKey(vals []Value) string {
	var b strings.Builder
	var buf [8]byte
	for _, v := range vals {
		kind := v.Kind
		n := v.I
		if kind == KindFloat && v.F == math.Trunc(v.F) && math.Abs(v.F) < 1<<62 {
			kind, n = KindInt, int64(v.F)
		}
		b.WriteByte(byte(kind))
		switch kind {
		case KindString:
			binary.LittleEndian.PutUint64(buf[:], uint64(len(v.S)))
			b.Write(buf[:])
			b.WriteString(v.S)
		case KindFloat:
			binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v.F))
			b.Write(buf[:])
		default:
			binary.LittleEndian.PutUint64(buf[:], uint64(n))
			b.Write(buf[:])
		}
	}
	return b.String()
}

// compareKeys orders join keys as a composite aggregation does: null
// first, then by value; values of different kinds by kind.
func compareKeys(a, b []Value) int {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		if x.Kind == KindNull || y.Kind == KindNull {
			if x.Kind != y.Kind {
				if x.Kind == KindNull {
					return -1
				}
				return 1
			}
			continue
		}
		if c, ok := compareValues(x, y); ok && (x.Kind == y.Kind || (x.numeric() && y.numeric())) {
			if c != 0 {
				return c
			}
			continue
		}
		if x.Kind != y.Kind {
			return cmpInt(int64(x.Kind), int64(y.Kind))
		}
	}
	return cmpInt(int64(len(a)), int64(len(b)))
}
