package eql

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/eqlrunner/eqlrunner/query"
)

// Result is what a run found: events for an event query, sequences for a
// sequence or sample query.
type Result struct {
	Events     []Hit
	Sequences  []SequenceHit
	IsSequence bool
}

// Hit is one returned event. Missing marks the placeholder of a missing
// event in a sequence.
type Hit struct {
	Index   string
	ID      string
	Source  json.RawMessage
	Missing bool
}

// SequenceHit is one sequence or sample: its join key values and events.
type SequenceHit struct {
	JoinKeys []Value
	Events   []Hit
}

// missingSource is the _source Elasticsearch gives the placeholder of a
// missing event (EqlSearchResponse.Event.MISSING_EVENT).
var missingSource = json.RawMessage(`{}`)

// QueryEvent converts h to the shared result type.
func (h Hit) QueryEvent() query.Event {
	if h.Missing {
		return query.Event{Source: missingSource, Missing: true}
	}
	return query.Event{Index: h.Index, ID: h.ID, Source: h.Source}
}

// QueryEvents converts the events of an event query.
func (r *Result) QueryEvents() []query.Event {
	out := make([]query.Event, len(r.Events))
	for i, h := range r.Events {
		out[i] = h.QueryEvent()
	}
	return out
}

// QuerySequences converts the sequences or samples.
func (r *Result) QuerySequences() []query.Sequence {
	out := make([]query.Sequence, len(r.Sequences))
	for i, s := range r.Sequences {
		q := query.Sequence{Events: make([]query.Event, len(s.Events))}
		for j, h := range s.Events {
			q.Events[j] = h.QueryEvent()
		}
		for _, k := range s.JoinKeys {
			q.JoinKeys = append(q.JoinKeys, json.RawMessage(k.JSON()))
		}
		out[i] = q
	}
	return out
}

// Body renders the result as the body of Elasticsearch's _eql/search
// response, took being the time taken in milliseconds.
func (r *Result) Body(took int64) []byte {
	var b bytes.Buffer
	b.WriteString(`{"is_partial":false,"is_running":false,"took":`)
	b.WriteString(strconv.FormatInt(took, 10))
	b.WriteString(`,"timed_out":false,"hits":{"total":{"value":`)
	n := len(r.Events)
	if r.IsSequence {
		n = len(r.Sequences)
	}
	b.WriteString(strconv.Itoa(n))
	b.WriteString(`,"relation":"eq"},`)
	if r.IsSequence {
		b.WriteString(`"sequences":[`)
		for i, s := range r.Sequences {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('{')
			if len(s.JoinKeys) > 0 {
				b.WriteString(`"join_keys":[`)
				for j, k := range s.JoinKeys {
					if j > 0 {
						b.WriteByte(',')
					}
					b.Write(k.JSON())
				}
				b.WriteString(`],`)
			}
			b.WriteString(`"events":`)
			writeHits(&b, s.Events)
			b.WriteByte('}')
		}
		b.WriteString(`]}}`)
		return b.Bytes()
	}
	b.WriteString(`"events":`)
	writeHits(&b, r.Events)
	b.WriteString(`}}`)
	return b.Bytes()
}

func writeHits(b *bytes.Buffer, hits []Hit) {
	b.WriteByte('[')
	for i, h := range hits {
		if i > 0 {
			b.WriteByte(',')
		}
		e := h.QueryEvent()
		b.WriteString(`{"_index":`)
		b.Write(appendJSONString(nil, e.Index))
		b.WriteString(`,"_id":`)
		b.Write(appendJSONString(nil, e.ID))
		b.WriteString(`,"_source":`)
		src := bytes.TrimSpace(e.Source)
		if len(src) == 0 {
			src = missingSource
		}
		b.Write(src)
		if e.Missing {
			b.WriteString(`,"missing":true`)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
}
