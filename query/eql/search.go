package eql

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Input is one event to search: its JSON and where it comes from.
type Input struct {
	Index  string
	ID     string
	Source json.RawMessage
}

// InputError is an event a search skipped, and why.
type InputError struct {
	Index string
	ID    string
	Err   error
}

func (e InputError) Error() string { return fmt.Sprintf("%s/%s: %v", e.Index, e.ID, e.Err) }

// Search runs p over a batch of events the way Elasticsearch searches an
// index: it decodes them (with the schema of their index, if any), orders
// them by timestamp, tiebreaker and input order, and feeds them to a run.
// Events that cannot be decoded or ordered are skipped and listed.
func (p *Program) Search(inputs []Input, schemas map[string]*Schema, opts RunOptions) (*Result, []InputError, error) {
	decoders := map[string]*Decoder{}
	type item struct {
		in  *Input
		doc *Doc
		ord ordinal
	}
	var items []item
	var skipped []InputError
	for i := range inputs {
		in := &inputs[i]
		dec, ok := decoders[in.Index]
		if !ok {
			var err error
			dec, err = NewDecoder(p.fields, schemas[in.Index])
			if err != nil {
				return nil, nil, err
			}
			decoders[in.Index] = dec
		}
		doc := NewDoc(p.fields)
		if err := dec.Decode(in.Source, doc); err != nil {
			skipped = append(skipped, InputError{Index: in.Index, ID: in.ID, Err: err})
			continue
		}
		o, err := p.ordinal(doc, int64(i))
		if err != nil {
			skipped = append(skipped, InputError{Index: in.Index, ID: in.ID, Err: err})
			continue
		}
		items = append(items, item{in: in, doc: doc, ord: o})
	}
	if p.Kind != SampleKind {
		sort.SliceStable(items, func(i, j int) bool { return items[i].ord.compare(items[j].ord) < 0 })
	}
	run := p.NewRun(opts)
	for _, it := range items {
		if run.Done() {
			break
		}
		err := run.Feed(&Event{Index: it.in.Index, ID: it.in.ID, Source: it.in.Source, Doc: it.doc})
		if err != nil {
			if IsInternal(err) || run.err != nil {
				return nil, skipped, err
			}
			skipped = append(skipped, InputError{Index: it.in.Index, ID: it.in.ID, Err: err})
		}
	}
	res, err := run.Finish()
	return res, skipped, err
}
