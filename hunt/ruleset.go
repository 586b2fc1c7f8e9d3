package hunt

import (
	"fmt"
	"math"
	"slices"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/query"
	"github.com/eqlrunner/eqlrunner/query/eql"
	"github.com/eqlrunner/eqlrunner/rules"
)

// ruleSet is the rules of a hunt compiled against one field table, so
// that each event is decoded once for all of them.
type ruleSet struct {
	rules []compiled
	table *eql.FieldTable
	// times are the distinct timestamp fields of the rules: --from/--to
	// are checked once per field and event, not once per rule.
	times []eql.FieldID
	// orders are the ways stateful rules order events (see orderGroup).
	orders []orderGroup
}

// orderGroup is stateful rules that order events alike: the same
// timestamp and tiebreaker fields, read by the same kind of query. An
// event relevant to several of them gets one order key and is decoded
// once at the end for all of them.
type orderGroup struct {
	ts, tb string
	kind   eql.QueryKind
}

type compiled struct {
	rule    *rules.Rule
	prog    *eql.Program
	builder *alerting.Builder
	// stateful rules (sequences, samples, event queries with head or tail)
	// see the whole stream: their relevant events are kept and run at the
	// end. The others are matched event by event.
	stateful bool
	time     int // Index into ruleSet.times.
	order    int // Index into ruleSet.orders, for stateful rules.
}

// allEvents is the run size of stateful rules: a hunt signals every
// match, not the max_signals a scheduled run writes at a time.
const allEvents = math.MaxInt32

func compileRules(rs []*rules.Rule, run alerting.Run) (*ruleSet, error) {
	set := &ruleSet{table: eql.NewFieldTable()}
	timeIndex := map[eql.FieldID]int{}
	for _, r := range rs {
		prog, err := eql.Compile(r.Query, eql.Options{
			TimestampField:  r.TimestampField,
			TiebreakerField: r.TiebreakerField,
			CategoryField:   r.EventCategoryOverride,
			Fields:          set.table,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: rule %q: query: %w", r.Position("query"), r.Name, err)
		}
		tsName := r.TimestampField
		if tsName == "" {
			tsName = "@timestamp"
		}
		ts, _ := set.table.Lookup(tsName) // Compile registered it.
		i, ok := timeIndex[ts]
		if !ok {
			i = len(set.times)
			timeIndex[ts] = i
			set.times = append(set.times, ts)
		}
		c := compiled{
			rule:     r,
			prog:     prog,
			builder:  alerting.NewBuilder(r, run),
			stateful: prog.Kind != eql.EventKind || len(prog.Query.Pipes) > 0,
			time:     i,
		}
		if c.stateful {
			g := orderGroup{ts: tsName, tb: r.TiebreakerField, kind: prog.Kind}
			if c.order = slices.Index(set.orders, g); c.order < 0 {
				c.order = len(set.orders)
				set.orders = append(set.orders, g)
			}
		}
		set.rules = append(set.rules, c)
	}
	return set, nil
}

// selection is which rules see one input's events, indexed by event
// category: most rules are "<category> where …" (or sequences of such
// stages), which an event of another category cannot match, so an event
// is tried against the rules of its categories only. With a thousand rules
// that is a few hundred tries an event instead of a thousand.
type selection struct {
	events   categoryIndex // Rules matched event by event.
	stateful categoryIndex // Rules whose relevant events are kept.
}

type categoryIndex struct {
	always []int // Rules with an "any" query or stage.
	fields []categoryField
}

// categoryField holds the rules reading one category field (event.category
// unless a rule overrides it), by the category they need.
type categoryField struct {
	id    eql.FieldID
	rules map[string][]int
}

// add files rule i under the categories its query needs: an event must
// hold one of them (case-sensitively, as Elasticsearch compares the
// category) in the field id. ok false files it under always.
func (x *categoryIndex) add(i int, id eql.FieldID, cats []string, ok bool) {
	if !ok {
		x.always = append(x.always, i)
		return
	}
	k := slices.IndexFunc(x.fields, func(f categoryField) bool { return f.id == id })
	if k < 0 {
		k = len(x.fields)
		x.fields = append(x.fields, categoryField{id: id, rules: map[string][]int{}})
	}
	for _, c := range cats {
		if rs := x.fields[k].rules[c]; !slices.Contains(rs, i) {
			x.fields[k].rules[c] = append(rs, i)
		}
	}
}

// categories are the event categories a rule's query needs, one of which
// an event must hold for the query to match it or for it to matter to a
// sequence or sample; ok is false when any event may (an "any where" query
// or stage).
func (s *ruleSet) categories(c *compiled) (id eql.FieldID, cats []string, ok bool) {
	var queries []*eql.EventQuery
	switch b := c.prog.Query.Body.(type) {
	case *eql.EventQuery:
		queries = append(queries, b)
	case *eql.SequenceQuery:
		for _, t := range b.Terms {
			queries = append(queries, t.Query)
		}
		if b.Until != nil {
			queries = append(queries, b.Until.Query)
		}
	case *eql.SampleQuery:
		for _, t := range b.Terms {
			queries = append(queries, t.Query)
		}
	}
	for _, q := range queries {
		if q.Any {
			return 0, nil, false
		}
		cats = append(cats, q.Category)
	}
	field := c.rule.EventCategoryOverride
	if field == "" {
		field = "event.category"
	}
	id, ok = s.table.Lookup(field)
	return id, cats, ok && len(cats) > 0
}

// selectRules picks the rules of an input: all of them, or with
// respectIndex those whose index patterns select its index, as the local
// back end of run picks spool files.
func (s *ruleSet) selectRules(index string, respectIndex bool) *selection {
	sel := &selection{}
	for i := range s.rules {
		c := &s.rules[i]
		if respectIndex && !query.SelectsIndex(c.rule.Index, index) {
			continue
		}
		id, cats, ok := s.categories(c)
		if c.stateful {
			sel.stateful.add(i, id, cats, ok)
		} else {
			sel.events.add(i, id, cats, ok)
		}
	}
	return sel
}
