// Package estest is an in-process, Elasticsearch-8-compatible HTTP server for
// tests. It exists because no Elasticsearch can run where the test suite runs,
// yet the code that talks to Elasticsearch (EQL search, signal writes, run
// bookkeeping) has to be exercised through its real HTTP client, including the
// client's product check, retries and error decoding.
//
// The package owns:
//   - an in-memory store of indices, documents and index templates, filled
//     through the test API (AddEvents, AddDoc, CreateIndex) or over HTTP;
//   - the handful of endpoints the project's client uses (cluster info, index
//     create/exists, index templates, _eql/search, _search, _bulk, single
//     document writes), answering with the bodies, statuses and error shapes
//     of Elasticsearch 8, with the X-Elastic-Product header the client checks;
//   - a subset of the query DSL (bool, range, exists, ids, term, terms,
//     match_phrase, match_all) evaluated against the stored _source;
//   - fault injection (queued error statuses, failing bulk items, shard
//     failures on EQL responses, stopping and restarting the listener);
//   - a record of every request received, headers included, for assertions.
//
// It does not parse EQL: which events an EQL query matches is decided by the
// test through WithEQL and WithSequences (by default every event matches). It
// keeps no mappings, so field types are inferred from the values in _source
// (a string that parses as an ISO-8601 date is a date). Anything outside the
// supported surface is answered with HTTP 400 and an error of type
// "estest_unsupported" naming what was not understood, so that a client
// relying on a missing feature fails loudly rather than passing by accident.
//
// A test starts a server, fills it and points the code under test at URL:
//
//	s := estest.New(t, estest.WithEQL(func(q string, src map[string]any) (bool, error) {
//		return src["process"] != nil, nil
//	}))
//	s.AddEvents("winlogbeat-1", map[string]any{"@timestamp": "2026-12-04T10:00:00Z", "process": map[string]any{"name": "cmd.exe"}})
//	s.FailNext(estest.MatchPath("/_bulk"), 429) // the first bulk is rejected
//	... run the code under test against s.URL() ...
//	docs := s.Docs("eqlrunner-signals-default")
//
// Only tests import this package.
package estest
