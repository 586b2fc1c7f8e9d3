// Package hunt owns offline hunting: it runs detection rules over NDJSON
// event files (plain or gzipped, directory trees, stdin) and writes the
// signal documents the Elasticsearch path would write, as fast as the
// machine allows.
//
// One reader cuts the inputs into large batches of whole lines (read.go);
// a pool of workers, one per core, decodes each line into a reused
// eql.Doc, reading only the fields the rules read (one eql.FieldTable
// shared by every rule), and tries the event against the rules of its
// event category (ruleset.go, worker.go); a merger writes the batches'
// signals back in input order, so that the output is deterministic and
// streams (hunt.go). A fixed pool of batches bounds memory whatever the
// input size. Sequence and sample rules keep only their relevant events
// and run at the end, across all inputs in timestamp order (stateful.go).
// Signals are built by alerting.Builder and encoded as the signals file
// stores them (encode.go).
package hunt
