package eventgen

import (
	"github.com/eqlrunner/eqlrunner/query/eql"
	"github.com/eqlrunner/eqlrunner/rules"

	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var start = time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

func newGenerator(t testing.TB, opts Options) *Generator {
	t.Helper()
	g, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func decode(t testing.TB, ev Event) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(ev.Line, &doc); err != nil {
		t.Fatalf("%s: %v\n%s", ev.Index, err, ev.Line)
	}
	return doc
}

// TestKinds checks every event against the built-in rule, evaluated by
// eqlrunner's EQL engine: true positives match it, benign events and near
// misses do not; and, by the clause-by-clause mirror of the query, that
// near misses miss it in every way the rule can be missed.
func TestKinds(t *testing.T) {
	rule := rules.Builtin(rules.LoadOptions{}).Rules[0]
	prog, err := eql.Compile(rule.Query, eql.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		source Source
		misses []string // the clauses near misses must fail, each at least once
	}{
		{Defend, []string{"host.os.type", "event.type", "file.extension", "process.name", "smss.exe exclusion", "lsass.exe exclusion"}},
		{Sysmon, []string{"event.type", "file.extension", "process.name", "smss.exe exclusion", "lsass.exe exclusion"}},
		{Endgame, []string{"event.type", "file.extension", "process.name", "smss.exe exclusion", "lsass.exe exclusion"}},
	}
	for _, tt := range tests {
		t.Run(tt.source.String(), func(t *testing.T) {
			t.Parallel()
			g := newGenerator(t, Options{Seed: 7, Start: start, TruePositiveShare: 0.2, NearMissShare: 0.3, Sources: []Source{tt.source}})
			dec, err := eql.NewDecoder(prog.Fields(), nil)
			if err != nil {
				t.Fatal(err)
			}
			edoc := eql.NewDoc(prog.Fields())
			kinds := map[Kind]int{}
			missed := map[string]int{}
			var caseVariants, traps int
			const n = 10000
			for range n {
				ev := g.Next()
				doc := decode(t, ev)
				kinds[ev.Kind]++
				clause := missedClause(doc)
				edoc.Reset()
				if err := dec.Decode(ev.Line, edoc); err != nil {
					t.Fatalf("the engine cannot read %s: %v", ev.Line, err)
				}
				if got := prog.Match(edoc); got != (ev.Kind == TruePositive) || got != (clause == "") {
					t.Fatalf("%v, but the engine's match is %v (mirror's first clause missed: %q):\n%s", ev.Kind, got, clause, ev.Line)
				}
				switch ev.Kind {
				case NearMiss:
					missed[clause]++
					if !hasValue(doc, "event.category", "file") {
						t.Errorf("near miss is not a file event:\n%s", ev.Line)
					}
				case TruePositive:
					name := field(doc, "process.name")
					if name != strings.ToLower(name) && name != "LogonUI.exe" {
						caseVariants++
					}
					if like(field(doc, "file.name"), "wpbbin.exe", "eac_usermode_*.dll") {
						traps++
					}
				}
			}
			for _, c := range tt.misses {
				if missed[c] == 0 {
					t.Errorf("no near miss fails %q; near misses by clause: %v", c, missed)
				}
			}
			if caseVariants == 0 || traps == 0 {
				t.Errorf("true positives: %d with a critical name in another case, %d writing an excluded file name outside its exclusion; want some of each", caseVariants, traps)
			}
			// Each share within 1.5 points (over 3 standard deviations) of what was asked.
			for k, want := range map[Kind]float64{TruePositive: 0.2, NearMiss: 0.3, Benign: 0.5} {
				if got := float64(kinds[k]) / n; got < want-0.015 || got > want+0.015 {
					t.Errorf("%v share %.3f, want %.2f", k, got, want)
				}
			}
		})
	}
}

// TestDefaultMix checks the default shares and that each source writes to
// the indices its shipper does.
func TestDefaultMix(t *testing.T) {
	g := newGenerator(t, Options{Seed: 1, Start: start})
	const n = 100000
	kinds := map[Kind]int{}
	indices := map[string]int{}
	for range n {
		ev := g.Next()
		kinds[ev.Kind]++
		indices[ev.Index]++
	}
	if tp := float64(kinds[TruePositive]) / n; tp < 0.004 || tp > 0.006 {
		t.Errorf("true positive share %.4f, want about %v", tp, DefaultTruePositiveShare)
	}
	if nm := float64(kinds[NearMiss]) / n; nm < 0.008 || nm > 0.012 {
		t.Errorf("near miss share %.4f, want about %v", nm, DefaultNearMissShare)
	}
	got := slices.Sorted(maps.Keys(indices))
	want := []string{
		"endgame-3.61.0-000017",
		"logs-endpoint.events.file-default",
		"logs-endpoint.events.network-default",
		"logs-endpoint.events.process-default",
		"logs-windows.sysmon_operational-default",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("indices (-want +got):\n%s", diff)
	}
}

// TestDocuments decodes 10,000 events and checks what every shipper's
// documents share: the index matches the data stream, @timestamp is the
// event's time at the shipper's precision, and event.ingested follows it
// by less than maxIngestDelay (Endgame has none).
func TestDocuments(t *testing.T) {
	g := newGenerator(t, Options{Seed: 3, Start: start, Rate: 3, TruePositiveShare: 0.1, NearMissShare: 0.1})
	for range 10000 {
		ev := g.Next()
		doc := decode(t, ev)
		precision := time.Millisecond
		if strings.HasPrefix(ev.Index, "logs-endpoint.") {
			precision = 100 * time.Nanosecond
		}
		if at := timestamp(t, ev); !at.Equal(ev.Time.Truncate(precision)) {
			t.Errorf("@timestamp %v, want %v to %v:\n%s", at, ev.Time, precision, ev.Line)
		}
		if ev.Index == endgameIndex {
			if _, ok := lookup(doc, "event.ingested"); ok {
				t.Errorf("an Endgame event has event.ingested:\n%s", ev.Line)
			}
			continue
		}
		ingested, err := time.Parse(time.RFC3339, field(doc, "event.ingested"))
		if err != nil {
			t.Fatalf("event.ingested: %v\n%s", err, ev.Line)
		}
		if lag := ingested.Sub(ev.Time); lag < 0 || lag >= maxIngestDelay {
			t.Errorf("event.ingested %v after @timestamp, want within [0, %v):\n%s", lag, maxIngestDelay, ev.Line)
		}
		ds := field(doc, "data_stream.type") + "-" + field(doc, "data_stream.dataset") + "-" + field(doc, "data_stream.namespace")
		if ds != ev.Index || field(doc, "event.dataset") != field(doc, "data_stream.dataset") {
			t.Errorf("index %s, data stream %s, event.dataset %s:\n%s", ev.Index, ds, field(doc, "event.dataset"), ev.Line)
		}
	}
}

// TestTimeOrder checks that events come at Start + i/Rate, and that every
// index's written @timestamp strictly increases at the default rate (one
// event a millisecond, the coarsest precision written).
func TestTimeOrder(t *testing.T) {
	g := newGenerator(t, Options{Seed: 5, Start: start})
	last := map[string]time.Time{}
	for i := range 10000 {
		ev := g.Next()
		if want := start.Add(time.Duration(i) * time.Millisecond); !ev.Time.Equal(want) {
			t.Fatalf("event %d at %v, want %v", i, ev.Time, want)
		}
		at := timestamp(t, ev)
		if prev, ok := last[ev.Index]; ok && !at.After(prev) {
			t.Fatalf("%s: @timestamp %v after %v", ev.Index, at, prev)
		}
		last[ev.Index] = at
	}
}

// timestamp returns the written @timestamp: RFC 3339, or Endgame's epoch
// milliseconds.
func timestamp(t testing.TB, ev Event) time.Time {
	t.Helper()
	var doc struct {
		Timestamp json.RawMessage `json:"@timestamp"`
	}
	if err := json.Unmarshal(ev.Line, &doc); err != nil {
		t.Fatal(err)
	}
	var ms int64
	if json.Unmarshal(doc.Timestamp, &ms) == nil {
		return time.UnixMilli(ms).UTC()
	}
	var at time.Time
	if err := json.Unmarshal(doc.Timestamp, &at); err != nil {
		t.Fatalf("@timestamp %s: %v", doc.Timestamp, err)
	}
	return at
}

func TestDeterministic(t *testing.T) {
	lines := func(opts Options) []string {
		g := newGenerator(t, opts)
		out := make([]string, 10000)
		for i := range out {
			out[i] = string(g.Next().Line)
		}
		return out
	}
	opts := Options{Seed: 42, Start: start, Rate: 250}
	a, b := lines(opts), lines(opts)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("two generators with the same options differ (-first +second):\n%s", diff)
	}
	opts.Seed = 43
	c := lines(opts)
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("seeds 42 and 43 give %d identical events of %d", same, len(a))
	}
}

