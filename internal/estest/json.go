package estest

import (
	"bytes"
	"encoding/json"
	"io"
)

// object is a JSON object that keeps its keys in the order written, so that
// responses read like Elasticsearch's (type before reason, took before hits)
// when a failing test prints them.
type object []member

type member struct {
	key   string
	value any
}

func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(m.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal encodes v without escaping <, > and &, as Elasticsearch does not:
// a query string such as "a < b" must come back byte for byte.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// decodeObject decodes a JSON object the way stored sources are held
// (numbers as float64), rejecting anything that is not a single object.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errNotObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errTrailing
	}
	return m, nil
}

type jsonError string

func (e jsonError) Error() string { return string(e) }

const (
	errNotObject jsonError = "expected a JSON object"
	errTrailing  jsonError = "unexpected data after the JSON object"
)
