package eventgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestStream(t *testing.T) {
	var out bytes.Buffer
	opts := Options{Seed: 9, Start: start}
	st, err := Stream(t.Context(), &out, opts, 1000)
	if err != nil {
		t.Fatal(err)
	}
	g := newGenerator(t, opts)
	var want bytes.Buffer
	var kinds [3]int64
	for range 1000 {
		ev := g.Next()
		want.Write(ev.Line)
		want.WriteByte('\n')
		kinds[ev.Kind]++
	}
	if diff := cmp.Diff(want.String(), out.String()); diff != "" {
		t.Errorf("Stream wrote other events than Next (-next +stream):\n%s", diff)
	}
	wantStats := Stats{Events: 1000, Bytes: int64(want.Len()), Benign: kinds[Benign], TruePositives: kinds[TruePositive], NearMisses: kinds[NearMiss]}
	if diff := cmp.Diff(wantStats, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
}

// TestSpoolFilesAndAppend checks that Spool writes each event to
// <index>.ndjson, and that a second run appends.
func TestSpoolFilesAndAppend(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "events")
	first, err := Spool(t.Context(), dir, Options{Seed: 1, Start: start}, 3000)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := readSpool(t, dir)
	second, err := Spool(t.Context(), dir, Options{Seed: 2, Start: start.Add(time.Hour)}, 2000)
	if err != nil {
		t.Fatal(err)
	}
	after := readSpool(t, dir)

	var names []string
	for _, f := range second.Files {
		names = append(names, filepath.Base(f.Path))
	}
	want := []string{
		"endgame-3.61.0-000017.ndjson",
		"logs-endpoint.events.file-default.ndjson",
		"logs-endpoint.events.network-default.ndjson",
		"logs-endpoint.events.process-default.ndjson",
		"logs-windows.sysmon_operational-default.ndjson",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	var total int64
	for _, f := range second.Files {
		name := filepath.Base(f.Path)
		if !strings.HasPrefix(after[name], snapshot[name]) {
			t.Errorf("%s: the second run did not append to the first", name)
		}
		lines := strings.Split(strings.TrimSuffix(after[name][len(snapshot[name]):], "\n"), "\n")
		if int64(len(lines)) != f.Events {
			t.Errorf("%s: %d lines appended, stats say %d", name, len(lines), f.Events)
		}
		index := strings.TrimSuffix(name, ".ndjson")
		for _, l := range lines {
			var doc map[string]any
			if err := json.Unmarshal([]byte(l), &doc); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if ds := field(doc, "data_stream.dataset"); ds != "" && !strings.Contains(index, "-"+ds+"-") {
				t.Errorf("%s holds an event of data stream %s", name, ds)
			}
		}
		total += f.Events
	}
	if total != 2000 || first.Events != 3000 {
		t.Errorf("files hold %d events of the second run's 2000; the first run wrote %d of 3000", total, first.Events)
	}
}

func readSpool(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Errorf("%s does not end at a line's end", e.Name())
		}
		files[e.Name()] = string(b)
	}
	return files
}

// TestSpoolRealTime runs count 0 on the fake clock: events come at the rate,
// stamped with the clock, none ingested after the moment it is written, and
// Spool returns cleanly when the context ends.
func TestSpoolRealTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		began := time.Now()
		done := make(chan error)
		var st Stats
		go func() {
			var err error
			st, err = Spool(ctx, dir, Options{Seed: 1, Rate: 50}, 0)
			done <- err
		}()
		time.Sleep(10*time.Second + realTimeTick/2)
		synctest.Wait()
		// What is on disk now was written by now: no event in it may be
		// ingested later, or stamped before the run began.
		now := time.Now()
		for name, content := range readSpool(t, dir) {
			for l := range strings.SplitSeq(strings.TrimSuffix(content, "\n"), "\n") {
				var doc map[string]any
				if err := json.Unmarshal([]byte(l), &doc); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				ev := Event{Line: []byte(l)}
				at := timestamp(t, ev)
				if at.Before(began.Add(-maxIngestDelay - time.Millisecond)) {
					t.Errorf("%s: @timestamp %v, before the run began at %v", name, at, began)
				}
				if s := field(doc, "event.ingested"); s != "" {
					ingested, err := time.Parse(time.RFC3339, s)
					if err != nil {
						t.Fatal(err)
					}
					if ingested.After(now) {
						t.Errorf("%s: event.ingested %v is after the clock, %v", name, ingested, now)
					}
				}
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Spool: %v, want nil when the context ends", err)
		}
		// 50 a second for 10 s, from the run's start less maxIngestDelay to
		// the clock less maxIngestDelay: 501 events, the first at the start.
		if st.Events != 501 {
			t.Errorf("%d events in 10 s at 50/s, want 501", st.Events)
		}
	})
}

func TestSpoolErrors(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		dir   string
		opts  Options
		count int
		want  string
	}{
		{"real time without a rate", t.TempDir(), Options{}, 0, "real time (count 0) needs a rate"},
		{"negative count", t.TempDir(), Options{}, -1, "count -1 is negative"},
		{"bad options", t.TempDir(), Options{TruePositiveShare: 2}, 10, "true positive share 2 is more than 1"},
		{"dir is a file", blocker, Options{}, 10, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Spool(t.Context(), tt.dir, tt.opts, tt.count)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Spool: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestStreamStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	st, err := Stream(ctx, &out, Options{Seed: 1, Start: start}, 1000000)
	if !errors.Is(err, context.Canceled) || st.Events != 0 {
		t.Errorf("Stream on a cancelled context: %d events, %v; want none and context.Canceled", st.Events, err)
	}
}

// TestSpoolRealTimeRollsFilesOverHourly checks that a long real-time spool
// leaves one file per index and hour, each named so that the index's
// patterns still select it.
func TestSpoolRealTimeRollsFilesOverHourly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dir := t.TempDir()
		ctx, cancel := context.WithCancel(t.Context())
		// Start a minute before an hour turns.
		time.Sleep(time.Until(time.Now().Truncate(time.Hour).Add(time.Hour - time.Minute)))
		done := make(chan error)
		go func() {
			_, err := Spool(ctx, dir, Options{Seed: 1, Rate: 5, Sources: []Source{Endgame}}, 0)
			done <- err
		}()
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		var names []string
		for name := range readSpool(t, dir) {
			names = append(names, name)
		}
		slices.Sort(names)
		if len(names) != 2 || !strings.HasPrefix(names[0], "endgame-3.61.0-000017-") || names[0] == names[1] {
			t.Errorf("files %v, want one per hour named after the index", names)
		}
	})
}