func TestNextAllocatesNothing(t *testing.T) {
	g := newGenerator(t, Options{Seed: 1, Start: start, TruePositiveShare: 0.2, NearMissShare: 0.2})
	for range 10000 { // Grow the scratch buffers to their working size.
		g.Next()
	}
	if n := testing.AllocsPerRun(10000, func() { g.Next() }); n != 0 {
		t.Errorf("Next allocates %v times an event, want 0", n)
	}
}

func TestOptionsErrors(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"negative rate", Options{Rate: -1}, "rate -1 is negative"},
		{"rate past a nanosecond", Options{Rate: 2e9}, "more than one event a nanosecond"},
		{"true positives over 1", Options{TruePositiveShare: 1.5}, "true positive share 1.5 is more than 1"},
		{"near misses over 1", Options{NearMissShare: 2}, "near miss share 2 is more than 1"},
		{"shares over 1 together", Options{TruePositiveShare: 0.6, NearMissShare: 0.5}, "add up to 1.1"},
		{"unknown source", Options{Sources: []Source{9}}, "unknown source Source(9)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// TestNegativeShareMeansNone checks the way to ask for no true positives or
// near misses, zero being the default.
func TestNegativeShareMeansNone(t *testing.T) {
	g := newGenerator(t, Options{Seed: 1, Start: start, TruePositiveShare: -1, NearMissShare: -1})
	for range 20000 {
		if ev := g.Next(); ev.Kind != Benign {
			t.Fatalf("%v with both shares negative:\n%s", ev.Kind, ev.Line)
		}
	}
}

func TestParseSources(t *testing.T) {
	got, err := ParseSources("defend, Endgame")
	if err != nil || !cmp.Equal(got, []Source{Defend, Endgame}) {
		t.Errorf("ParseSources = %v, %v", got, err)
	}
	if _, err := ParseSources("defend,osquery"); err == nil || !strings.Contains(err.Error(), `unknown source "osquery"`) {
		t.Errorf("ParseSources(osquery) = %v", err)
	}
}

func TestDefaultStart(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	got := DefaultStart(now, 6000, 100)
	if want := now.Add(-time.Minute - maxIngestDelay); !got.Equal(want) {
		t.Errorf("DefaultStart = %v, want %v", got, want)
	}
	if got, want := DefaultStart(now, 1000, 0), now.Add(-time.Second-maxIngestDelay); !got.Equal(want) {
		t.Errorf("DefaultStart at the default rate = %v, want %v", got, want)
	}
}

// BenchmarkGenerate reports events/s and bytes/event at the default mix.
func BenchmarkGenerate(b *testing.B) {
	g := newGenerator(b, Options{Seed: 1, Start: start})
	var n int64
	b.ReportAllocs()
	for b.Loop() {
		n += int64(len(g.Next().Line)) + 1
	}
	b.SetBytes(n / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(n)/float64(b.N), "B/event")
}
