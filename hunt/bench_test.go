package hunt

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/eqlrunner/eqlrunner/alerting"
	"github.com/eqlrunner/eqlrunner/eventgen"
	"github.com/eqlrunner/eqlrunner/internal/seedrule"
	"github.com/eqlrunner/eqlrunner/internal/sharedcorpus"
	"github.com/eqlrunner/eqlrunner/rules"
)

// benchEvents generates n events of eventgen's default mix (Defend,
// Sysmon, Endgame; about 0.5% true positives of the built-in rule) as one
// NDJSON stream.
func benchEvents(b *testing.B, n int, kinds ...eventgen.Kind) []byte {
	b.Helper()
	g, err := eventgen.New(eventgen.Options{Seed: 1, Start: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for written := 0; written < n; {
		ev := g.Next()
		if len(kinds) > 0 && ev.Kind != kinds[0] {
			continue
		}
		buf.Write(ev.Line)
		buf.WriteByte('\n')
		written++
	}
	return buf.Bytes()
}

// corpus is Elastic's detection-rules, loaded once for all benchmarks.
var corpus []*rules.Rule

func corpusRules(b *testing.B) []*rules.Rule {
	if corpus == nil {
		dir := sharedcorpus.Path(b, "corpus", "detection-rules")
		res := rules.Load(context.Background(), rules.LoadOptions{}, dir)
		if len(res.Rules) != 1081 {
			b.Fatalf("%d detection-rules EQL rules, want 1081", len(res.Rules))
		}
		corpus = res.Rules
	}
	return corpus
}

// BenchmarkHunt runs whole hunts (reader, workers, merger, signals) over
// generated events, with the built-in rule and with all 1,081 EQL rules of
// Elastic's detection-rules. bench/hunt.sh measures the same on a million
// events against jq.
func BenchmarkHunt(b *testing.B) {
	for _, bc := range []struct {
		name   string
		events int
		rules  func(*testing.B) []*rules.Rule
	}{
		{"seed-rule", 20000, func(b *testing.B) []*rules.Rule { return []*rules.Rule{seedrule.Rule(b)} }},
		{"detection-rules", 5000, corpusRules},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := benchEvents(b, bc.events)
			rs := bc.rules(b)
			var st Stats
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for b.Loop() {
				var err error
				st, err = Run(context.Background(), Options{Rules: rs, Output: io.Discard, Now: time.Now(),
					Inputs: []Input{NewInput("bench.ndjson", "logs-bench", bytes.NewReader(data))}})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms1)
			events := float64(st.Events) * float64(b.N)
			b.ReportMetric(events/b.Elapsed().Seconds(), "events/s")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/events, "allocs/event")
			b.ReportMetric(float64(st.Signals), "signals")
		})
	}
}

// BenchmarkWorker decodes and matches a batch of events no rule matches,
// on one worker: the hot path, which must not allocate (allocs/event 0).
func BenchmarkWorker(b *testing.B) {
	data := benchEvents(b, 2000, eventgen.Benign)
	for _, bc := range []struct {
		name  string
		rules func(*testing.B) []*rules.Rule
	}{
		{"seed-rule", func(b *testing.B) []*rules.Rule { return []*rules.Rule{seedrule.Rule(b)} }},
		{"detection-rules-event-queries", func(b *testing.B) []*rules.Rule {
			var events []*rules.Rule
			for _, r := range corpusRules(b) {
				if !bytes.HasPrefix(bytes.TrimSpace([]byte(r.Query)), []byte("sequence")) &&
					!bytes.HasPrefix(bytes.TrimSpace([]byte(r.Query)), []byte("sample")) {
					events = append(events, r)
				}
			}
			return events
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			rs := bc.rules(b)
			set, err := compileRules(rs, alerting.Run{Now: time.Now()})
			if err != nil {
				b.Fatal(err)
			}
			h := newHunter(Options{Rules: rs, Inputs: []Input{NewInput("bench", "logs-bench", nil)}}, set)
			w, err := newWorker(h)
			if err != nil {
				b.Fatal(err)
			}
			bt := newBatch(0, len(set.rules))
			bt.data, bt.line = data, 1
			w.process(bt) // Warm the decoder's and document's buffers.
			if bt.signals > 0 && bc.name == "seed-rule" {
				b.Fatalf("%d signals from benign events", bt.signals)
			}
			events := bt.events
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				bt.reset(len(data))
				bt.data, bt.line = data, 1
				w.process(bt)
			}
			b.StopTimer()
			b.ReportMetric(float64(events*int64(b.N))/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkGunzip decompresses generated events as a gzipped input is
// read, with compress/gzip and with klauspost/compress/gzip, which hunt
// uses: one input is decompressed on one core, ahead of the workers.
func BenchmarkGunzip(b *testing.B) {
	data := benchEvents(b, 20000)
	var gz bytes.Buffer
	zw := stdgzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	for _, bc := range []struct {
		name string
		open func(io.Reader) (io.Reader, error)
	}{
		{"compress-gzip", func(r io.Reader) (io.Reader, error) { return stdgzip.NewReader(r) }},
		{"klauspost", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			buf := make([]byte, DefaultBatchSize)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				r, err := bc.open(bytes.NewReader(gz.Bytes()))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.CopyBuffer(io.Discard, r, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
