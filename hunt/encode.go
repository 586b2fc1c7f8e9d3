package hunt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/query"
)

// signalEncoder writes signal documents byte for byte as encoding/json
// writes {"_index","_id","_source"} (keys sorted, HTML left unescaped, as
// alerting/signalfile stores them), only faster: most of a signal is its
// rule's snapshot (kibana.alert.rule.*, the investigation guide twice
// over: 28 of the built-in rule's 30 KB), the same objects in every signal
// of the rule. A value that is the very object a probe signal of the rule
// held is written from the probe's encoding. Each worker has its own
// encoder; it is not safe for concurrent use.
type signalEncoder struct {
	scratch bytes.Buffer
	enc     *json.Encoder // Into scratch.
	keys    []string
	names   map[string][]byte // Encoded keys.
	probes  map[*alerting.Builder]map[string]encodedValue
}

// encodedValue is a top-level value of a probe signal and its encoding,
// key included: "key":value.
type encodedValue struct {
	v    any
	json []byte
}

func newSignalEncoder() *signalEncoder {
	e := &signalEncoder{names: map[string][]byte{}, probes: map[*alerting.Builder]map[string]encodedValue{}}
	e.enc = json.NewEncoder(&e.scratch)
	e.enc.SetEscapeHTML(false)
	return e
}

// encode returns the JSON of v (valid until the next call).
func (e *signalEncoder) encode(v any) ([]byte, error) {
	e.scratch.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(e.scratch.Bytes(), []byte("\n")), nil
}

func (e *signalEncoder) name(k string) ([]byte, error) {
	if b, ok := e.names[k]; ok {
		return b, nil
	}
	b, err := e.encode(k)
	if err != nil {
		return nil, err
	}
	b = slices.Clone(b)
	if len(e.names) < 4096 { // Event keys are few; do not let odd data grow it.
		e.names[k] = b
	}
	return b, nil
}

// probe returns the encoded top-level values of a signal of b on an empty
// event: the rule's snapshot and the constants of every signal.
func (e *signalEncoder) probe(b *alerting.Builder) (map[string]encodedValue, error) {
	if p, ok := e.probes[b]; ok {
		return p, nil
	}
	sig, err := b.Event(query.Event{Source: json.RawMessage(`{}`)})
	if err != nil {
		return nil, err
	}
	p := make(map[string]encodedValue, len(sig.Source))
	for k, v := range sig.Source {
		name, err := e.name(k)
		if err != nil {
			return nil, err
		}
		val, err := e.encode(v)
		if err != nil {
			return nil, err
		}
		p[k] = encodedValue{v: v, json: slices.Concat(name, []byte{':'}, val)}
	}
	e.probes[b] = p
	return p, nil
}

// write appends the documents of signals b built, one per line. A top-level
// "_id" the event carried became the event's id; in the signal's source it
// is left out, as Elasticsearch refuses a source holding that metadata
// field.
func (e *signalEncoder) write(out *bytes.Buffer, index string, b *alerting.Builder, sigs ...alerting.Signal) error {
	p, err := e.probe(b)
	if err != nil {
		return err
	}
	for _, s := range sigs {
		delete(s.Source, "_id")
		if err := e.document(out, index, p, s); err != nil {
			return fmt.Errorf("encode signal %s: %w", s.ID, err)
		}
	}
	return nil
}

func (e *signalEncoder) document(out *bytes.Buffer, index string, p map[string]encodedValue, s alerting.Signal) error {
	start := out.Len()
	fail := func(err error) error {
		out.Truncate(start)
		return err
	}
	out.WriteString(`{"_index":`)
	v, err := e.encode(index)
	if err != nil {
		return fail(err)
	}
	out.Write(v)
	out.WriteString(`,"_id":`)
	if v, err = e.encode(s.ID); err != nil {
		return fail(err)
	}
	out.Write(v)
	out.WriteString(`,"_source":{`)
	e.keys = e.keys[:0]
	for k := range s.Source {
		e.keys = append(e.keys, k)
	}
	slices.Sort(e.keys)
	for i, k := range e.keys {
		if i > 0 {
			out.WriteByte(',')
		}
		val := s.Source[k]
		if pv, ok := p[k]; ok && sameValue(pv.v, val) {
			out.Write(pv.json)
			continue
		}
		name, err := e.name(k)
		if err != nil {
			return fail(err)
		}
		out.Write(name)
		out.WriteByte(':')
		if v, err = e.encode(val); err != nil {
			return fail(err)
		}
		out.Write(v)
	}
	out.WriteString("}}\n")
	return nil
}

// sameValue reports whether b is known to encode as a does: it is an equal
// scalar, or the very same map, slice or pointer (which nobody changes: a
// Builder is shared by goroutines).
func sameValue(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if !ra.IsValid() || !rb.IsValid() {
		return !ra.IsValid() && !rb.IsValid()
	}
	if ra.Type() != rb.Type() {
		return false
	}
	switch ra.Kind() {
	case reflect.Map, reflect.Pointer:
		return ra.UnsafePointer() == rb.UnsafePointer()
	case reflect.Slice:
		return ra.UnsafePointer() == rb.UnsafePointer() && ra.Len() == rb.Len()
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return a == b
	}
	return false
}
