// Package eventgen generates realistic ECS endpoint events as NDJSON, for
// the quick start's demo spool, tests and benchmarks.
//
// It owns three things:
//
//   - the documents three shippers write, field for field: Elastic Defend
//     (logs-endpoint.events.{process,network,file}-default), Sysmon through
//     the Windows integration (logs-windows.sysmon_operational-default) and
//     Endgame (endgame-3.61.0-000017), from a seeded fleet of Windows, Linux
//     and macOS hosts, each running one of them;
//   - the mix against the built-in rule, "Unusual Executable File Creation by
//     a System Critical Process": mostly benign activity, a share of true
//     positives and a share of near misses (its exclusions, deletions, other
//     extensions, non-Windows hosts, other processes). Each Event carries its
//     Kind as ground truth; the JSON never does;
//   - writing events out: a stream of NDJSON (Stream) or a spool directory
//     with one <index>.ndjson file per index (Spool), at full speed or in
//     real time.
//
// A Generator's output is a function of its Options alone: the same seed,
// start and rate give the same bytes.
package eventgen
