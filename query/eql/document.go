package eql

import "strings"

// FieldID names a field in a FieldTable.
type FieldID int32

// FieldTable assigns a FieldID to every field path the compiled programs
// read. Several programs can share one table, so that an event is decoded
// once for all of them. A table is filled while compiling and only read
// afterwards: it is safe for concurrent readers, not for concurrent
// compiles.
type FieldTable struct {
	ids   map[string]FieldID
	names []string
	dates []bool
}

// NewFieldTable returns an empty table.
func NewFieldTable() *FieldTable { return &FieldTable{ids: map[string]FieldID{}} }

// ID returns the id of path, adding it when new.
func (t *FieldTable) ID(path string) FieldID {
	if id, ok := t.ids[path]; ok {
		return id
	}
	id := FieldID(len(t.names))
	t.ids[path] = id
	t.names = append(t.names, path)
	t.dates = append(t.dates, false)
	return id
}

// Lookup returns the id of path, if the table has it.
func (t *FieldTable) Lookup(path string) (FieldID, bool) {
	id, ok := t.ids[path]
	return id, ok
}

// Len is the number of fields.
func (t *FieldTable) Len() int { return len(t.names) }

// Name returns the path of id.
func (t *FieldTable) Name(id FieldID) string { return t.names[id] }

// IsDate reports whether values of id are read as dates.
func (t *FieldTable) IsDate(id FieldID) bool { return t.dates[id] }

func (t *FieldTable) markDate(id FieldID) { t.dates[id] = true }

// Doc is one event as programs see it: the values of each field of a
// FieldTable, arrays flattened, nulls left out. A Doc is reused from event
// to event; it is not safe for concurrent use, so each goroutine keeps its
// own.
type Doc struct {
	vals [][]Value
	// pick is scratch space for trying combinations of the values of
	// multi-valued fields.
	pick []int32
	// arena holds unescaped string values until the next Reset.
	arena []byte
}

// NewDoc returns an empty document for t.
func NewDoc(t *FieldTable) *Doc {
	return &Doc{vals: make([][]Value, t.Len())}
}

// Reset empties d for the next event, keeping its memory.
func (d *Doc) Reset() {
	for i := range d.vals {
		d.vals[i] = d.vals[i][:0]
	}
	d.arena = d.arena[:0]
}

// keep copies b into the arena and returns the copy. When the arena is
// full a new one is started, so earlier copies stay valid until Reset.
func (d *Doc) keep(b []byte) []byte {
	if len(d.arena)+len(b) > cap(d.arena) {
		d.arena = make([]byte, 0, max(2*cap(d.arena), len(b), 1024))
	}
	start := len(d.arena)
	d.arena = append(d.arena, b...)
	return d.arena[start:len(d.arena):len(d.arena)]
}

// cloneValues copies values so that they outlive the document and the
// input line their strings may point into.
func cloneValues(vals []Value) []Value {
	out := make([]Value, len(vals))
	for i, v := range vals {
		v.S = strings.Clone(v.S)
		out[i] = v
	}
	return out
}

// Add appends a value of field f.
func (d *Doc) Add(f FieldID, v Value) {
	if int(f) >= len(d.vals) {
		d.grow(int(f) + 1)
	}
	d.vals[f] = append(d.vals[f], v)
}

func (d *Doc) grow(n int) {
	vals := make([][]Value, n)
	copy(vals, d.vals)
	d.vals = vals
}

// Values returns the values of field f.
func (d *Doc) Values(f FieldID) []Value {
	if int(f) >= len(d.vals) {
		return nil
	}
	return d.vals[f]
}

// first returns the only value of f, Null when it has none; many is true
// when it has several.
func (d *Doc) first(f FieldID) (v Value, many bool) {
	vs := d.Values(f)
	switch len(vs) {
	case 0:
		return Null, false
	case 1:
		return vs[0], false
	}
	return vs[0], true
}
