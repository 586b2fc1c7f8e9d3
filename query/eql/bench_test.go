package eql

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/eqlrunner/eqlrunner/rules"
)

// seedRuleQuery is the query of the built-in rule, the benchmark's
// workload.
func seedRuleQuery(tb testing.TB) string {
	tb.Helper()
	res := rules.Builtin(rules.LoadOptions{})
	if err := res.Err(); err != nil || len(res.Rules) == 0 {
		tb.Fatalf("built-in rules: %v", err)
	}
	return res.Rules[0].Query
}

// ecsFileEvents makes n ECS file events as Elastic Defend writes them,
// about 1 KB each, a few of which the seed rule matches.
func ecsFileEvents(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	procs := []string{"explorer.exe", "svchost.exe", "chrome.exe", "lsass.exe", "smss.exe", "services.exe", "winword.exe", "MsMpEng.exe"}
	exts := []string{"exe", "dll", "txt", "log", "tmp", "pf", "DLL"}
	types := []string{"creation", "change", "deletion"}
	base := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	out := make([][]byte, n)
	for i := range out {
		proc := procs[rng.IntN(len(procs))]
		ext := exts[rng.IntN(len(exts))]
		name := fmt.Sprintf("file%04d.%s", rng.IntN(10000), ext)
		path := `C:\\Users\\user\\AppData\\Local\\Temp\\` + name
		if rng.IntN(4) == 0 {
			path = `C:\\Windows\\System32\\` + name
		}
		out[i] = fmt.Appendf(nil, `{"@timestamp":"%s","agent":{"id":"8a4f3b2c-1d5e-4f6a-9b7c-2e8d1f0a3c5b","type":"endpoint","version":"8.13.0"},"ecs":{"version":"8.10.0"},"event":{"action":"creation","category":["file"],"dataset":"endpoint.events.file","id":"NqG%08d","kind":"event","module":"endpoint","outcome":"success","type":["%s"],"ingested":"2024-05-01T12:00:05Z"},"file":{"extension":"%s","name":"%s","path":"%s","size":%d,"Ext":{"header_bytes":"4d5a90000300000004000000ffff0000","original":{"path":"C:\\Temp\\x"}}},"host":{"hostname":"WIN-%04d","id":"d1c3b2a4-%04d","name":"WIN-%04d","os":{"family":"windows","name":"Windows","platform":"windows","type":"windows","version":"10.0"}},"process":{"entity_id":"ZDFjM2IyYTQtMDAwMC0wMDAw-%d","executable":"C:\\Windows\\System32\\%s","name":"%s","pid":%d,"code_signature":{"subject_name":"Microsoft Windows","trusted":true}},"user":{"domain":"WORKGROUP","id":"S-1-5-18","name":"SYSTEM"}}`,
			base.Add(time.Duration(i)*100*time.Millisecond).Format("2006-01-02T15:04:05.000Z"), i, types[rng.IntN(len(types))], ext, name, path, rng.IntN(1<<20),
			i%500, i%500, i%500, i, proc, proc, 1000+rng.IntN(60000))
	}
	return out
}

func benchProgram(b *testing.B) (*Program, [][]byte) {
	prog, err := Compile(seedRuleQuery(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	return prog, ecsFileEvents(4096)
}

// BenchmarkSeedRuleDecoded evaluates the seed rule over decoded events:
// the evaluator alone.
func BenchmarkSeedRuleDecoded(b *testing.B) {
	prog, lines := benchProgram(b)
	dec, err := NewDecoder(prog.Fields(), nil)
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]*Doc, len(lines))
	matches := 0
	for i, line := range lines {
		docs[i] = NewDoc(prog.Fields())
		if err := dec.Decode(line, docs[i]); err != nil {
			b.Fatal(err)
		}
		if prog.Match(docs[i]) {
			matches++
		}
	}
	if matches == 0 || matches == len(docs) {
		b.Fatalf("%d of %d events match: the workload must mix matches and misses", matches, len(docs))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		prog.Match(docs[i%len(docs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSeedRuleRawLines decodes each NDJSON line (only the fields the
// rule reads) and evaluates the seed rule.
func BenchmarkSeedRuleRawLines(b *testing.B) {
	prog, lines := benchProgram(b)
	dec, err := NewDecoder(prog.Fields(), nil)
	if err != nil {
		b.Fatal(err)
	}
	doc := NewDoc(prog.Fields())
	var bytesIn int64
	for _, l := range lines {
		bytesIn += int64(len(l))
	}
	b.ReportAllocs()
	b.SetBytes(bytesIn / int64(len(lines)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := dec.Decode(lines[i%len(lines)], doc); err != nil {
			b.Fatal(err)
		}
		prog.Match(doc)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkSequenceRun feeds decoded events through a sequence query by
// host with maxspan.
func BenchmarkSequenceRun(b *testing.B) {
	prog, err := Compile(`sequence by host.id with maxspan=1m [file where file.extension : "exe"] [file where process.name : "lsass.exe"]`, Options{})
	if err != nil {
		b.Fatal(err)
	}
	lines := ecsFileEvents(4096)
	dec, _ := NewDecoder(prog.Fields(), nil)
	docs := make([]*Doc, len(lines))
	for i, line := range lines {
		docs[i] = NewDoc(prog.Fields())
		if err := dec.Decode(line, docs[i]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run := prog.NewRun(RunOptions{Size: 10})
		for i, d := range docs {
			if err := run.Feed(&Event{Index: "bench", ID: "x", Source: lines[i], Doc: d}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := run.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCompileLongQuery compiles a one-line query of 20,000 terms:
// every phase must stay linear in the size of the query.
func BenchmarkCompileLongQuery(b *testing.B) {
	var q strings.Builder
	q.WriteString("any where ")
	for i := range 20000 {
		fmt.Fprintf(&q, "a == %d or ", i)
	}
	q.WriteString("b + 1 + 2 == 3")
	query := q.String()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(query, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
